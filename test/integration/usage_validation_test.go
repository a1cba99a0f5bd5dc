package integration

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"gptbot/internal/library/llm/llmtest"
)

// TestImplausibleUsageIsReplacedByTheOfflineCount: usage figures no model
// can have produced (overflowing, negative, absurd, or far from what was
// sent) are not charged: the reply settles at the offline count, marked
// estimated, the operator is told in the log and in metrics, and neither
// the ledger nor /usage shows a negative number.
func TestImplausibleUsageIsReplacedByTheOfflineCount(t *testing.T) {
	app, up := startChatApp(t, Options{NewUserTokens: 1_000_000}, "")
	c := signUp(t, app, "hostile_upstream")
	short, long := "How are you?", strings.Repeat("word ", 1500)

	// What the offline count charges: the same prompt and answer from an
	// upstream that reports no usage at all.
	offline := map[string]reply{}
	for _, content := range []string{short, long} {
		up.Use(llmtest.New(t, llmtest.Reply("Hello", " world").WithoutUsage()))
		r := sendJSON(t, c, newConversation(t, c, nil), map[string]any{"content": content})
		Expect(t, r, 200, "reply without usage")
		rep := decodeReply(t, r)
		if !rep.Message.Estimated || rep.Message.ChargedTokens <= 0 {
			t.Fatalf("reply without usage: %s", r.Raw)
		}
		offline[content] = rep
	}

	rejected := map[string]int{}
	for _, tc := range []struct {
		name               string
		content            string
		prompt, completion int
		reason             string
	}{
		{"int64-max both", short, math.MaxInt64, math.MaxInt64, "prompt_above_sent"},
		{"int64-max completion", short, 11, math.MaxInt64, "completion_above_limit"},
		{"negative both", short, -5, -7, "negative"},
		{"int64-min prompt", short, math.MinInt64, 2, "negative"},
		{"negative completion", short, 11, -1, "negative"},
		{"1e12 both", short, 1e12, 1e12, "prompt_above_sent"},
		{"1e12 completion", short, 11, 1e12, "completion_above_limit"},
		{"zero prompt for a long one", long, 0, 2, "prompt_below_sent"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := offline[tc.content]
			up.Use(llmtest.New(t, llmtest.Reply("Hello", " world").WithUsage(tc.prompt, tc.completion)))
			r := sendJSON(t, c, newConversation(t, c, nil), map[string]any{"content": tc.content})
			Expect(t, r, 200, "reply with implausible usage")
			rep := decodeReply(t, r)
			m := rep.Message
			if m.Status != "complete" || !m.Estimated || m.ChargedTokens != want.Message.ChargedTokens ||
				m.PromptTokens != want.Message.PromptTokens || m.CompletionTokens != want.Message.CompletionTokens ||
				rep.Usage.PromptTokens != want.Usage.PromptTokens || !rep.Usage.Estimated {
				t.Fatalf("reply %s\nwant the offline count %+v", r.Raw, want.Message)
			}
			if stored, _ := loadMessage(t, app, m.Id); stored.Status != "complete" || stored.Charged != want.Message.ChargedTokens {
				t.Fatalf("stored %+v", stored)
			}
			if got := chargedFor(t, app, m.Id); got != want.Message.ChargedTokens {
				t.Fatalf("ledger charged %d, want %d", got, want.Message.ChargedTokens)
			}
			rejected[tc.reason]++
		})
	}

	// Streamed: the usage event carries the offline count too.
	up.Use(llmtest.New(t, llmtest.Reply("Hello", " world").WithUsage(math.MaxInt64, -1)))
	evs := openSSE(t, c, streamPath(newConversation(t, c, nil)), map[string]any{"content": short}).All()
	if names(evs) != "start,delta,delta,usage,done" {
		t.Fatalf("events %s", names(evs))
	}
	if u := find(t, evs, "usage"); u.num("promptTokens") != offline[short].Usage.PromptTokens ||
		u.num("completionTokens") != offline[short].Usage.CompletionTokens || u.Data["estimated"] != true {
		t.Fatalf("usage event %s, want the offline count", u.Raw)
	}
	rejected["negative"]++

	text := metricsText(t, app.URL+"/metrics", "")
	for reason, n := range rejected {
		line := fmt.Sprintf(`gptbot_llm_usage_rejected_total{model="test-model",reason=%q} %d`, reason, n)
		if !strings.Contains(text, line+"\n") {
			t.Errorf("/metrics lacks %s", line)
		}
	}
	if n := strings.Count(app.Log(), "the provider reported implausible usage"); n != 9 {
		t.Errorf("%d warnings about implausible usage in the log, want 9", n)
	}

	r := c.Do("GET", "/api/v1/usage?days=1", nil)
	Expect(t, r, 200, "usage")
	var rep struct {
		Balance int64 `json:"balance"`
		Total   struct {
			Requests, PromptTokens, CompletionTokens, Tokens, Granted int64
		} `json:"total"`
	}
	mustJSON(t, r.Data, &rep)
	tot := rep.Total
	if tot.Requests != 11 || tot.PromptTokens <= 0 || tot.CompletionTokens <= 0 || tot.Tokens != tot.Granted-rep.Balance ||
		tot.Tokens != tot.PromptTokens+tot.CompletionTokens {
		t.Fatalf("usage report %s", r.Raw)
	}
	var negative int
	mustScan(t, app.DB().QueryRow("SELECT count(*) FROM usage_ledger WHERE prompt_tokens < 0 OR completion_tokens < 0"), &negative)
	if negative != 0 {
		t.Fatalf("%d ledger rows with negative token counts", negative)
	}
	checkLedger(t, app)
}

