package chat

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"gptbot/internal/library/httperr"
	"gptbot/internal/library/llm"
	"gptbot/internal/library/metrics"
	"gptbot/internal/model"
)

// TestClassify covers the pure classification of a finished model call:
// how it ended (the call's error, and who stopped its context) and what
// it produced decide the message status, the metric, the error the client
// gets (its wire status and message, and a Retry-After) and the figures
// charged.
func TestClassify(t *testing.T) {
	const (
		mdl      = "gpt-4o-mini"
		estimate = 100 // prompt counted offline
		limit    = 50  // max_tokens asked for
	)
	text := "Hello world, this is a partial answer"
	counted := int64(llm.CountText(mdl, text))
	var (
		canceled   = context.Canceled
		deleted    = errConversationDeleted
		shutdown   = errShuttingDown
		rateLimit  = fmt.Errorf("upstream 429: %w", llm.ErrUpstreamRateLimited)
		firstToken = fmt.Errorf("no token: %w", llm.ErrFirstTokenTimeout)
		total      = fmt.Errorf("too long: %w", llm.ErrTimeout)
		badResp    = fmt.Errorf("garbage: %w", llm.ErrUpstreamBadResponse)
	)
	reported := func(p, c int) llm.Result {
		return llm.Result{Content: text, FinishReason: "stop", UsageReported: true, PromptTokens: p, CompletionTokens: c, PromptSent: true}
	}
	partial := llm.Result{Content: text, PromptSent: true}
	sentOnly := llm.Result{PromptSent: true}

	type want struct {
		status, metric string
		wire           int    // status of the client's error, 0 when complete
		message        string // part of its message
		retryAfter     time.Duration
		prompt, compl  int64
		estimated      bool
		rejected       string // metrics.Usage*
	}
	for _, tc := range []struct {
		name string
		in   callEnd
		want want
	}{
		{"complete, plausible usage", callEnd{res: reported(98, 9)},
			want{status: model.MessageComplete, metric: metrics.LLMStatusOK, prompt: 98, compl: 9}},
		{"complete, no usage reported", callEnd{res: llm.Result{Content: text, FinishReason: "stop", PromptSent: true}},
			want{status: model.MessageComplete, metric: metrics.LLMStatusOK, prompt: estimate, compl: counted, estimated: true}},
		{"complete, negative usage", callEnd{res: reported(-1, 9)},
			want{status: model.MessageComplete, metric: metrics.LLMStatusOK, prompt: estimate, compl: counted, estimated: true, rejected: metrics.UsageNegative}},
		{"complete, completion above max_tokens", callEnd{res: reported(98, limit+1000)},
			want{status: model.MessageComplete, metric: metrics.LLMStatusOK, prompt: estimate, compl: counted, estimated: true, rejected: metrics.UsageCompletionAboveLimit}},
		{"complete, prompt far above what was sent", callEnd{res: reported(1<<40, 9)},
			want{status: model.MessageComplete, metric: metrics.LLMStatusOK, prompt: estimate, compl: counted, estimated: true, rejected: metrics.UsagePromptAboveSent}},

		{"client left before any token, prompt sent", callEnd{res: sentOnly, err: canceled, ctxErr: canceled, cause: canceled},
			want{status: model.MessageCancelled, metric: metrics.LLMStatusCancelled, wire: 499, message: "cancelled", prompt: estimate, estimated: true}},
		{"client left before the prompt was sent", callEnd{err: canceled, ctxErr: canceled, cause: canceled},
			want{status: model.MessageCancelled, metric: metrics.LLMStatusCancelled, wire: 499, message: "cancelled"}},
		{"client left mid-answer", callEnd{res: partial, err: canceled, ctxErr: canceled, cause: canceled},
			want{status: model.MessageCancelled, metric: metrics.LLMStatusCancelled, wire: 499, message: "cancelled", prompt: estimate, compl: counted, estimated: true}},
		{"client left mid-answer, usage reported", callEnd{res: reported(98, 9), err: canceled, ctxErr: canceled, cause: canceled},
			want{status: model.MessageCancelled, metric: metrics.LLMStatusCancelled, wire: 499, message: "cancelled", prompt: 98, compl: 9}},
		{"conversation deleted before any token", callEnd{res: sentOnly, err: canceled, ctxErr: canceled, cause: deleted},
			want{status: model.MessageCancelled, metric: metrics.LLMStatusCancelled, wire: 409, message: "deleted", prompt: estimate, estimated: true}},
		{"conversation deleted mid-answer", callEnd{res: partial, err: canceled, ctxErr: canceled, cause: deleted},
			want{status: model.MessageCancelled, metric: metrics.LLMStatusCancelled, wire: 409, message: "deleted", prompt: estimate, compl: counted, estimated: true}},

		{"shutdown before any token", callEnd{res: sentOnly, err: canceled, ctxErr: canceled, cause: shutdown},
			want{status: model.MessageCancelled, metric: metrics.LLMStatusCancelled, wire: 503, message: "restarting", retryAfter: restartRetryAfter}},
		{"shutdown mid-answer", callEnd{res: partial, err: canceled, ctxErr: canceled, cause: shutdown},
			want{status: model.MessageCancelled, metric: metrics.LLMStatusCancelled, wire: 503, message: "restarting", retryAfter: restartRetryAfter, prompt: estimate, compl: counted, estimated: true}},
		{"shutdown during an upstream failure", callEnd{res: sentOnly, err: badResp, ctxErr: canceled, cause: shutdown},
			want{status: model.MessageFailed, metric: metrics.LLMStatusError, wire: 503, message: "restarting", retryAfter: restartRetryAfter}},

		{"upstream rate limited", callEnd{res: sentOnly, err: rateLimit},
			want{status: model.MessageFailed, metric: metrics.LLMStatusRateLimited, wire: 502, message: "rate limiting"}},
		{"first token timeout", callEnd{res: sentOnly, err: firstToken},
			want{status: model.MessageFailed, metric: metrics.LLMStatusTimeout, wire: 504, message: "did not start"}},
		{"total timeout mid-answer", callEnd{res: partial, err: total},
			want{status: model.MessageFailed, metric: metrics.LLMStatusTimeout, wire: 504, message: "too long", prompt: estimate, compl: counted, estimated: true}},
		{"deadline exceeded", callEnd{res: sentOnly, err: context.DeadlineExceeded, ctxErr: context.DeadlineExceeded, cause: context.DeadlineExceeded},
			want{status: model.MessageFailed, metric: metrics.LLMStatusTimeout, wire: 504, message: "too long"}},
		{"bad upstream response", callEnd{res: sentOnly, err: badResp},
			want{status: model.MessageFailed, metric: metrics.LLMStatusError, wire: 502, message: "invalid response"}},
		{"a cancellation not of this call", callEnd{res: sentOnly, err: canceled},
			want{status: model.MessageFailed, metric: metrics.LLMStatusError, wire: 499, message: "cancelled"}},
		{"unknown failure", callEnd{res: partial, err: errors.New("boom")},
			want{status: model.MessageFailed, metric: metrics.LLMStatusError, wire: 502, message: "failed", prompt: estimate, compl: counted, estimated: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := classify(mdl, estimate, limit, tc.in)
			w := tc.want
			if o.status != w.status || o.metric != w.metric {
				t.Errorf("status %q metric %q, want %q %q", o.status, o.metric, w.status, w.metric)
			}
			if o.prompt != w.prompt || o.completion != w.compl || o.estimated != w.estimated || o.usageRejected != w.rejected {
				t.Errorf("charged prompt %d completion %d estimated %v (rejected %q), want %d %d %v (%q)",
					o.prompt, o.completion, o.estimated, o.usageRejected, w.prompt, w.compl, w.estimated, w.rejected)
			}
			if o.content != tc.in.res.Content || o.finishReason != tc.in.res.FinishReason {
				t.Errorf("content %q finish %q", o.content, o.finishReason)
			}
			err := o.err(tc.in.err)
			if w.wire == 0 {
				if err != nil {
					t.Errorf("complete reply with error %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("no error for a reply that did not complete")
			}
			status, message, _ := httperr.Resolve(err)
			after, _ := httperr.RetryAfter(err)
			if status != w.wire || !strings.Contains(message, w.message) || after != w.retryAfter || message != o.errMessage {
				t.Errorf("client error %d %q (retry after %v), want %d containing %q (retry after %v); stored %q",
					status, message, after, w.wire, w.message, w.retryAfter, o.errMessage)
			}
		})
	}
}
