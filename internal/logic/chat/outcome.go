package chat

import (
	"context"
	"errors"
	"time"

	"github.com/gogf/gf/v2/errors/gcode"
	"github.com/gogf/gf/v2/frame/g"

	"gptbot/internal/library/httperr"
	"gptbot/internal/library/llm"
	"gptbot/internal/library/metrics"
	"gptbot/internal/model"
)

// codeCancelled ends a reply whose client went away (nginx's "client
// closed request"): nobody reads it, but logs and metrics tell it apart.
var codeCancelled = gcode.New(499, "the request was cancelled", nil)

// callEnd is how a model call came back, with the state of its context.
type callEnd struct {
	res    llm.Result
	err    error // the call's own error
	ctxErr error // the call context's Err()
	cause  error // the call context's Cause(): who stopped it
}

// outcome is how a reply ended and what it is charged.
type outcome struct {
	status       string // model.Message*
	finishReason string
	content      string
	prompt       int64
	completion   int64
	estimated    bool
	metric       string // metrics.LLMStatus*
	// When the reply did not complete: the error's code, its safe message
	// (also stored with the message), and how long the client should wait
	// before trying again (0: no advice).
	errCode    gcode.Code
	errMessage string
	retryAfter time.Duration
	// usageRejected is why the reported usage was not believed ("" when
	// it was, or none was reported).
	usageRejected string
}

// err is the reply's error for the client, nil when it completed; cause
// is kept for the log.
func (o outcome) err(cause error) error {
	switch {
	case o.status == model.MessageComplete:
		return nil
	case o.retryAfter > 0:
		return httperr.WithRetryAfter(o.errCode, cause, o.errMessage, o.retryAfter)
	}
	return httperr.Wrap(o.errCode, cause, o.errMessage)
}

// classify decides how a call to model modelId ended and what it is
// charged: the reported usage when it is plausible, else an offline count
// marked estimated. estimate is the prompt counted offline, limit the
// max_tokens asked for. A reply that produced no text and did not complete
// costs nothing, except its prompt when the user stopped it after the
// upstream had the request: the provider bills that prompt. It has no side
// effects.
func classify(modelId string, estimate, limit int64, c callEnd) outcome {
	o := outcome{content: c.res.Content, finishReason: c.res.FinishReason}
	switch {
	case c.err == nil:
		o.status, o.metric = model.MessageComplete, metrics.LLMStatusOK
	case errors.Is(c.cause, errConversationDeleted):
		o.status, o.metric = model.MessageCancelled, metrics.LLMStatusCancelled
		o.errCode, o.errMessage = httperr.Conflict, "the conversation was deleted while the reply was being generated"
	case errors.Is(c.err, context.Canceled) && c.ctxErr != nil:
		o.status, o.metric = model.MessageCancelled, metrics.LLMStatusCancelled
		o.errCode, o.errMessage = codeCancelled, codeCancelled.Message()
	default:
		o.status = model.MessageFailed
		var status int
		status, o.errMessage = llm.PublicMessage(c.err)
		o.errCode = upstreamCode(status)
		switch {
		case errors.Is(c.err, llm.ErrFirstTokenTimeout), errors.Is(c.err, llm.ErrTimeout),
			errors.Is(c.err, context.DeadlineExceeded):
			o.metric = metrics.LLMStatusTimeout
		case errors.Is(c.err, llm.ErrUpstreamRateLimited):
			o.metric = metrics.LLMStatusRateLimited
		default:
			o.metric = metrics.LLMStatusError
		}
	}
	if c.err != nil && errors.Is(c.cause, errShuttingDown) {
		// Stopped because the server is going away: a 503 the client may
		// retry shortly, not a cancellation of its own.
		o.errCode, o.errMessage, o.retryAfter = httperr.Unavailable, msgRestarting, restartRetryAfter
	}

	if o.status != model.MessageComplete && o.content == "" {
		// An upstream failure, a timeout or a shutdown before any token is
		// a full refund.
		if o.status == model.MessageCancelled && c.res.PromptSent && stoppedByUser(c.cause) {
			o.prompt, o.estimated = estimate, true
		}
		return o
	}
	o.prompt, o.completion, o.estimated = estimate, int64(llm.CountText(modelId, o.content)), true
	if c.res.UsageReported {
		o.usageRejected = checkUsage(c.res.PromptTokens, c.res.CompletionTokens, estimate, limit, o.completion)
		if o.usageRejected == "" {
			o.prompt, o.completion, o.estimated = int64(c.res.PromptTokens), int64(c.res.CompletionTokens), false
		}
	}
	return o
}

// upstreamCode is the code of a failed model call from the HTTP status
// llm.PublicMessage gives it.
func upstreamCode(status int) gcode.Code {
	switch status {
	case httperr.GatewayTimeout.Code():
		return httperr.GatewayTimeout
	case codeCancelled.Code():
		return codeCancelled
	}
	return httperr.BadGateway
}

// stoppedByUser tells a reply the user stopped (went away, or deleted the
// conversation) from one stopped by the server (a shutdown, a timeout).
func stoppedByUser(cause error) bool {
	return errors.Is(cause, errConversationDeleted) || errors.Is(cause, context.Canceled)
}

// outcome classifies the end of t's call, and counts and logs reported
// usage that was not believed.
func (s *sChat) outcome(t *turn, res llm.Result, callErr error, callCtx context.Context) outcome {
	o := classify(t.model.Id, t.estimate, t.reserved-t.estimate,
		callEnd{res: res, err: callErr, ctxErr: callCtx.Err(), cause: context.Cause(callCtx)})
	if o.usageRejected != "" {
		s.metrics.UsageRejected(t.model.Id, o.usageRejected)
		g.Log().Warningf(callCtx, "chat: reply %d (model %s): the provider reported implausible usage "+
			"(%s: prompt %d, completion %d tokens for a prompt of about %d and max_tokens %d); "+
			"charging the offline count (prompt %d, completion %d)", t.messageId, t.model.Id, o.usageRejected,
			res.PromptTokens, res.CompletionTokens, t.estimate, t.reserved-t.estimate, o.prompt, o.completion)
	}
	return o
}
