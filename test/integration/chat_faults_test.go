package integration

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"gptbot/internal/library/llm/llmtest"
)

// TestChatUpstreamFaults meets every kind of upstream fault with the
// fake provider, in both answer forms, and checks what is stored and charged.
func TestChatUpstreamFaults(t *testing.T) {
	const secret = "SECRET-USER-TEXT-4711"
	app, up := startChatApp(t, Options{NewUserTokens: 100000}, "", "firstTokenTimeout", `"1s"`)
	c := signUp(t, app, "faulty")
	start := balance(t, c)

	// use points the app at a fresh fake scripted with scenarios.
	use := func(t *testing.T, scenarios ...llmtest.Scenario) *llmtest.Server {
		f := llmtest.New(t, scenarios...)
		up.Use(f)
		return f
	}
	// unchanged asserts a failure before any token cost nothing.
	unchanged := func(t *testing.T) {
		t.Helper()
		if b := balance(t, c); b != start {
			t.Fatalf("balance %d after a failure before any token, want %d (full refund)", b, start)
		}
	}

	t.Run("401 is 502 saying the key was refused", func(t *testing.T) {
		f := use(t, llmtest.Error(401, "").WithError("invalid_request_error", "invalid_api_key",
			"Incorrect API key provided: sk-proj-****abcd. You can find your API key at https://platform.openai.com."))
		conv := newConversation(t, c, nil)
		r := sendJSON(t, c, conv, map[string]any{"content": secret})
		Expect(t, r, 502, "401 upstream")
		if !strings.Contains(r.Message, "refused the API key") || strings.Contains(r.Raw, "sk-") {
			t.Fatalf("message %q (body %s)", r.Message, r.Raw)
		}
		if f.RequestCount() != 1 {
			t.Fatalf("a refused key was retried: %d requests", f.RequestCount())
		}
		unchanged(t)
	})

	t.Run("403 in a stream is an error event", func(t *testing.T) {
		use(t, llmtest.Error(403, ""))
		conv := newConversation(t, c, nil)
		evs := openSSE(t, c, streamPath(conv), map[string]any{"content": secret}).All()
		if names(evs) != "start,error" {
			t.Fatalf("events %s", names(evs))
		}
		e := find(t, evs, "error")
		if e.num("code") != 502 || !strings.Contains(e.str("message"), "refused the API key") {
			t.Fatalf("error event %s", e.Raw)
		}
		if m, _ := loadMessage(t, app, find(t, evs, "start").num("messageId")); m.Status != "failed" || m.Charged != 0 {
			t.Fatalf("message %+v", m)
		}
		unchanged(t)
	})

	t.Run("429 and 500 are retried, then answered", func(t *testing.T) {
		f := use(t, llmtest.Error(429, "1"), llmtest.Error(500, ""), llmtest.Reply("at", " last"))
		conv := newConversation(t, c, nil)
		began := time.Now()
		r := sendJSON(t, c, conv, map[string]any{"content": secret})
		Expect(t, r, 200, "after retries")
		if rep := decodeReply(t, r); rep.Message.Content != "at last" {
			t.Fatalf("reply %s", r.Raw)
		}
		if f.RequestCount() != 3 {
			t.Fatalf("%d upstream requests, want 3", f.RequestCount())
		}
		if el := time.Since(began); el < 900*time.Millisecond {
			t.Fatalf("Retry-After: 1 not honoured (answered in %v)", el)
		}
		start = balance(t, c)
	})

	t.Run("429 for ever is 502 after bounded retries", func(t *testing.T) {
		f := use(t, llmtest.Error(429, "0"))
		conv := newConversation(t, c, nil)
		r := sendJSON(t, c, conv, map[string]any{"content": secret})
		Expect(t, r, 502, "429 for ever")
		if f.RequestCount() != 3 { // maxRetries: 2
			t.Fatalf("%d upstream requests, want 3", f.RequestCount())
		}
		unchanged(t)
	})

	t.Run("no first token in time is 504", func(t *testing.T) {
		f := use(t, llmtest.Hang())
		conv := newConversation(t, c, nil)
		r := sendJSON(t, c, conv, map[string]any{"content": secret})
		Expect(t, r, 504, "first-token timeout")
		f.WaitCancelled(t, 5*time.Second)
		unchanged(t)

		evs := openSSE(t, c, streamPath(conv), map[string]any{"content": secret}).All()
		if e := find(t, evs, "error"); e.num("code") != 504 || names(evs) != "start,error" {
			t.Fatalf("events %s, error %s", names(evs), e.Raw)
		}
		unchanged(t)
	})

	t.Run("stream cut mid-way is an error event and keeps the partial", func(t *testing.T) {
		use(t, llmtest.Cut("partial ", "answer"))
		conv := newConversation(t, c, nil)
		evs := openSSE(t, c, streamPath(conv), map[string]any{"content": secret}).All()
		if names(evs) != "start,delta,delta,usage,error" {
			t.Fatalf("events %s", names(evs))
		}
		if e := find(t, evs, "error"); e.num("code") != 502 {
			t.Fatalf("error %s", e.Raw)
		}
		u := find(t, evs, "usage")
		if u.Data["estimated"] != true || u.num("completionTokens") <= 0 {
			t.Fatalf("usage %s", u.Raw)
		}
		id := find(t, evs, "start").num("messageId")
		m, _ := loadMessage(t, app, id)
		if m.Status != "failed" || m.Content != "partial answer" || m.Estimated != 1 ||
			m.Charged != u.num("promptTokens")+u.num("completionTokens") || chargedFor(t, app, id) != m.Charged {
			t.Fatalf("message %+v, ledger %d", m, chargedFor(t, app, id))
		}
		if b := balance(t, c); b != start-m.Charged || b != u.num("balance") {
			t.Fatalf("balance %d, want %d", b, start-m.Charged)
		}
		start -= m.Charged
	})

	t.Run("malformed SSE is an error event", func(t *testing.T) {
		use(t, llmtest.Malformed())
		conv := newConversation(t, c, nil)
		evs := openSSE(t, c, streamPath(conv), map[string]any{"content": secret}).All()
		if names(evs) != "start,error" || find(t, evs, "error").num("code") != 502 {
			t.Fatalf("events %s", names(evs))
		}
		unchanged(t)
	})

	t.Run("an error object inside a 200 stream is an error event", func(t *testing.T) {
		use(t, llmtest.StreamError("so far"))
		conv := newConversation(t, c, nil)
		evs := openSSE(t, c, streamPath(conv), map[string]any{"content": secret}).All()
		if names(evs) != "start,delta,usage,error" || find(t, evs, "error").num("code") != 502 {
			t.Fatalf("events %s", names(evs))
		}
		m, _ := loadMessage(t, app, find(t, evs, "start").num("messageId"))
		if m.Status != "failed" || m.Content != "so far" || m.Charged <= 0 {
			t.Fatalf("message %+v", m)
		}
		start -= m.Charged
	})

	t.Run("no usage chunk means an estimated charge", func(t *testing.T) {
		use(t, llmtest.Reply("counted", " offline").WithoutUsage())
		conv := newConversation(t, c, nil)
		evs := openSSE(t, c, streamPath(conv), map[string]any{"content": secret}).All()
		if names(evs) != "start,delta,delta,usage,done" {
			t.Fatalf("events %s", names(evs))
		}
		u := find(t, evs, "usage")
		if u.Data["estimated"] != true || u.num("promptTokens") <= 0 || u.num("completionTokens") <= 0 {
			t.Fatalf("usage %s", u.Raw)
		}
		id := find(t, evs, "start").num("messageId")
		m, _ := loadMessage(t, app, id)
		var est int
		mustScan(t, app.DB().QueryRow("SELECT estimated FROM usage_ledger WHERE message_id = ? AND note LIKE 'settle%'", id), &est)
		if m.Status != "complete" || m.Estimated != 1 || est != 1 {
			t.Fatalf("message %+v, ledger estimated %d", m, est)
		}
		start = balance(t, c)
	})

	t.Run("client disconnect cancels upstream, keeps and charges the partial", func(t *testing.T) {
		pieces := make([]string, 40)
		for i := range pieces {
			pieces[i] = "word "
		}
		f := use(t, llmtest.Reply(pieces...).WithDelay(50*time.Millisecond))
		conv := newConversation(t, c, nil)
		s := openSSE(t, c, streamPath(conv), map[string]any{"content": secret})
		st, _ := s.Next()
		for i := 0; i < 3; i++ {
			if e, ok := s.Next(); !ok || e.Name != "delta" {
				t.Fatalf("event %d: %+v", i, e)
			}
		}
		s.Close()
		f.WaitCancelled(t, 5*time.Second)
		id := st.num("messageId")
		var m messageRow
		waitFor(t, 5*time.Second, "the cancelled reply to be settled", func() bool {
			m, _ = loadMessage(t, app, id)
			return m.Status != "streaming"
		})
		if m.Status != "cancelled" || !strings.HasPrefix(m.Content, "word word word ") || len(m.Content) >= 40*5 ||
			m.Charged <= 0 || m.Estimated != 1 || chargedFor(t, app, id) != m.Charged {
			t.Fatalf("message %+v", m)
		}
		if b := balance(t, c); b != start-m.Charged {
			t.Fatalf("balance %d, want %d", b, start-m.Charged)
		}
		start -= m.Charged
	})

	t.Run("other 4xx is 502 saying the provider rejected the request", func(t *testing.T) {
		use(t, llmtest.Error(400, "").WithError("invalid_request_error", "model_not_found", "The model does not exist"))
		conv := newConversation(t, c, nil)
		r := sendJSON(t, c, conv, map[string]any{"content": secret})
		Expect(t, r, 502, "400 upstream")
		if !strings.Contains(r.Message, "rejected") {
			t.Fatalf("message %q", r.Message)
		}
		unchanged(t)
	})

	checkLedger(t, app)
	if strings.Contains(app.Log(), secret) {
		t.Fatal("the log contains message text")
	}
	// History lives in SQL, never in the session (or anywhere in Redis).
	rc := app.RedisClient()
	keys, _ := rc.Keys(context.Background(), "*").Result()
	for _, k := range keys {
		var dump string
		switch rc.Type(context.Background(), k).Val() {
		case "hash":
			dump = fmt.Sprint(rc.HGetAll(context.Background(), k).Val())
		case "string":
			dump = rc.Get(context.Background(), k).Val()
		}
		if strings.Contains(dump, secret) {
			t.Fatalf("redis key %s holds message text", k)
		}
	}
	if !strings.Contains(app.Log(), "failed after") {
		t.Errorf("upstream failures are not logged:\n%s", app.Log())
	}
}