// TestStoppingBeforeTheFirstTokenChargesThePrompt: once the upstream has
// the request, a user who stops the reply before its first token pays for
// the prompt (the provider bills it); an upstream that failed, even while
// the user was waiting for a retry, costs nothing.
func TestStoppingBeforeTheFirstTokenChargesThePrompt(t *testing.T) {
	app, up := startChatApp(t, Options{NewUserTokens: 1_000_000}, "", patient...)
	c := signUp(t, app, "stops_early")
	content := strings.Repeat("a long question ", 500) // 8 KB: the test model's window is 4096 tokens

	// Our estimate of the prompt: the prompt count of the same message
	// answered by an upstream that reports no usage.
	up.Use(llmtest.New(t, llmtest.Reply("ok").WithoutUsage()))
	r := sendJSON(t, c, newConversation(t, c, nil), map[string]any{"content": content})
	Expect(t, r, 200, "control reply")
	estimate := decodeReply(t, r).Message.PromptTokens
	if estimate < 1000 {
		t.Fatalf("prompt estimate %d for an 8 KB message", estimate)
	}

	// stop opens a reply with f upstream, waits for ready, stops it (the
	// client goes away, or deletes the conversation) and waits until it
	// is settled.
	stop := func(t *testing.T, f *llmtest.Server, ready func() bool, deleteConv bool) int64 {
		t.Helper()
		up.Use(f)
		conv := newConversation(t, c, nil)
		s := openSSE(t, c, streamPath(conv), map[string]any{"content": content})
		st, _ := s.Next()
		id := st.num("messageId")
		waitFor(t, 10*time.Second, "the upstream to have the request", ready)
		if deleteConv {
			Expect(t, c.Do("DELETE", fmt.Sprintf("/api/v1/conversations/%d", conv), nil), 200, "delete")
		} else {
			s.Close()
		}
		waitFor(t, 10*time.Second, "the reply to be settled", func() bool { return settlementRows(t, app, id) == 1 })
		return id
	}
	requested := func(f *llmtest.Server) func() bool { return func() bool { return f.RequestCount() > 0 } }

	for _, tc := range []struct {
		name     string
		scenario llmtest.Scenario
	}{
		{"slow first token", llmtest.Reply("late").WithDelay(30 * time.Second)},
		{"no response headers yet", llmtest.HangBeforeHeaders()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := llmtest.New(t, tc.scenario)
			id := stop(t, f, requested(f), false)
			f.WaitCancelled(t, 5*time.Second)
			m, _ := loadMessage(t, app, id)
			if m.Status != "cancelled" || m.Prompt != estimate || m.Completion != 0 || m.Charged != estimate ||
				m.Estimated != 1 || chargedFor(t, app, id) != estimate {
				t.Fatalf("stopped before the first token: %+v, ledger %d; want the prompt (%d) charged",
					m, chargedFor(t, app, id), estimate)
			}
		})
	}

	t.Run("conversation deleted before the first token", func(t *testing.T) {
		f := llmtest.New(t, llmtest.Reply("late").WithDelay(30*time.Second))
		id := stop(t, f, requested(f), true)
		var prompt int64
		mustScan(t, app.DB().QueryRow("SELECT prompt_tokens FROM usage_ledger WHERE message_id = ? AND note <> 'reserve'", id), &prompt)
		if got := chargedFor(t, app, id); got != estimate || prompt != estimate {
			t.Fatalf("ledger charged %d for prompt %d, want the prompt (%d)", got, prompt, estimate)
		}
	})

	t.Run("stopped while waiting to retry an upstream error", func(t *testing.T) {
		// Retry-After 2 s: within retryMaxDelay, so the call waits to retry.
		f := llmtest.New(t, llmtest.Error(500, "2"))
		retries := strings.Count(app.Log(), "retrying in")
		id := stop(t, f, func() bool { return strings.Count(app.Log(), "retrying in") > retries }, false)
		if m, _ := loadMessage(t, app, id); m.Status != "cancelled" || m.Charged != 0 || chargedFor(t, app, id) != 0 {
			t.Fatalf("stopped after an upstream error: %+v, ledger %d; want a full refund", m, chargedFor(t, app, id))
		}
	})

	t.Run("upstream error before any token", func(t *testing.T) {
		up.Use(llmtest.New(t, llmtest.Error(500, "")))
		r := sendJSON(t, c, newConversation(t, c, nil), map[string]any{"content": content})
		Expect(t, r, 502, "upstream error")
		var id int64
		mustScan(t, app.DB().QueryRow("SELECT max(id) FROM messages WHERE role = 'assistant'"), &id)
		if m, _ := loadMessage(t, app, id); m.Status != "failed" || m.Charged != 0 || chargedFor(t, app, id) != 0 {
			t.Fatalf("upstream error: %+v, ledger %d; want a full refund", m, chargedFor(t, app, id))
		}
	})
	checkLedger(t, app)
}
