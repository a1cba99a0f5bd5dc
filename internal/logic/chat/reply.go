package chat

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"gptbot/internal/config"
	"gptbot/internal/library/httperr"
	"gptbot/internal/library/llm"
	"gptbot/internal/model"
	"gptbot/internal/model/entity"
)

// A reply goes through these steps, one file each: the conversation is
// claimed (claim.go), the prompt built (prompt.go), the tokens reserved
// and the messages stored (reserve.go), the model called (answer.go), its
// ending classified (outcome.go) and settled (settle.go); what a stopped
// process left unsettled is settled by the sweep (sweep.go).

// Send stores the user's message and answers it through out (see
// model.ReplyEmitter). An error returned means the reply was refused before
// it began: nothing was emitted, reserved or stored.
func (s *sChat) Send(ctx context.Context, uid int64, in model.ChatInput, out model.ReplyEmitter) error {
	if strings.TrimSpace(in.Content) == "" {
		return httperr.New(httperr.BadRequest, "content must not be empty")
	}
	if n := utf8.RuneCountInString(in.Content); n > s.limits.MaxMessageChars {
		return httperr.New(httperr.BadRequest,
			fmt.Sprintf("content must be at most %d characters (it has %d)", s.limits.MaxMessageChars, n))
	}
	return s.reply(ctx, uid, in, false, out)
}

// Regenerate replaces the conversation's last assistant reply with a new
// answer to the last user message; answered like Send.
func (s *sChat) Regenerate(ctx context.Context, uid int64, in model.ChatInput, out model.ReplyEmitter) error {
	in.Content = ""
	return s.reply(ctx, uid, in, true, out)
}

// turn is one reply in progress: what was reserved for it and where it goes.
type turn struct {
	uid, conversationId int64
	claim               int64 // busy_until value this turn set
	userMessageId       int64
	messageId           int64 // the assistant message
	model               config.ChatModel
	prompt              []llm.Message
	estimate            int64 // prompt tokens, counted offline
	reserved            int64
	settled             bool
}

func (s *sChat) reply(ctx context.Context, uid int64, in model.ChatInput, regenerate bool, out model.ReplyEmitter) error {
	conv, err := s.owned(ctx, uid, in.ConversationId)
	if err != nil {
		return err
	}
	mdl, err := s.resolveModel(in.Model, conv.Model)
	if err != nil {
		return err
	}
	if err = s.checkAffordable(ctx, uid, conv.SystemPrompt, in.Content); err != nil {
		return err
	}
	t := &turn{uid: uid, conversationId: conv.Id, model: mdl}
	if err = s.claim(ctx, t); err != nil {
		return err
	}
	// Until the reservation succeeded the claim is released here; after it,
	// settlement releases it.
	defer func() {
		if t.messageId == 0 {
			s.release(context.WithoutCancel(ctx), t)
		}
	}()

	history, err := s.messages(ctx, t.conversationId)
	if err != nil {
		return err
	}
	// With the claim held, a reply still "streaming" here was abandoned by
	// a process that died (its claim expired): settle it before going on.
	for i := range history {
		if history[i].Status == model.MessageStreaming {
			if err = s.settleAbandoned(ctx, uid, &history[i]); err != nil {
				return err
			}
			history[i].Status = model.MessageFailed
		}
	}
	var replace *entity.Messages
	if regenerate {
		if n := len(history); n > 0 && history[n-1].Role == model.MessageRoleAssistant {
			replace = &history[n-1]
			history = history[:n-1]
		}
		if n := len(history); n == 0 || history[n-1].Role != model.MessageRoleUser {
			return httperr.New(httperr.Conflict, "there is no reply to regenerate in this conversation")
		}
		t.userMessageId = history[len(history)-1].Id
	}
	limit, err := s.buildPrompt(t, conv.SystemPrompt, history, in.Content)
	if err != nil {
		return err
	}
	if err = s.reserve(ctx, t, conv, in.Content, replace, limit); err != nil {
		return err
	}
	s.answer(ctx, t, out)
	return nil
}

// KeepAliveInterval is how long a streamed reply may stay silent before
// the stream shows it is alive (chat.keepAliveInterval): proxies cut idle
// connections.
func (s *sChat) KeepAliveInterval() time.Duration { return s.limits.KeepAliveInterval }
