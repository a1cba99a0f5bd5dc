package integration

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"gptbot/internal/library/llm/llmtest"
)

func TestConversationCRUDAndPaging(t *testing.T) {
	app, up := startChatApp(t, Options{}, "")
	c := signUp(t, app, "organiser")

	r := c.Do("POST", "/api/v1/conversations", map[string]any{})
	Expect(t, r, 200, "create with defaults")
	if !strings.Contains(r.Raw, `"model":"test-model"`) || !strings.Contains(r.Raw, `"title":""`) {
		t.Fatalf("defaults: %s", r.Raw)
	}
	a := newConversation(t, c, map[string]any{"title": "  Alpha  "})
	b := newConversation(t, c, map[string]any{"title": "Beta", "model": "small-model", "systemPrompt": "You are terse."})

	list := func(query string) (page struct {
		List []struct {
			Id    int64  `json:"id"`
			Title string `json:"title"`
		} `json:"list"`
		Total, Page, Size int
	}) {
		t.Helper()
		r := c.Do("GET", "/api/v1/conversations"+query, nil)
		Expect(t, r, 200, "list "+query)
		mustJSON(t, r.Data, &page)
		return page
	}
	p := list("?page=1&size=2")
	if p.Total != 3 || p.Page != 1 || p.Size != 2 || len(p.List) != 2 || p.List[0].Id != b || p.List[1].Id != a {
		t.Fatalf("page 1: %+v", p)
	}
	if p = list("?page=2&size=2"); len(p.List) != 1 || p.Total != 3 {
		t.Fatalf("page 2: %+v", p)
	}
	if p = list("?page=9&size=2"); len(p.List) != 0 || p.Total != 3 {
		t.Fatalf("page past the end: %+v", p)
	}
	if p = list(""); p.Page != 1 || p.Size != 20 || len(p.List) != 3 || p.List[2].Title != "" {
		t.Fatalf("default paging: %+v", p)
	}
	if p.List[1].Title != "Alpha" {
		t.Fatalf("title not trimmed: %+v", p)
	}

	// PATCH changes only what it names.
	r = c.Do("PATCH", fmt.Sprintf("/api/v1/conversations/%d", b), map[string]any{"title": "Renamed"})
	Expect(t, r, 200, "rename")
	if !strings.Contains(r.Raw, `"title":"Renamed"`) || !strings.Contains(r.Raw, `"model":"small-model"`) ||
		!strings.Contains(r.Raw, `"systemPrompt":"You are terse."`) {
		t.Fatalf("rename: %s", r.Raw)
	}
	r = c.Do("PATCH", fmt.Sprintf("/api/v1/conversations/%d", b), map[string]any{"model": "test-model", "systemPrompt": "Be kind."})
	Expect(t, r, 200, "change model and prompt")
	if !strings.Contains(r.Raw, `"model":"test-model"`) || !strings.Contains(r.Raw, `"systemPrompt":"Be kind."`) {
		t.Fatalf("patch: %s", r.Raw)
	}
	Expect(t, c.Do("PATCH", fmt.Sprintf("/api/v1/conversations/%d", b), map[string]any{"model": "gpt-99"}), 400, "unknown model")

	// The conversation's model and system prompt are what goes upstream.
	f := llmtest.New(t, llmtest.Reply("ok"))
	up.Use(f)
	Expect(t, sendJSON(t, c, b, map[string]any{"content": "hi"}), 200, "send")
	if req := f.Requests()[0].Body; req.Model != "test-model" || req.Messages[0].Content != "Be kind." {
		t.Fatalf("upstream got %+v", req)
	}
	// A message moves its conversation to the top.
	Expect(t, sendJSON(t, c, a, map[string]any{"content": "hi"}), 200, "send")
	if p = list("?size=1"); p.List[0].Id != a {
		t.Fatalf("most recently active first: %+v", p)
	}

	Expect(t, c.Do("DELETE", fmt.Sprintf("/api/v1/conversations/%d", a), nil), 200, "delete")
	Expect(t, c.Do("GET", fmt.Sprintf("/api/v1/conversations/%d", a), nil), 404, "deleted")
	Expect(t, c.Do("DELETE", fmt.Sprintf("/api/v1/conversations/%d", a), nil), 404, "delete twice")
	if p = list(""); p.Total != 2 {
		t.Fatalf("after delete: %+v", p)
	}
	var orphans int
	mustScan(t, app.DB().QueryRow("SELECT count(*) FROM messages WHERE conversation_id = ?", a), &orphans)
	if orphans != 0 {
		t.Fatalf("%d messages of the deleted conversation remain", orphans)
	}
	checkLedger(t, app)
}

