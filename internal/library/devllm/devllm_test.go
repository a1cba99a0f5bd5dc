package devllm_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"gptbot/internal/library/devllm"
	"gptbot/internal/library/llm"
)

func start(t *testing.T, delay time.Duration) string {
	t.Helper()
	srv := httptest.NewServer(devllm.NewHandler(delay))
	t.Cleanup(srv.Close)
	return srv.URL
}

func chatReq(prompt string) llm.Request {
	return llm.Request{Model: devllm.ModelID, Messages: []llm.Message{
		{Role: "system", Content: "You are helpful."},
		{Role: "user", Content: "an earlier question"},
		{Role: "assistant", Content: "an earlier answer"},
		{Role: "user", Content: prompt},
	}}
}

func TestStreamThroughClient(t *testing.T) {
	c := llm.New(llm.Config{BaseURL: start(t, time.Millisecond) + "/v1", TotalTimeout: 10 * time.Second})
	defer c.CloseIdleConnections()
	req := chatReq("How do I print <b>hello</b> in Go?")

	var deltas int
	res, err := c.Stream(t.Context(), req, func(string) error { deltas++; return nil })
	if err != nil {
		t.Fatal(err)
	}
	if want := devllm.Reply(devllm.ModelID, "How do I print <b>hello</b> in Go?"); res.Content != want {
		t.Errorf("content:\n%s\nwant:\n%s", res.Content, want)
	}
	if deltas < 20 {
		t.Errorf("only %d deltas: not streamed word by word", deltas)
	}
	if !res.UsageReported || res.FinishReason != "stop" {
		t.Errorf("result %+v", res)
	}
	if want := llm.CountMessages(devllm.ModelID, req.Messages); res.PromptTokens != want {
		t.Errorf("prompt tokens %d, want %d", res.PromptTokens, want)
	}
	if want := llm.CountText(devllm.ModelID, res.Content); res.CompletionTokens != want {
		t.Errorf("completion tokens %d, want %d", res.CompletionTokens, want)
	}

	again, err := c.Complete(t.Context(), req)
	if err != nil || again.Content != res.Content {
		t.Errorf("second answer differs (err %v)", err)
	}
	other, err := c.Complete(t.Context(), chatReq("something else"))
	if err != nil || other.Content == res.Content {
		t.Errorf("different prompts gave the same answer (err %v)", err)
	}
}

func TestMaxTokensCutsTheReply(t *testing.T) {
	c := llm.New(llm.Config{BaseURL: start(t, 0) + "/v1"})
	defer c.CloseIdleConnections()
	req := chatReq("hi")
	req.MaxTokens = 12
	res, err := c.Complete(t.Context(), req)
	if err != nil {
		t.Fatal(err)
	}
	full := devllm.Reply(devllm.ModelID, "hi")
	if res.FinishReason != "length" || res.CompletionTokens > 12 || !strings.HasPrefix(full, res.Content) {
		t.Errorf("result %+v", res)
	}
}

func postJSON(t *testing.T, url, body string) (int, map[string]any) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("status %d, body not JSON: %v", resp.StatusCode, err)
	}
	return resp.StatusCode, out
}

func TestNonStreamingAndContentParts(t *testing.T) {
	url := start(t, 0) + "/v1/chat/completions"
	status, out := postJSON(t, url, `{"model":"gptbot-dev","messages":[{"role":"user","content":[{"type":"text","text":"parts"}]}]}`)
	if status != 200 || out["object"] != "chat.completion" {
		t.Fatalf("%d %v", status, out)
	}
	msg := out["choices"].([]any)[0].(map[string]any)["message"].(map[string]any)
	if msg["content"] != devllm.Reply("gptbot-dev", "parts") {
		t.Errorf("content %v", msg["content"])
	}
	u := out["usage"].(map[string]any)
	if u["prompt_tokens"].(float64) <= 0 || u["total_tokens"] != u["prompt_tokens"].(float64)+u["completion_tokens"].(float64) {
		t.Errorf("usage %v", u)
	}
}

func TestBadRequests(t *testing.T) {
	url := start(t, 0)
	tests := []struct{ path, body string }{
		{"/v1/chat/completions", `{"model":`},
		{"/v1/chat/completions", `{"model":"gptbot-dev","messages":[]}`},
		{"/v1/chat/completions", `{"messages":[{"role":"user","content":"x"}]}`},
		{"/v1/chat/completions", `{"model":"gptbot-dev","messages":[{"role":"user","content":42}]}`},
	}
	for _, tt := range tests {
		status, out := postJSON(t, url+tt.path, tt.body)
		e, _ := out["error"].(map[string]any)
		if status != 400 || e["type"] != "invalid_request_error" || e["message"] == "" {
			t.Errorf("%s: %d %v", tt.body, status, out)
		}
	}
	if status, out := postJSON(t, url+"/v1/nope", `{}`); status != 404 || out["error"] == nil {
		t.Errorf("unknown path: %d %v", status, out)
	}
}

func TestModels(t *testing.T) {
	resp, err := http.Get(start(t, 0) + "/v1/models")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"id":"gptbot-dev"`) {
		t.Errorf("%d %s", resp.StatusCode, b)
	}
}

func TestReplyShape(t *testing.T) {
	r := devllm.Reply("gptbot-dev", "Show me <script>alert(1)</script>\nand a second line")
	for _, want := range []string{"```go\n", "> Show me <script>alert(1)</script>\n> and a second line\n", "| words |"} {
		if !strings.Contains(r, want) {
			t.Errorf("reply lacks %q:\n%s", want, r)
		}
	}
	if r != devllm.Reply("gptbot-dev", "Show me <script>alert(1)</script>\nand a second line") {
		t.Error("not deterministic")
	}
	if !strings.Contains(devllm.Reply("gptbot-dev", "   "), "empty message") {
		t.Error("empty prompt not handled")
	}
}

func TestServeShutsDownOnCancel(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- devllm.Serve(ctx, ln, devllm.Handler()) }()

	resp, err := http.Get("http://" + ln.Addr().String() + "/v1/models")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return after cancel")
	}
}

func TestListenAndServeBadAddress(t *testing.T) {
	err := devllm.ListenAndServe(t.Context(), "127.0.0.1:-1")
	var opErr *net.OpError
	if !errors.As(err, &opErr) {
		t.Errorf("err = %v", err)
	}
}
