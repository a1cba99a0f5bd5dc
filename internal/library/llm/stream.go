package llm

import (
	"context"
	"errors"
	"io"
	"net/http/httptrace"
	"strings"
	"sync/atomic"
	"time"

	"github.com/sashabaranov/go-openai"
)

// Stream sends req and calls onDelta (which may be nil) with every non-empty
// piece of content, in order, from the calling goroutine.
//
// Failures before the first delta — 429, 5xx, 408, a failed connection, a
// stream broken before any content — are retried up to MaxRetries times with
// backoff, honouring Retry-After. Once a delta was delivered nothing is
// retried: the user has already seen part of an answer.
//
// Errors: an *Error for upstream faults and timeouts (test with errors.Is
// against the Err* sentinels); ctx.Err() unchanged when the caller's context
// ended; onDelta's own error unchanged when it asked to stop. In every case
// the upstream request is cancelled and the Result holds what was delivered.
func (c *Client) Stream(ctx context.Context, req Request, onDelta func(delta string) error) (Result, error) {
	callCtx, cancel := context.WithTimeoutCause(ctx, c.cfg.TotalTimeout, ErrTimeout)
	defer cancel()
	deadline, _ := callCtx.Deadline()

	s := &streamState{start: time.Now(), onDelta: onDelta}
	creq := c.chatRequest(req)
	for {
		s.res.Attempts++
		err := c.attempt(callCtx, creq, s)
		s.res.Content = s.content.String()
		if err == nil {
			return s.res, nil
		}
		err = c.finalError(ctx, callCtx, err)
		var ue *Error
		if !errors.As(err, &ue) || !ue.retryable || s.delivered || s.res.Attempts > c.cfg.MaxRetries {
			return s.res, err
		}
		wait, ok := c.retryDelay(s.res.Attempts, ue, deadline)
		if !ok {
			return s.res, err
		}
		if c.cfg.OnRetry != nil {
			c.cfg.OnRetry(ctx, s.res.Attempts, err, wait)
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-callCtx.Done():
			t.Stop()
			return s.res, c.finalError(ctx, callCtx, callCtx.Err())
		}
	}
}

type streamState struct {
	start     time.Time
	onDelta   func(string) error
	content   strings.Builder
	delivered bool
	res       Result
}

// callbackError marks onDelta's error so it is returned untouched.
type callbackError struct{ err error }

func (e callbackError) Error() string { return e.err.Error() }

// attempt makes one HTTP request and reads its stream to the end.
func (c *Client) attempt(ctx context.Context, creq openai.ChatCompletionRequest, s *streamState) error {
	actx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	ft := startFirstTokenTimer(c.cfg.FirstTokenTimeout, func() { cancel(ErrFirstTokenTimeout) })
	defer ft.stop()

	s.res.FinishReason, s.res.UsageReported = "", false
	s.res.PromptTokens, s.res.CompletionTokens = 0, 0

	meta := &respMeta{}
	var wrote atomic.Bool
	trace := &httptrace.ClientTrace{WroteRequest: func(i httptrace.WroteRequestInfo) { wrote.Store(i.Err == nil) }}
	stream, err := c.api.CreateChatCompletionStream(
		httptrace.WithClientTrace(context.WithValue(actx, respMetaKey{}, meta), trace), creq)
	s.res.PromptSent = err == nil || (wrote.Load() && ctx.Err() != nil)
	if err != nil {
		return c.attemptError(actx, err, false, meta)
	}
	defer stream.Close()

	for {
		chunk, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			// go-openai says EOF both for [DONE] and for a body that simply
			// ended; only a finish reason or usage proves the answer is whole.
			if s.res.FinishReason != "" || s.res.UsageReported {
				drain(meta, func() { cancel(nil) })
				return nil
			}
			// Not retried: a body that ends cleanly but early is a server
			// bug (or a non-stream reply), not a passing network fault.
			return &Error{Kind: ErrUpstreamBadResponse, Detail: "stream ended before the model finished"}
		}
		if err != nil {
			return c.attemptError(actx, err, true, meta)
		}
		if u := chunk.Usage; u != nil {
			s.res.PromptTokens, s.res.CompletionTokens, s.res.UsageReported = u.PromptTokens, u.CompletionTokens, true
		}
		for _, ch := range chunk.Choices {
			if ch.Index != 0 { // we never ask for n>1
				continue
			}
			if ch.FinishReason != "" && ch.FinishReason != openai.FinishReasonNull {
				s.res.FinishReason = string(ch.FinishReason)
			}
			if d := ch.Delta.Content; d != "" {
				if !ft.arrived() {
					return c.firstTokenError()
				}
				if !s.delivered {
					s.res.TimeToFirstToken = time.Since(s.start)
				}
				s.delivered = true
				s.content.WriteString(d)
				if s.onDelta != nil {
					if err := s.onDelta(d); err != nil {
						return callbackError{err}
					}
				}
			}
		}
	}
}

// attemptError explains why an attempt failed, preferring our own reasons
// for cancelling it over the transport error that the cancellation caused.
func (c *Client) attemptError(actx context.Context, err error, inStream bool, m *respMeta) error {
	if errors.Is(context.Cause(actx), ErrFirstTokenTimeout) {
		return c.firstTokenError()
	}
	if actx.Err() != nil {
		return actx.Err() // the caller or the total timeout; see finalError
	}
	return c.classify(err, inStream, m)
}

func (c *Client) firstTokenError() error {
	return &Error{Kind: ErrFirstTokenTimeout, Detail: "no content within " + c.cfg.FirstTokenTimeout.String()}
}

// finalError maps context errors: the caller's own cancellation wins and is
// returned as is; our total deadline becomes ErrTimeout.
func (c *Client) finalError(ctx, callCtx context.Context, err error) error {
	var cb callbackError
	switch {
	case errors.As(err, &cb):
		return cb.err
	case ctx.Err() != nil:
		return ctx.Err()
	case errors.Is(context.Cause(callCtx), ErrTimeout):
		return &Error{Kind: ErrTimeout, Detail: "exceeded " + c.cfg.TotalTimeout.String()}
	}
	return err
}

// firstTokenTimer fires onTimeout unless arrived is called first. The
// compare-and-swap settles the race between a late token and the timer, so
// a call never both delivers content and reports ErrFirstTokenTimeout.
type firstTokenTimer struct {
	state atomic.Int32 // 0 waiting, 1 arrived, 2 timed out
	t     *time.Timer
}

func startFirstTokenTimer(d time.Duration, onTimeout func()) *firstTokenTimer {
	f := &firstTokenTimer{}
	f.t = time.AfterFunc(d, func() {
		if f.state.CompareAndSwap(0, 2) {
			onTimeout()
		}
	})
	return f
}

func (f *firstTokenTimer) arrived() bool {
	if f.state.CompareAndSwap(0, 1) {
		f.t.Stop()
		return true
	}
	return f.state.Load() == 1
}

func (f *firstTokenTimer) stop() { f.t.Stop() }