func TestConversationsOfOthersAre404(t *testing.T) {
	app, up := startChatApp(t, Options{}, "")
	f := llmtest.New(t, llmtest.Reply("private"))
	up.Use(f)
	alice := signUp(t, app, "alice_c")
	mallory := signUp(t, app, "mallory")
	conv := newConversation(t, alice, map[string]any{"title": "Alice's secrets"})
	Expect(t, sendJSON(t, alice, conv, map[string]any{"content": "my secret"}), 200, "alice chats")
	aliceBalance := balance(t, alice)

	base := fmt.Sprintf("/api/v1/conversations/%d", conv)
	// Exactly what a conversation that does not exist gets: nothing tells
	// the two apart.
	missing := mallory.Do("GET", "/api/v1/conversations/999999", nil)
	Expect(t, missing, 404, "missing conversation")
	for _, tc := range []struct {
		method, path string
		body         any
	}{
		{"GET", base, nil},
		{"PATCH", base, map[string]any{"title": "mine now"}},
		{"DELETE", base, nil},
		{"POST", base + "/messages", map[string]any{"content": "hello"}},
		{"POST", base + "/regenerate", nil},
		{"GET", base + "/export?format=md", nil},
		{"GET", base + "/export?format=json", nil},
		{"GET", "/api/v1/conversations/999999", nil},
	} {
		r := mallory.Do(tc.method, tc.path, tc.body, "Accept", "application/json")
		Expect(t, r, 404, tc.method+" "+tc.path)
		if r.Raw != missing.Raw || strings.Contains(r.Raw, "secret") {
			t.Fatalf("%s %s: %s", tc.method, tc.path, r.Raw)
		}
	}
	// The same with a stream requested: still a plain 404, no stream.
	s := openSSE(t, mallory, base+"/messages", map[string]any{"content": "hello"})
	if s.Resp.StatusCode != 404 || s.Resp.Header.Get("Content-Type") == "text/event-stream" {
		t.Fatalf("stream to another's conversation: %d %s", s.Resp.StatusCode, s.Resp.Header.Get("Content-Type"))
	}
	if r := mallory.Do("GET", "/api/v1/conversations", nil); strings.Contains(r.Raw, "Alice") {
		t.Fatalf("listed another's conversation: %s", r.Raw)
	}
	if f.RequestCount() != 1 {
		t.Fatalf("another user's request reached the model: %d requests", f.RequestCount())
	}
	if g := alice.Do("GET", base, nil); !strings.Contains(g.Raw, `"title":"Alice's secrets"`) || !strings.Contains(g.Raw, "my secret") {
		t.Fatalf("alice's conversation changed: %s", g.Raw)
	}
	if balance(t, alice) != aliceBalance {
		t.Fatal("alice was charged for another user's requests")
	}
	Expect(t, app.Client().Do("GET", "/api/v1/conversations", nil), 401, "logged out")
	Expect(t, app.Client().Do("GET", "/api/v1/models", nil), 401, "models logged out")
	checkLedger(t, app)
}

