package chat

import (
	"context"
	"errors"
	"time"

	"github.com/gogf/gf/v2/frame/g"

	"gptbot/internal/dao"
	"gptbot/internal/library/httperr"
	"gptbot/internal/library/llm"
	"gptbot/internal/library/metrics"
	"gptbot/internal/model"
	"gptbot/internal/model/do"
	"gptbot/internal/model/entity"
)

// msgNotSaved is the error of a reply whose settlement failed (the sweep
// retries it).
const msgNotSaved = "the reply could not be saved"

// answer calls the model for a reserved turn and reports the reply to out,
// from Start to End; settlement always runs. ctx ending (the client went
// away) cancels the model call.
func (s *sChat) answer(ctx context.Context, t *turn, out model.ReplyEmitter) {
	out.Start(model.ReplyStart{ConversationId: t.conversationId, MessageId: t.messageId, UserMessageId: t.userMessageId})

	callCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	untrack := s.track(t.conversationId, cancel)
	defer untrack()

	var res llm.Result
	callErr := errors.New("the reply was interrupted")
	// Safety net: whatever happens below (a panic included), the
	// reservation is settled and the conversation released.
	defer func() {
		if !t.settled {
			s.settle(ctx, t, s.outcome(t, res, callErr, callCtx))
		}
	}()

	streamDone := s.metrics.LLMStreamStarted()
	defer streamDone() // idempotent; also on a panic
	started := time.Now()
	res, callErr = s.client.Stream(callCtx, llm.Request{
		Model: t.model.Id, Messages: t.prompt, MaxTokens: int(t.reserved - t.estimate),
	}, func(d string) error {
		out.Delta(d)
		return nil
	})
	streamDone()

	o := s.outcome(t, res, callErr, callCtx)
	s.metrics.ObserveLLMRequest(t.model.Id, o.metric, time.Since(started))
	if res.TimeToFirstToken > 0 {
		s.metrics.ObserveLLMTimeToFirstToken(t.model.Id, res.TimeToFirstToken)
	}
	if callErr != nil && o.metric != metrics.LLMStatusCancelled {
		g.Log().Warningf(ctx, "chat: reply %d in conversation %d (model %s) failed after %d attempt(s): %v",
			t.messageId, t.conversationId, t.model.Id, res.Attempts, callErr)
	}
	end := model.ReplyEnd{MessageId: t.messageId, FinishReason: o.finishReason}
	charged, balance, err := s.settle(ctx, t, o)
	if err != nil {
		end.Err = httperr.Wrap(httperr.Unavailable, err, msgNotSaved)
		out.End(end)
		return
	}
	usage := model.UsageView{PromptTokens: o.prompt, CompletionTokens: o.completion, Estimated: o.estimated, Balance: balance}
	if charged == 0 {
		usage.PromptTokens, usage.CompletionTokens, usage.Estimated = 0, 0, false
	}
	if charged > 0 || o.status == model.MessageComplete {
		end.Usage = &usage
	}
	if o.status != model.MessageComplete {
		end.Err = o.err(callErr)
		out.End(end)
		return
	}
	msg := model.MessageView{
		Id: t.messageId, Role: model.MessageRoleAssistant, Content: o.content, Status: o.status, Model: t.model.Id,
		PromptTokens: usage.PromptTokens, CompletionTokens: usage.CompletionTokens, ChargedTokens: charged,
		Estimated: usage.Estimated, FinishReason: o.finishReason,
	}
	var stored *entity.Messages
	if err = dao.Messages.Ctx(ctx).Where(do.Messages{Id: t.messageId}).Scan(&stored); err == nil && stored != nil {
		msg = messageView(stored)
	}
	end.Reply = &model.ChatReply{ConversationId: t.conversationId, UserMessageId: t.userMessageId, Message: msg, Usage: usage}
	out.End(end)
}

// track registers a reply so that deleting its conversation, or a shutdown
// whose grace ran out, stops it; one starting after that is stopped at once.
func (s *sChat) track(conversationId int64, cancel context.CancelCauseFunc) (untrack func()) {
	a := &activeReply{cancel: cancel}
	s.mu.Lock()
	s.active[conversationId] = a
	if s.stopping {
		cancel(errShuttingDown)
	}
	s.mu.Unlock()
	return func() {
		s.mu.Lock()
		if s.active[conversationId] == a {
			delete(s.active, conversationId)
		}
		s.mu.Unlock()
	}
}
