package chat

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gogf/gf/v2/database/gdb"
	"github.com/gogf/gf/v2/errors/gcode"
	"github.com/gogf/gf/v2/errors/gerror"
	"github.com/gogf/gf/v2/frame/g"

	"gptbot/internal/config"
	"gptbot/internal/dao"
	"gptbot/internal/library/httperr"
	"gptbot/internal/library/llm"
	"gptbot/internal/library/metrics"
	"gptbot/internal/model"
	"gptbot/internal/model/do"
	"gptbot/internal/model/entity"
	"gptbot/internal/service"
)

// claimMargin is added to the total model timeout for how long a claim on
// a conversation lasts: a process that dies mid-reply blocks the
// conversation no longer than that.
const claimMargin = 2 * time.Minute

// settleTimeout bounds settlement, which runs on a detached context.
const settleTimeout = 30 * time.Second

var errBusy = httperr.New(httperr.Conflict,
	"a reply is being generated in this conversation; wait for it to finish or stop it first")

// Send stores the user's message and answers it: as server-sent events on
// the request when in.Stream, else as the returned reply.
func (s *sChat) Send(ctx context.Context, uid int64, in model.ChatInput) (*model.ChatReply, error) {
	if strings.TrimSpace(in.Content) == "" {
		return nil, httperr.New(httperr.BadRequest, "content must not be empty")
	}
	if n := utf8.RuneCountInString(in.Content); n > s.limits.MaxMessageChars {
		return nil, httperr.New(httperr.BadRequest,
			fmt.Sprintf("content must be at most %d characters (it has %d)", s.limits.MaxMessageChars, n))
	}
	return s.reply(ctx, uid, in, false)
}