func TestChatRejectsBadInput(t *testing.T) {
	app, up := startChatApp(t, Options{NewUserTokens: 100000}, "chat:\n  maxMessageChars: 40\n  maxSystemPromptChars: 30\n")
	f := llmtest.New(t, llmtest.Reply("fine"))
	up.Use(f)
	c := signUp(t, app, "sloppy")
	conv := newConversation(t, c, nil)
	msgs := streamPath(conv)

	cases := []struct {
		name, method, path string
		body               any
		field              string // the message must name it
	}{
		{"missing content", "POST", msgs, map[string]any{}, "content"},
		{"empty content", "POST", msgs, map[string]any{"content": ""}, "content"},
		{"whitespace content", "POST", msgs, map[string]any{"content": " \n\t  "}, "content"},
		{"content over the limit", "POST", msgs, map[string]any{"content": strings.Repeat("é", 41)}, "content"},
		{"unknown model", "POST", msgs, map[string]any{"content": "hi", "model": "gpt-99"}, "model"},
		{"unknown field", "POST", msgs, map[string]any{"content": "hi", "temperature": 2}, "temperature"},
		{"too long for the model's window", "POST", msgs, map[string]any{"content": strings.Repeat("zq ", 13), "model": "tiny-model"}, "content"},
		{"id not a number", "GET", "/api/v1/conversations/abc", nil, "id"},
		{"id zero", "GET", "/api/v1/conversations/0", nil, "id"},
		{"id negative", "DELETE", "/api/v1/conversations/-4", nil, "id"},
		{"id fractional", "POST", "/api/v1/conversations/1.5/messages", map[string]any{"content": "hi"}, "id"},
		{"page zero", "GET", "/api/v1/conversations?page=0", nil, "page"},
		{"page not a number", "GET", "/api/v1/conversations?page=x", nil, "page"},
		{"size zero", "GET", "/api/v1/conversations?size=0", nil, "size"},
		{"size too big", "GET", "/api/v1/conversations?size=101", nil, "size"},
		{"title too long", "POST", "/api/v1/conversations", map[string]any{"title": strings.Repeat("t", 201)}, "title"},
		{"system prompt too long", "POST", "/api/v1/conversations", map[string]any{"systemPrompt": strings.Repeat("s", 31)}, "systemPrompt"},
		{"create with unknown model", "POST", "/api/v1/conversations", map[string]any{"model": "nope"}, "model"},
		{"export format", "GET", fmt.Sprintf("/api/v1/conversations/%d/export?format=pdf", conv), nil, "format"},
		{"usage days zero", "GET", "/api/v1/usage?days=0", nil, "days"},
		{"usage days too many", "GET", "/api/v1/usage?days=366", nil, "days"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := c.Do(tc.method, tc.path, tc.body, "Accept", "application/json")
			Expect(t, r, 400, tc.name)
			if !strings.Contains(r.Message, tc.field) {
				t.Fatalf("message %q does not name %s", r.Message, tc.field)
			}
		})
	}
	// A stream request with bad input is a plain 400 too, not a stream.
	s := openSSE(t, c, msgs, map[string]any{"content": "   "})
	if s.Resp.StatusCode != 400 || s.Resp.Header.Get("Content-Type") == "text/event-stream" {
		t.Fatalf("bad stream request: %d %s", s.Resp.StatusCode, s.Resp.Header.Get("Content-Type"))
	}
	// Exactly at the limit is fine; nothing above reached the model or the ledger.
	Expect(t, sendJSON(t, c, conv, map[string]any{"content": strings.Repeat("é", 40)}), 200, "content at the limit")
	if f.RequestCount() != 1 {
		t.Fatalf("%d upstream requests, want 1", f.RequestCount())
	}
	var stored int
	mustScan(t, app.DB().QueryRow("SELECT count(*) FROM messages"), &stored)
	if stored != 2 {
		t.Fatalf("%d messages stored, want 2", stored)
	}
	checkLedger(t, app)
}

func TestChatNeedsBalanceForThePrompt(t *testing.T) {
	app, up := startChatApp(t, Options{NewUserTokens: 5}, "")
	f := llmtest.New(t, llmtest.Reply("never"))
	up.Use(f)
	c := signUp(t, app, "pauper")
	conv := newConversation(t, c, nil)
	r := sendJSON(t, c, conv, map[string]any{"content": "Please tell me a long story about dragons."})
	Expect(t, r, 402, "balance below the prompt")
	if !strings.Contains(r.Message, "balance is 5") {
		t.Fatalf("402 message %q", r.Message)
	}
	s := openSSE(t, c, streamPath(conv), map[string]any{"content": "again"})
	if s.Resp.StatusCode != 402 {
		t.Fatalf("stream: %d", s.Resp.StatusCode)
	}
	if f.RequestCount() != 0 || balance(t, c) != 5 {
		t.Fatalf("requests %d, balance %d", f.RequestCount(), balance(t, c))
	}
	if g := c.Do("GET", fmt.Sprintf("/api/v1/conversations/%d", conv), nil); !strings.Contains(g.Raw, `"messages":[]`) {
		t.Fatalf("a refused message was stored: %s", g.Raw)
	}
	checkLedger(t, app)
}

