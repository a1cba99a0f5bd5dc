package integration

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"gptbot/internal/library/llm/llmtest"
)

// TestRetryLogNamesTheRequest: the warning about a retried model call is
// written with the request's context, so it carries that request's trace id
// (the Trace-ID response header) and its X-Request-Id, not the ids of the
// boot context; in both answer forms and on regenerate.
func TestRetryLogNamesTheRequest(t *testing.T) {
	app, up := startChatApp(t, Options{NewUserTokens: 100000}, "")
	c := signUp(t, app, "retrylog")

	// retryLines are the retry warnings logged so far.
	retryLines := func() []string {
		var out []string
		for _, l := range strings.Split(app.Log(), "\n") {
			if strings.Contains(l, "retrying in") {
				out = append(out, l)
			}
		}
		return out
	}
	// check finds the one retry warning logged since before lines were
	// logged and looks for the request's ids in it.
	check := func(t *testing.T, before int, requestID, traceID string) {
		t.Helper()
		if traceID == "" {
			t.Fatal("no Trace-ID header in the answer")
		}
		waitFor(t, 10*time.Second, "the retry warning", func() bool { return len(retryLines()) > before })
		line := retryLines()[before]
		if !strings.Contains(line, requestID) || !strings.Contains(line, traceID) {
			t.Fatalf("retry warning without the request id %s or its trace id %s: %q", requestID, traceID, line)
		}
	}

	t.Run("stream", func(t *testing.T) {
		up.Use(llmtest.New(t, llmtest.Error(500, ""), llmtest.Reply("ok")))
		conv := newConversation(t, c, nil)
		before := len(retryLines())
		s := openSSE(t, c, streamPath(conv), map[string]any{"content": "hi"}, "X-Request-Id", "retry-stream-1")
		if evs := s.All(); names(evs) != "start,delta,usage,done" {
			t.Fatalf("events %s", names(evs))
		}
		check(t, before, "retry-stream-1", s.Resp.Header.Get("Trace-ID"))
	})
	t.Run("json", func(t *testing.T) {
		up.Use(llmtest.New(t, llmtest.Error(429, "0"), llmtest.Reply("ok")))
		conv := newConversation(t, c, nil)
		before := len(retryLines())
		r := c.Do("POST", streamPath(conv), map[string]any{"content": "hi"},
			"Accept", "application/json", "X-Request-Id", "retry-json-2")
		Expect(t, r, 200, "json reply after a retry")
		check(t, before, "retry-json-2", r.Header.Get("Trace-ID"))
	})
	t.Run("regenerate", func(t *testing.T) {
		up.Use(llmtest.New(t, llmtest.Reply("first")))
		conv := newConversation(t, c, nil)
		Expect(t, sendJSON(t, c, conv, map[string]any{"content": "hi"}), 200, "first reply")
		up.Use(llmtest.New(t, llmtest.Cut(), llmtest.Reply("second")))
		before := len(retryLines())
		r := c.Do("POST", fmt.Sprintf("/api/v1/conversations/%d/regenerate", conv), map[string]any{},
			"Accept", "application/json", "X-Request-Id", "retry-regen-3")
		Expect(t, r, 200, "regenerated after a retry")
		check(t, before, "retry-regen-3", r.Header.Get("Trace-ID"))
	})
}
