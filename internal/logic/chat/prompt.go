package chat

import (
	"context"
	"fmt"

	"gptbot/internal/library/httperr"
	"gptbot/internal/library/llm"
	"gptbot/internal/model"
	"gptbot/internal/service"
)

// checkAffordable refuses (402) a reply whose prompt the user's balance
// cannot pay even at the least it can cost (llm.MinPromptTokens, plus the
// one completion token a reservation needs), before the conversation is
// claimed, its history loaded or anything counted: an exhausted account
// must not be able to make the server count a long message. The balance
// is read again, atomically, when the reply is reserved.
func (s *sChat) checkAffordable(ctx context.Context, uid int64, system, content string) error {
	prompt := []llm.Message{{Role: model.MessageRoleUser, Content: content}}
	if system != "" {
		prompt = append(prompt, llm.Message{Role: model.MessageRoleSystem, Content: system})
	}
	least := int64(llm.MinPromptTokens(prompt)) + 1
	balance, err := service.Quota().Balance(ctx, uid)
	if err != nil {
		return err
	}
	if balance < least {
		return httperr.New(httperr.PaymentRequired, fmt.Sprintf(
			"token balance exhausted: a message needs at least %d tokens and your balance is %d", least, balance))
	}
	return nil
}