func TestChatExport(t *testing.T) {
	app, up := startChatApp(t, Options{}, "")
	up.Use(llmtest.New(t, llmtest.Reply("Use `go test`.\n\n```go\nfmt.Println(1)\n```")))
	c := signUp(t, app, "exporter")
	conv := newConversation(t, c, map[string]any{"title": "Testing in Go", "systemPrompt": "You know Go."})
	Expect(t, sendJSON(t, c, conv, map[string]any{"content": "How do I run tests?"}), 200, "send")
	base := fmt.Sprintf("/api/v1/conversations/%d/export", conv)

	md := c.Do("GET", base+"?format=md", nil)
	if md.Status != 200 || !strings.HasPrefix(md.Header.Get("Content-Type"), "text/markdown") ||
		md.Header.Get("Content-Disposition") != fmt.Sprintf(`attachment; filename="conversation-%d.md"`, conv) {
		t.Fatalf("md export: %d %v", md.Status, md.Header)
	}
	for _, want := range []string{"# Testing in Go\n", "## System prompt\n\nYou know Go.", "## You\n\nHow do I run tests?",
		"## Assistant (test-model)\n\nUse `go test`.", "```go\nfmt.Println(1)\n```"} {
		if !strings.Contains(md.Raw, want) {
			t.Fatalf("md export lacks %q:\n%s", want, md.Raw)
		}
	}
	if dflt := c.Do("GET", base, nil); dflt.Raw != md.Raw && !strings.HasPrefix(dflt.Header.Get("Content-Type"), "text/markdown") {
		t.Fatalf("default format is not md: %v", dflt.Header)
	}

	js := c.Do("GET", base+"?format=json", nil)
	if js.Status != 200 || !strings.HasPrefix(js.Header.Get("Content-Type"), "application/json") ||
		!strings.Contains(js.Header.Get("Content-Disposition"), ".json") {
		t.Fatalf("json export: %d %v", js.Status, js.Header)
	}
	var doc struct {
		Id           int64  `json:"id"`
		Title        string `json:"title"`
		SystemPrompt string `json:"systemPrompt"`
		ExportedAt   string `json:"exportedAt"`
		Messages     []struct {
			Role, Content, Status string
		} `json:"messages"`
	}
	if err := json.Unmarshal([]byte(js.Raw), &doc); err != nil {
		t.Fatalf("json export does not parse: %v\n%s", err, js.Raw)
	}
	if doc.Id != conv || doc.Title != "Testing in Go" || doc.SystemPrompt != "You know Go." || doc.ExportedAt == "" ||
		len(doc.Messages) != 2 || doc.Messages[0].Role != "user" || doc.Messages[1].Status != "complete" ||
		!strings.Contains(doc.Messages[1].Content, "fmt.Println(1)") {
		t.Fatalf("json export: %s", js.Raw)
	}
}

func TestUsagePerDay(t *testing.T) {
	app, up := startChatApp(t, Options{NewUserTokens: 10000}, "")
	up.Use(llmtest.New(t, llmtest.Reply("one", " two").WithUsage(30, 2)))
	c := signUp(t, app, "counter")
	other := signUp(t, app, "bystander")
	conv := newConversation(t, c, nil)
	for i := 0; i < 2; i++ {
		Expect(t, sendJSON(t, c, conv, map[string]any{"content": "count"}), 200, "send")
	}
	Expect(t, sendJSON(t, other, newConversation(t, other, nil), map[string]any{"content": "x"}), 200, "other user")

	type day struct {
		Date                                     string
		Requests, PromptTokens, CompletionTokens int64
		Tokens, Granted                          int64
	}
	var rep struct {
		Days    int   `json:"days"`
		Balance int64 `json:"balance"`
		Total   day   `json:"total"`
		Daily   []day `json:"daily"`
	}
	r := c.Do("GET", "/api/v1/usage?days=7", nil)
	Expect(t, r, 200, "usage")
	mustJSON(t, r.Data, &rep)
	if rep.Days != 7 || len(rep.Daily) != 7 || rep.Daily[0].Date >= rep.Daily[6].Date {
		t.Fatalf("days: %s", r.Raw)
	}
	today := rep.Daily[6]
	if today.Requests != 2 || today.PromptTokens != 60 || today.CompletionTokens != 4 || today.Tokens != 64 ||
		today.Granted != 10000 || rep.Total.Tokens != 64 || rep.Balance != 10000-64 || rep.Balance != balance(t, c) {
		t.Fatalf("usage: %s", r.Raw)
	}
	for _, d := range rep.Daily[:6] {
		if d.Requests != 0 || d.Tokens != 0 {
			t.Fatalf("usage on another day: %s", r.Raw)
		}
	}
	r = c.Do("GET", "/api/v1/usage", nil)
	Expect(t, r, 200, "usage default")
	mustJSON(t, r.Data, &rep)
	if rep.Days != 30 || len(rep.Daily) != 30 {
		t.Fatalf("default days: %d", len(rep.Daily))
	}
}

