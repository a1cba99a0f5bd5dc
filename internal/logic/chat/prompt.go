package chat

import (
	"context"
	"fmt"

	"gptbot/internal/library/httperr"
	"gptbot/internal/library/llm"
	"gptbot/internal/model"
	"gptbot/internal/model/entity"
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

// buildPrompt sets the turn's prompt (the system prompt and the newest
// history that fits the model's window, then content unless it is empty)
// and its offline token count, and returns the most completion tokens the
// reply may have. A prompt that fills the window alone is refused.
func (s *sChat) buildPrompt(t *turn, system string, history []entity.Messages, content string) (limit int64, err error) {
	msgs := contextMessages(history)
	if content != "" {
		msgs = append(msgs, llm.Message{Role: model.MessageRoleUser, Content: content})
	}
	mdl := t.model
	var tokens int // counted once, while trimming
	t.prompt, tokens = llm.TrimToWindow(mdl.Id, system, msgs, mdl.ContextWindow, mdl.MaxCompletionTokens)
	t.estimate = int64(tokens)
	window := int64(mdl.ContextWindow)
	if t.estimate >= window {
		return 0, httperr.New(httperr.BadRequest, fmt.Sprintf(
			"content is too long for model %s: the prompt is about %d tokens and the model's window is %d",
			mdl.Id, t.estimate, window))
	}
	return min(int64(mdl.MaxCompletionTokens), window-t.estimate), nil
}

// contextMessages is the history the model sees: user messages and the
// assistant replies that produced text (cancelled ones included: the user
// saw them); failed replies are left out.
func contextMessages(history []entity.Messages) []llm.Message {
	out := make([]llm.Message, 0, len(history)+1)
	for _, m := range history {
		switch {
		case m.Role == model.MessageRoleUser:
			out = append(out, llm.Message{Role: model.MessageRoleUser, Content: m.Content})
		case m.Content != "" && (m.Status == model.MessageComplete || m.Status == model.MessageCancelled):
			out = append(out, llm.Message{Role: model.MessageRoleAssistant, Content: m.Content})
		}
	}
	return out
}