// Regenerate replaces the conversation's last assistant reply with a new
// answer to the last user message; answered like Send.
func (s *sChat) Regenerate(ctx context.Context, uid int64, in model.ChatInput) (*model.ChatReply, error) {
	in.Content = ""
	return s.reply(ctx, uid, in, true)
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

func (s *sChat) reply(ctx context.Context, uid int64, in model.ChatInput, regenerate bool) (*model.ChatReply, error) {
	conv, err := s.owned(ctx, uid, in.ConversationId)
	if err != nil {
		return nil, err
	}
	mdl, err := s.resolveModel(in.Model, conv.Model)
	if err != nil {
		return nil, err
	}
	if err = s.checkAffordable(ctx, uid, conv.SystemPrompt, in.Content); err != nil {
		return nil, err
	}
	t := &turn{uid: uid, conversationId: int64(conv.Id), model: mdl}
	if err = s.claim(ctx, t); err != nil {
		return nil, err
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
		return nil, err
	}
	// With the claim held, a reply still "streaming" here was abandoned by
	// a process that died (its claim expired): settle it before going on.
	for i := range history {
		if history[i].Status == model.MessageStreaming {
			if err = s.settleAbandoned(ctx, uid, &history[i]); err != nil {
				return nil, err
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
			return nil, httperr.New(httperr.Conflict, "there is no reply to regenerate in this conversation")
		}
		t.userMessageId = int64(history[len(history)-1].Id)
	}
	msgs := contextMessages(history)
	if !regenerate {
		msgs = append(msgs, llm.Message{Role: model.MessageRoleUser, Content: in.Content})
	}
	var tokens int // counted once, while trimming
	t.prompt, tokens = llm.TrimToWindow(mdl.Id, conv.SystemPrompt, msgs, mdl.ContextWindow, mdl.MaxCompletionTokens)
	t.estimate = int64(tokens)
	window := int64(mdl.ContextWindow)
	if t.estimate >= window {
		return nil, httperr.New(httperr.BadRequest, fmt.Sprintf(
			"content is too long for model %s: the prompt is about %d tokens and the model's window is %d",
			mdl.Id, t.estimate, window))
	}
	limit := min(int64(mdl.MaxCompletionTokens), window-t.estimate)

	if err = s.reserve(ctx, t, conv, in.Content, replace, limit); err != nil {
		return nil, err
	}
	return s.answer(ctx, t, in.Stream)
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

// claim marks the conversation busy with one atomic UPDATE, so that only one
// reply at a time is generated in it (on any instance): 409 otherwise.
func (s *sChat) claim(ctx context.Context, t *turn) error {
	now := time.Now()
	t.claim = now.Add(s.claimLifetime()).UnixMilli()
	cols := dao.Conversations.Columns()
	res, err := dao.Conversations.Ctx(ctx).
		Data(do.Conversations{BusyUntil: t.claim}).
		Where(do.Conversations{Id: t.conversationId, UserId: t.uid}).
		WhereLT(cols.BusyUntil, now.UnixMilli()).
		Update()
	if err != nil {
		return dbErr(err, "claim conversation")
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil
	}
	if _, err = s.owned(ctx, t.uid, t.conversationId); err != nil {
		return err // deleted meanwhile
	}
	return errBusy
}

// release frees the conversation if this turn's claim still holds it.
func (s *sChat) release(ctx context.Context, t *turn) {
	_, err := dao.Conversations.Ctx(ctx).Data(do.Conversations{BusyUntil: 0}).
		Where(do.Conversations{Id: t.conversationId, BusyUntil: t.claim}).Update()
	if err != nil {
		g.Log().Warningf(ctx, "chat: release conversation %d: %v", t.conversationId, err)
	}
}

// reserve, in one transaction, debits the tokens (the first statement: a
// guarded UPDATE), stores the user message (or drops the reply being
// replaced) and the assistant placeholder, and records the reservation.
func (s *sChat) reserve(ctx context.Context, t *turn, conv *entity.Conversations, content string,
	replace *entity.Messages, limit int64) error {
	var messageId, userMessageId, reserved int64
	err := dao.Messages.Transaction(ctx, func(ctx context.Context, tx gdb.TX) error {
		var err error
		reserved, err = service.Quota().Reserve(ctx, t.uid, t.estimate+1, t.estimate+limit)
		if err != nil {
			return err
		}
		n, err := dao.Conversations.Ctx(ctx).Where(do.Conversations{Id: t.conversationId, UserId: t.uid}).Count()
		if err != nil {
			return dbErr(err, "check conversation")
		}
		if n == 0 {
			return errNoConversation
		}
		if replace != nil {
			if _, err = dao.Messages.Ctx(ctx).Where(do.Messages{Id: replace.Id}).Delete(); err != nil {
				return dbErr(err, "drop replaced reply")
			}
		} else if t.userMessageId == 0 {
			userMessageId, err = dao.Messages.Ctx(ctx).Data(do.Messages{
				ConversationId: t.conversationId, Role: model.MessageRoleUser, Content: content,
				Status: model.MessageComplete, Model: "",
			}).InsertAndGetId()
			if err != nil {
				return dbErr(err, "store message")
			}
			if conv.Title == "" {
				_, err = dao.Conversations.Ctx(ctx).Data(do.Conversations{Title: titleFrom(content)}).
					Where(do.Conversations{Id: t.conversationId, Title: ""}).Update()
				if err != nil {
					return dbErr(err, "set title")
				}
			}
		}
		id, err := dao.Messages.Ctx(ctx).Data(do.Messages{
			ConversationId: t.conversationId, Role: model.MessageRoleAssistant, Content: "",
			Status: model.MessageStreaming, Model: t.model.Id, ReservedTokens: reserved,
		}).InsertAndGetId()
		if err != nil {
			return dbErr(err, "store reply")
		}
		messageId = id
		return service.Quota().RecordReservation(ctx, t.uid, id, t.model.Id, reserved)
	})
	if err != nil {
		return err
	}
	// Only now, committed, does the turn own a reservation to settle.
	t.messageId, t.reserved = messageId, reserved
	if userMessageId != 0 {
		t.userMessageId = userMessageId
	}
	return nil
}

// titleFrom makes a conversation title from its first message.
func titleFrom(content string) string {
	line := strings.TrimSpace(content)
	if i := strings.IndexAny(line, "\r\n"); i >= 0 {
		line = strings.TrimSpace(line[:i])
	}
	line = strings.Join(strings.Fields(line), " ")
	const maxRunes = 60
	if utf8.RuneCountInString(line) > maxRunes {
		r := []rune(line)
		line = strings.TrimSpace(string(r[:maxRunes])) + "…"
	}
	return line
}

// outcome is how a model call ended.
type outcome struct {
	status       string // model.Message*
	finishReason string
	content      string
	prompt       int64
	completion   int64
	estimated    bool
	errCode      int    // HTTP status for the client when failed
	errMessage   string // safe message
	metric       string // metrics.LLMStatus*
}

// answer calls the model and delivers the reply; settlement always runs.
func (s *sChat) answer(ctx context.Context, t *turn, stream bool) (*model.ChatReply, error) {
	var sse *sseWriter
	if stream {
		sse = startSSE(g.RequestFromCtx(ctx))
		sse.send("start", g.Map{"messageId": t.messageId, "userMessageId": t.userMessageId})
		stopKeepAlive := sse.keepAlive(s.limits.KeepAliveInterval)
		defer stopKeepAlive() // deferred first, so it runs last: no write after return
	}

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
			s.settle(ctx, t, s.replyOutcome(t, res, callErr, callCtx))
		}
	}()

	streamDone := s.metrics.LLMStreamStarted()
	defer streamDone() // idempotent; also on a panic
	started := time.Now()
	var onDelta func(string) error
	if sse != nil {
		onDelta = func(d string) error {
			sse.send("delta", g.Map{"content": d})
			return nil
		}
	}
	res, callErr = s.client.Stream(callCtx, llm.Request{
		Model: t.model.Id, Messages: t.prompt, MaxTokens: int(t.reserved - t.estimate),
	}, onDelta)
	streamDone()

	o := s.replyOutcome(t, res, callErr, callCtx)
	s.metrics.ObserveLLMRequest(t.model.Id, o.metric, time.Since(started))
	if res.TimeToFirstToken > 0 {
		s.metrics.ObserveLLMTimeToFirstToken(t.model.Id, res.TimeToFirstToken)
	}
	if callErr != nil && o.metric != metrics.LLMStatusCancelled {
		g.Log().Warningf(ctx, "chat: reply %d in conversation %d (model %s) failed after %d attempt(s): %v",
			t.messageId, t.conversationId, t.model.Id, res.Attempts, callErr)
	}
	charged, balance, err := s.settle(ctx, t, o)
	if err != nil {
		if sse != nil {
			sse.send("error", g.Map{"code": 503, "message": "the reply could not be saved"})
			return nil, nil
		}
		return nil, err
	}
	usage := model.UsageView{PromptTokens: o.prompt, CompletionTokens: o.completion, Estimated: o.estimated, Balance: balance}
	if charged == 0 {
		usage.PromptTokens, usage.CompletionTokens, usage.Estimated = 0, 0, false
	}

	if sse != nil {
		if charged > 0 || o.status == model.MessageComplete {
			sse.send("usage", usage)
		}
		if o.status == model.MessageComplete {
			sse.send("done", g.Map{"messageId": t.messageId, "finishReason": o.finishReason})
		} else {
			sse.send("error", g.Map{"code": o.errCode, "message": o.errMessage})
		}
		return nil, nil
	}
	if o.status != model.MessageComplete {
		return nil, httperr.Wrap(replyStatus(ctx, o.errCode), callErr, o.errMessage)
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
	return &model.ChatReply{ConversationId: t.conversationId, UserMessageId: t.userMessageId, Message: msg, Usage: usage}, nil
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

// outcome classifies a finished call and decides what is charged: the
// reported usage when it is plausible, else an offline count marked
// estimated. A reply that produced no text and did not complete costs
// nothing, except its prompt when the user stopped it after the upstream
// had the request: the provider bills that prompt.
func (s *sChat) outcome(t *turn, res llm.Result, callErr error, callCtx context.Context) outcome {
	o := outcome{content: res.Content, finishReason: res.FinishReason}
	switch {
	case callErr == nil:
		o.status, o.metric = model.MessageComplete, metrics.LLMStatusOK
	case errors.Is(context.Cause(callCtx), errConversationDeleted):
		o.status, o.metric = model.MessageCancelled, metrics.LLMStatusCancelled
		o.errCode, o.errMessage = 409, "the conversation was deleted while the reply was being generated"
	case errors.Is(callErr, context.Canceled) && callCtx.Err() != nil:
		o.status, o.metric = model.MessageCancelled, metrics.LLMStatusCancelled
		o.errCode, o.errMessage = 499, "the request was cancelled"
	default:
		o.status = model.MessageFailed
		o.errCode, o.errMessage = llm.PublicMessage(callErr)
		switch {
		case errors.Is(callErr, llm.ErrFirstTokenTimeout), errors.Is(callErr, llm.ErrTimeout),
			errors.Is(callErr, context.DeadlineExceeded):
			o.metric = metrics.LLMStatusTimeout
		case errors.Is(callErr, llm.ErrUpstreamRateLimited):
			o.metric = metrics.LLMStatusRateLimited
		default:
			o.metric = metrics.LLMStatusError
		}
	}
	if o.status != model.MessageComplete && o.content == "" {
		// An upstream failure, a timeout or a shutdown before any token is
		// a full refund.
		if o.status == model.MessageCancelled && res.PromptSent && stoppedByUser(callCtx) {
			o.prompt, o.estimated = t.estimate, true
		}
		return o
	}
	o.prompt, o.completion, o.estimated = t.estimate, int64(llm.CountText(t.model.Id, o.content)), true
	if res.UsageReported {
		reason := checkUsage(res.PromptTokens, res.CompletionTokens, t.estimate, t.reserved-t.estimate, o.completion)
		if reason == "" {
			o.prompt, o.completion, o.estimated = int64(res.PromptTokens), int64(res.CompletionTokens), false
		} else {
			s.metrics.UsageRejected(t.model.Id, reason)
			g.Log().Warningf(callCtx, "chat: reply %d (model %s): the provider reported implausible usage "+
				"(%s: prompt %d, completion %d tokens for a prompt of about %d and max_tokens %d); "+
				"charging the offline count (prompt %d, completion %d)", t.messageId, t.model.Id, reason,
				res.PromptTokens, res.CompletionTokens, t.estimate, t.reserved-t.estimate, o.prompt, o.completion)
		}
	}
	return o
}

// stoppedByUser tells a reply the user stopped (went away, or deleted the
// conversation) from one stopped by the server (a shutdown, a timeout).
func stoppedByUser(callCtx context.Context) bool {
	cause := context.Cause(callCtx)
	return errors.Is(cause, errConversationDeleted) || errors.Is(cause, context.Canceled)
}

// errSettledAlready rolls back a settlement whose reservation was settled
// meanwhile (by a sweep, or another instance's).
var errSettledAlready = gerror.New("the reply was settled already")

// settle records the outcome (see settleTurn) once per turn. A settlement
// that fails is left to the sweep, which retries it with this outcome;
// one settled elsewhere meanwhile is left alone and charges nothing here.
func (s *sChat) settle(ctx context.Context, t *turn, o outcome) (charged, balance int64, err error) {
	t.settled = true
	ctx = context.WithoutCancel(ctx) // the client may be gone
	charged, err = s.settleTurn(ctx, t, o)
	switch {
	case errors.Is(err, errSettledAlready):
		charged = 0
	case err != nil:
		g.Log().Errorf(ctx, "chat: settle reply %d of user %d (the sweep retries it): %+v", t.messageId, t.uid, err)
		retryLater(t, o)
		return 0, 0, err
	}
	balance, err = service.Quota().Balance(ctx, t.uid)
	return charged, balance, err
}

// settleTurn makes one attempt at settling a turn, in one transaction
// bounded by settleTimeout: the message, the charge and refund, and the
// release of the conversation.
func (s *sChat) settleTurn(ctx context.Context, t *turn, o outcome) (charged int64, err error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), settleTimeout)
	defer cancel()
	err = dao.Messages.Transaction(ctx, func(ctx context.Context, tx gdb.TX) error {
		charged, err = s.settleTx(ctx, t.uid, t.conversationId, t.messageId, t.model.Id, t.reserved, o)
		if err != nil {
			return err
		}
		_, err = dao.Conversations.Ctx(ctx).Data(do.Conversations{BusyUntil: 0}).
			Where(do.Conversations{Id: t.conversationId, BusyUntil: t.claim}).Update()
		return dbErr(err, "release conversation")
	})
	if err != nil {
		return 0, err
	}
	s.metrics.AddLLMTokens(t.model.Id, int(o.prompt), int(o.completion))
	return charged, nil
}

// settleTx settles one reply inside a transaction; errSettledAlready, and
// nothing written, when its reservation was settled already. The ledger
// decides that (quota.Settle), not the message, which may be gone with its
// conversation: the money is settled all the same.
func (s *sChat) settleTx(ctx context.Context, uid, conversationId, messageId int64, modelId string,
	reserved int64, o outcome) (int64, error) {
	// A write first: SQLite then holds its write lock for the rest of the
	// transaction, so concurrent settlers of one reply take turns and the
	// ledger check in Settle is exact.
	res, err := dao.Messages.Ctx(ctx).Data(do.Messages{Status: o.status}).
		Where(do.Messages{Id: messageId, Status: model.MessageStreaming}).Update()
	if err != nil {
		return 0, dbErr(err, "finish message")
	}
	finished, _ := res.RowsAffected()
	charged, ok, err := service.Quota().Settle(ctx, model.Settlement{
		UserId: uid, MessageId: messageId, Model: modelId, Reserved: reserved,
		PromptTokens: o.prompt, CompletionTokens: o.completion, Estimated: o.estimated,
	})
	if err != nil {
		return 0, err
	}
	if !ok {
		return 0, errSettledAlready
	}
	if finished == 0 {
		return charged, nil // no message left to update
	}
	errText := o.errMessage
	if o.status == model.MessageComplete {
		errText = ""
	}
	_, err = dao.Messages.Ctx(ctx).Data(do.Messages{
		Content: o.content, PromptTokens: o.prompt, CompletionTokens: o.completion, ChargedTokens: charged,
		Estimated: boolInt(o.estimated), FinishReason: o.finishReason, Error: errText,
	}).Where(do.Messages{Id: messageId}).Update()
	return charged, dbErr(err, "save reply")
}

// SettleStale settles what is still reserved for replies nobody will
// settle any more (see sweep.go): settlements of this process that failed
// are retried with their real outcome; replies whose process stopped (their
// conversation's claim expired, or the conversation is gone and the claim
// would have) are refunded and marked failed. It returns how many it
// settled. Safe to run on several instances at once, and run at start and
// every chat.settleInterval (KeepSettling).
func (s *sChat) SettleStale(ctx context.Context) (int, error) {
	return s.sweep(ctx)
}

// settleAbandoned refunds the reservation of a reply nobody is generating
// any more and marks it failed; one settled meanwhile is left alone.
func (s *sChat) settleAbandoned(ctx context.Context, uid int64, m *entity.Messages) error {
	_, err := s.refundAbandoned(ctx, uid, int64(m.ConversationId), int64(m.Id), m.Model, m.ReservedTokens)
	return err
}

func statusCode(status int) gcode.Code {
	switch status {
	case 504:
		return httperr.GatewayTimeout
	case 409, 499:
		return httperr.Conflict
	}
	return httperr.BadGateway
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
