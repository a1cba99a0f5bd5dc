package integration

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"gptbot/internal/library/llm"
	"gptbot/internal/library/llm/llmtest"
	"gptbot/internal/library/markdown"
)

// processCPU is the CPU time the app's process has used so far, read from
// /proc: unlike the wall time of a request it does not grow when other
// work shares the machine.
func processCPU(t *testing.T, app *App) time.Duration {
	t.Helper()
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", app.cmd.Process.Pid))
	if err != nil {
		t.Fatalf("read the server's CPU time: %v", err)
	}
	// The fields after the command name, which is in parentheses: utime
	// and stime are the 12th and 13th, in clock ticks (USER_HZ, 100/s).
	fields := strings.Fields(string(raw[strings.LastIndexByte(string(raw), ')')+1:]))
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

// cpuLimit is a generous CPU bound for one hostile request; a server built
// with the race detector runs about ten times slower.
func cpuLimit(d time.Duration) time.Duration {
	if os.Getenv("GPTBOT_TEST_RACE") != "" {
		return 10 * d
	}
	return d
}

// The render endpoint answers every kind of deep nesting and pile-up, at
// the largest item size, in bounded CPU time and with bounded HTML.
// "> " × 99,000 took 50 s and returned 24 MB.
func TestRenderEndpointBoundsHostileMarkdown(t *testing.T) {
	app := StartApp(t, Options{})
	c := signUp(t, app, "hostile_md")
	render := func(items ...string) (*Response, []string, time.Duration) {
		t.Helper()
		before := processCPU(t, app)
		r := c.Do("POST", "/api/v1/render/markdown", map[string]any{"items": items})
		used := processCPU(t, app) - before
		var res struct {
			Html []string `json:"html"`
		}
		if r.Status == 200 {
			if err := json.Unmarshal(r.Data, &res); err != nil || len(res.Html) != len(items) {
				t.Fatalf("render: %v, %d items: %.300s", err, len(res.Html), r.Raw)
			}
		}
		return r, res.Html, used
	}
	wide := strings.Repeat("|a", 16000) + "\n" + strings.Repeat("|-", 16000) + "\n" + strings.Repeat("|b\n", 20000)
	cases := []struct {
		name, src, tag string // tag: nested element counted against the limit
	}{
		{"block quotes", strings.Repeat("> ", 99000) + "a", "<blockquote>"},
		{"bullet lists", strings.Repeat("- ", 99000) + "a", "<li>"},
		{"star lists", strings.Repeat("* ", 99000) + "a", "<li>"},
		{"ordered lists", strings.Repeat("1. ", 66000) + "a", "<li>"},
		{"quoted lists", strings.Repeat("> 1) ", 39000) + "a", "<blockquote>"},
		{"nested brackets", strings.Repeat("[", 99000) + strings.Repeat("]", 99000), ""},
		{"unclosed links", strings.Repeat("[a](b", 39000), ""},
		{"emphasis", strings.Repeat("*a_ ", 49000), ""},
		{"padded table", wide, ""},
		{"yaml code", "```yaml\n" + strings.Repeat(strings.Repeat(":", 150)+"\n", 400) + "```\n", ""},
	}
	for _, tc := range cases {
		if len(tc.src) > markdown.MaxSourceBytes {
			t.Fatalf("%s: %d bytes is over the item limit", tc.name, len(tc.src))
		}
		r, html, cpu := render(tc.src)
		Expect(t, r, 200, tc.name)
		t.Logf("%s: %d KB → %d KB of HTML (%d KB response) in %v CPU", tc.name, len(tc.src)>>10, len(html[0])>>10, len(r.Raw)>>10, cpu)
		if limit := cpuLimit(2 * time.Second); cpu > limit {
			t.Errorf("%s: %v of server CPU, more than %v", tc.name, cpu, limit)
		}
		if len(html[0]) > markdown.MaxOutputBytes || len(r.Raw) > 2*markdown.MaxOutputBytes {
			t.Errorf("%s: %d bytes of HTML, %d bytes of response", tc.name, len(html[0]), len(r.Raw))
		}
		if tc.tag != "" && strings.Count(html[0], tc.tag) > markdown.MaxNesting {
			t.Errorf("%s: %d %s, deeper than %d", tc.name, strings.Count(html[0], tc.tag), tc.tag, markdown.MaxNesting)
		}
	}

	// A batch of them shares the request's bounds.
	batch := []string{cases[0].src, cases[1].src, cases[8].src[:100000]}
	r, _, cpu := render(batch...)
	Expect(t, r, 200, "batch")
	if limit := cpuLimit(3 * time.Second); cpu > limit {
		t.Errorf("batch: %v of server CPU, more than %v", cpu, limit)
	}
	// More than the request's total is refused before any rendering.
	over := []string{cases[0].src, cases[1].src, cases[3].src}
	Expect(t, c.Do("POST", "/api/v1/render/markdown", map[string]any{"items": over}), 413, "more than 512 KB in all")
	Expect(t, c.Do("POST", "/api/v1/render/markdown", map[string]any{"items": []string{cases[0].src + strings.Repeat("x", 8000)}}),
		400, "an item over the limit")
}

// wideModelYAML configures one model whose window holds the longest
// message, so that its cost, not its length, decides.
func wideModelYAML(baseURL string) string {
	return fmt.Sprintf(`openai:
  baseURL: %q
  defaultModel: "wide-model"
  models:
    - {id: "wide-model", name: "Wide model", contextWindow: 400000, maxCompletionTokens: 16}
  connectTimeout: "2s"
  firstTokenTimeout: "10s"
  totalTimeout: "60s"
  maxRetries: 0
  retryBaseDelay: "10ms"
  retryMaxDelay: "1s"
`, baseURL)
}

// A message that is one long pre-tokenised piece (32,000 emoji, a single
// 32,000-letter word…) costs linear time to count: an exhausted account
// gets 402 before any counting, and a funded one is answered and charged.
// The emoji took 13 s of counting, twice, before the 402.
func TestHostileMessageTokenCounting(t *testing.T) {
	up := newUpstream(t, llmtest.New(t))
	app := StartApp(t, Options{ExtraYAML: wideModelYAML(up.URL())})

	poor := signUp(t, app, "poor_user")
	// Spend the new user's grant straight in the database, ledger included.
	poorID := userID(t, poor)
	if _, err := app.DB().Exec(`UPDATE users SET token_balance = 0 WHERE id = ?`, poorID); err != nil {
		t.Fatal(err)
	}
	if _, err := app.DB().Exec(`INSERT INTO usage_ledger (user_id, kind, tokens, note) VALUES (?, 'charge', 1000, 'spent by the test')`, poorID); err != nil {
		t.Fatal(err)
	}
	rich := signUp(t, app, "rich_user")
	if out, err := runCLI(t, app, "", "user", "grant", "--username", "rich_user", "--tokens", "1000000"); err != nil {
		t.Fatalf("grant: %v\n%s", err, out)
	}

	emoji := strings.Repeat("😀", 32000)
	f := llmtest.New(t)
	up.Use(f)
	conv := newConversation(t, poor, nil)
	before := processCPU(t, app)
	r := sendJSON(t, poor, conv, map[string]any{"content": emoji})
	cpu := processCPU(t, app) - before
	Expect(t, r, 402, "zero balance")
	if !strings.Contains(r.Message, "balance is 0") {
		t.Errorf("402 message %q", r.Message)
	}
	if limit := cpuLimit(time.Second); cpu > limit {
		t.Errorf("402 took %v of server CPU, more than %v", cpu, limit)
	}
	s := openSSE(t, poor, streamPath(conv), map[string]any{"content": emoji})
	if s.Resp.StatusCode != 402 {
		t.Errorf("stream: %d", s.Resp.StatusCode)
	}
	s.Close()
	if f.RequestCount() != 0 || balance(t, poor) != 0 {
		t.Errorf("upstream requests %d, balance %d", f.RequestCount(), balance(t, poor))
	}

	for name, content := range map[string]string{
		"emoji":       emoji,
		"one word":    strings.Repeat("a", 32000),
		"spaces":      strings.Repeat(" ", 31999) + "a",
		"cjk":         strings.Repeat("漢", 32000),
		"punctuation": strings.Repeat("!#", 16000),
	} {
		// No usage from the upstream: the app charges its own count.
		up.Use(llmtest.New(t, llmtest.Reply("ok").WithoutUsage()))
		conv := newConversation(t, rich, nil)
		had := balance(t, rich)
		before := processCPU(t, app)
		r := sendJSON(t, rich, conv, map[string]any{"content": content})
		cpu := processCPU(t, app) - before
		Expect(t, r, 200, name)
		t.Logf("%s: %d KB answered in %v of server CPU", name, len(content)>>10, cpu)
		if limit := cpuLimit(2 * time.Second); cpu > limit {
			t.Errorf("%s: %v of server CPU, more than %v", name, cpu, limit)
		}
		rep := decodeReply(t, r)
		want := int64(llm.CountMessages("wide-model", []llm.Message{{Role: "user", Content: content}}))
		if rep.Usage.PromptTokens != want || !rep.Usage.Estimated {
			t.Errorf("%s: prompt %d tokens (estimated %v), want %d estimated", name, rep.Usage.PromptTokens, rep.Usage.Estimated, want)
		}
		if charged := had - balance(t, rich); charged != rep.Usage.PromptTokens+rep.Usage.CompletionTokens || charged <= 0 {
			t.Errorf("%s: charged %d for %d + %d tokens", name, charged, rep.Usage.PromptTokens, rep.Usage.CompletionTokens)
		}
	}
	checkLedger(t, app)
}