func TestModelsList(t *testing.T) {
	app, _ := startChatApp(t, Options{}, "")
	c := signUp(t, app, "browser")
	r := c.Do("GET", "/api/v1/models", nil)
	Expect(t, r, 200, "models")
	var m struct {
		Models []struct {
			Id                                 string
			Name                               string
			ContextWindow, MaxCompletionTokens int
			Default                            bool
		}
		DefaultModel string
		DevModel     bool
	}
	mustJSON(t, r.Data, &m)
	if len(m.Models) != 3 || m.Models[0].Id != "test-model" || !m.Models[0].Default || m.Models[1].Default ||
		m.Models[1].ContextWindow != 300 || m.Models[1].MaxCompletionTokens != 50 || m.DefaultModel != "test-model" || m.DevModel {
		t.Fatalf("models: %s", r.Raw)
	}
	if strings.Contains(app.Log(), "DEV MODEL") {
		t.Fatal("the log claims the dev model with a configured provider")
	}
}

// TestChatRateLimitPerUser: the chat policy counts the calls to the model
// (send and regenerate) per user, and nothing else.
func TestChatRateLimitPerUser(t *testing.T) {
	app, up := startChatApp(t, Options{Policies: "    chat: {limit: 2, period: \"1m\"}\n" +
		"    api: {limit: 1000, period: \"1m\"}\n    auth: {limit: 1000, period: \"1m\"}\n"}, "")
	f := llmtest.New(t, llmtest.Reply("ok"))
	up.Use(f)
	c := signUp(t, app, "chatty")
	conv := newConversation(t, c, nil)
	for i := 0; i < 2; i++ {
		Expect(t, sendJSON(t, c, conv, map[string]any{"content": "hi"}), 200, "within the limit")
	}
	r := sendJSON(t, c, conv, map[string]any{"content": "hi"})
	Expect(t, r, 429, "over the chat limit")
	if r.Header.Get("Retry-After") == "" {
		t.Fatalf("429 without Retry-After: %v", r.Header)
	}
	Expect(t, c.Do("POST", fmt.Sprintf("/api/v1/conversations/%d/regenerate", conv), nil, "Accept", "application/json"), 429, "regenerate over the limit")
	for i := 0; i < 3; i++ {
		Expect(t, c.Do("GET", fmt.Sprintf("/api/v1/conversations/%d", conv), nil), 200, "reading is not limited by the chat policy")
	}
	other := signUp(t, app, "quiet")
	Expect(t, sendJSON(t, other, newConversation(t, other, nil), map[string]any{"content": "hi"}), 200, "another user")
	if f.RequestCount() != 3 {
		t.Fatalf("%d upstream requests, want 3", f.RequestCount())
	}
	checkLedger(t, app)
}

// TestChatContextIsTrimmedToTheWindow: the system prompt and the newest
// messages that fit the window minus the completion limit go upstream.
func TestChatContextIsTrimmedToTheWindow(t *testing.T) {
	app, up := startChatApp(t, Options{NewUserTokens: 100000}, "")
	f := llmtest.New(t, llmtest.Reply("ok"))
	up.Use(f)
	c := signUp(t, app, "talkative")
	conv := newConversation(t, c, map[string]any{"model": "small-model", "systemPrompt": "Stay on topic."})
	for i := 0; i < 6; i++ {
		msg := fmt.Sprintf("message %d: %s", i, strings.Repeat("lorem ipsum ", 20))
		Expect(t, sendJSON(t, c, conv, map[string]any{"content": msg}), 200, "send")
	}
	reqs := f.Requests()
	last := reqs[len(reqs)-1].Body
	msgs := last.Messages
	if len(msgs) >= 12 || len(msgs) < 3 {
		t.Fatalf("%d messages sent: the history was not trimmed", len(msgs))
	}
	if msgs[0].Role != "system" || msgs[0].Content != "Stay on topic." || !strings.HasPrefix(msgs[len(msgs)-1].Content, "message 5:") {
		t.Fatalf("trimmed context: %+v", msgs)
	}
	if last.MaxTokens <= 0 || last.MaxTokens > 50 {
		t.Fatalf("max_tokens %d for a model with a 50-token limit", last.MaxTokens)
	}
	// The full history stays in the conversation.
	if g := c.Do("GET", fmt.Sprintf("/api/v1/conversations/%d", conv), nil); !strings.Contains(g.Raw, "message 0:") {
		t.Fatal("the oldest message was dropped from the conversation itself")
	}
}
