package integration

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"gptbot/internal/library/llm/llmtest"
)

func TestChatStreamsServerSentEvents(t *testing.T) {
	app, up := startChatApp(t, Options{NewUserTokens: 5000}, "")
	fake := llmtest.New(t, llmtest.Reply("Hello", " world", "!").WithUsage(11, 3).WithDelay(150*time.Millisecond))
	up.Use(fake)
	c := signUp(t, app, "streamer")
	conv := newConversation(t, c, map[string]any{"systemPrompt": "Be brief."})

	// No Accept header: server-sent events are the default.
	s := openSSE(t, c, streamPath(conv), map[string]any{"content": "Hi there, how are you?"})
	if s.Resp.StatusCode != 200 {
		t.Fatalf("status %d", s.Resp.StatusCode)
	}
	h := s.Resp.Header
	if h.Get("Content-Type") != "text/event-stream" || h.Get("Cache-Control") != "no-cache" || h.Get("X-Accel-Buffering") != "no" {
		t.Fatalf("stream headers: %v", h)
	}
	start, ok := s.Next()
	if !ok || start.Name != "start" || start.num("messageId") == 0 || start.num("userMessageId") == 0 {
		t.Fatalf("first event: %+v", start)
	}
	first, _ := s.Next()
	evs := s.All()
	// Flushed at once: the start event arrives long before the answer ends
	// (three pieces 150 ms apart), the deltas one by one.
	if end := evs[len(evs)-1].At; end.Sub(start.At) < 300*time.Millisecond {
		t.Errorf("start event came %v before the end: not flushed", end.Sub(start.At))
	}
	if got := names(evs); got != "start,delta,delta,delta,usage,done" {
		t.Fatalf("events %s", got)
	}
	if last := evs[3]; last.At.Sub(first.At) < 200*time.Millisecond {
		t.Errorf("deltas arrived together (%v apart): not flushed one by one", last.At.Sub(first.At))
	}
	if deltas(evs) != "Hello world!" {
		t.Fatalf("deltas %q", deltas(evs))
	}
	usage := find(t, evs, "usage")
	if usage.num("promptTokens") != 11 || usage.num("completionTokens") != 3 || usage.Data["estimated"] != false ||
		usage.num("balance") != 5000-14 {
		t.Fatalf("usage %s", usage.Raw)
	}
	done := find(t, evs, "done")
	if done.num("messageId") != start.num("messageId") || done.str("finishReason") != "stop" {
		t.Fatalf("done %s", done.Raw)
	}
	if b := balance(t, c); b != 5000-14 {
		t.Fatalf("balance %d, want %d", b, 5000-14)
	}

	// What went upstream: streaming with usage, a completion limit, and the
	// system prompt first.
	req := fake.Requests()[0].Body
	if !req.Stream || req.StreamOptions == nil || !req.StreamOptions.IncludeUsage || req.Model != "test-model" {
		t.Fatalf("upstream request: %+v", req)
	}
	if req.MaxTokens <= 0 || req.MaxTokens > 256 {
		t.Fatalf("max_tokens %d", req.MaxTokens)
	}
	if len(req.Messages) != 2 || req.Messages[0].Role != "system" || req.Messages[0].Content != "Be brief." ||
		req.Messages[1].Content != "Hi there, how are you?" {
		t.Fatalf("upstream messages: %+v", req.Messages)
	}

	// Stored: the message, the reply, its tokens; the title came from the
	// first message. History goes upstream with the next message.
	r := c.Do("GET", fmt.Sprintf("/api/v1/conversations/%d", conv), nil)
	Expect(t, r, 200, "get conversation")
	var got struct {
		Title     string `json:"title"`
		Streaming bool   `json:"streaming"`
		Messages  []struct {
			Id                             int64
			Role, Content, Status          string
			PromptTokens, CompletionTokens int64
			ChargedTokens                  int64
		} `json:"messages"`
	}
	mustJSON(t, r.Data, &got)
	if got.Title != "Hi there, how are you?" || got.Streaming || len(got.Messages) != 2 ||
		got.Messages[0].Role != "user" || got.Messages[1].Content != "Hello world!" ||
		got.Messages[1].Status != "complete" || got.Messages[1].ChargedTokens != 14 ||
		got.Messages[1].Id != start.num("messageId") || got.Messages[0].Id != start.num("userMessageId") {
		t.Fatalf("conversation: %s", r.Raw)
	}
	second := llmtest.New(t, llmtest.Reply("Fine."))
	up.Use(second)
	if evs := openSSE(t, c, streamPath(conv), map[string]any{"content": "And then?"}, "Accept", "text/event-stream").All(); names(evs) != "start,delta,usage,done" {
		t.Fatalf("second message: %s", names(evs))
	}
	if msgs := second.Requests()[0].Body.Messages; len(msgs) != 4 || msgs[2].Content != "Hello world!" || msgs[3].Content != "And then?" {
		t.Fatalf("history not sent: %+v", msgs)
	}
	checkLedger(t, app)

	// Metrics saw the call.
	if m := c.Do("GET", "/metrics", nil); m.Status == 200 &&
		!strings.Contains(m.Raw, `gptbot_llm_requests_total{model="test-model",status="ok"} 2`) {
		t.Errorf("metrics do not count the calls:\n%s", grepLines(m.Raw, "gptbot_llm_requests_total"))
	}
}

func TestChatJSONMode(t *testing.T) {
	app, up := startChatApp(t, Options{NewUserTokens: 5000}, "")
	fake := llmtest.New(t, llmtest.Reply("Forty", "-two").WithUsage(20, 2))
	up.Use(fake)
	c := signUp(t, app, "jsonuser")
	conv := newConversation(t, c, map[string]any{"title": "Questions"})

	r := sendJSON(t, c, conv, map[string]any{"content": "What is the answer?"})
	Expect(t, r, 200, "json reply")
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("content type %q", r.Header.Get("Content-Type"))
	}
	rep := decodeReply(t, r)
	if rep.ConversationId != conv || rep.UserMessageId == 0 || rep.Message.Id == 0 ||
		rep.Message.Content != "Forty-two" || rep.Message.Status != "complete" || rep.Message.Role != "assistant" ||
		rep.Usage.PromptTokens != 20 || rep.Usage.CompletionTokens != 2 || rep.Usage.Estimated ||
		rep.Usage.Balance != 5000-22 || rep.Message.ChargedTokens != 22 || rep.Message.FinishReason != "stop" {
		t.Fatalf("reply: %s", r.Raw)
	}
	// The title given at creation is kept.
	if g := c.Do("GET", fmt.Sprintf("/api/v1/conversations/%d", conv), nil); !strings.Contains(g.Raw, `"title":"Questions"`) {
		t.Fatalf("title changed: %s", g.Raw)
	}
	checkLedger(t, app)
}

func grepLines(text, substr string) string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, substr) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
