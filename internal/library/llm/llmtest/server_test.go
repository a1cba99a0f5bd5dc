package llmtest_test

import (
	"bufio"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"strings"
	"testing"

	"gptbot/internal/library/llm/llmtest"
)

func post(t *testing.T, url, body string) *http.Response {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func TestWireFormat(t *testing.T) {
	srv := llmtest.New(t, llmtest.Error(429, "2"), llmtest.Reply("a", "b").WithUsage(5, 2))
	url := srv.URL() + "/chat/completions"
	const stream = `{"model":"m","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}`

	resp := post(t, url, stream)
	var e struct {
		Error struct{ Message, Type string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&e); err != nil || resp.StatusCode != 429 ||
		resp.Header.Get("Retry-After") != "2" || e.Error.Type != "rate_limit_error" {
		t.Fatalf("429: %d %v %+v", resp.StatusCode, err, e)
	}

	resp = post(t, url, stream)
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("content type %q", ct)
	}
	var lines []string
	for sc := bufio.NewScanner(resp.Body); sc.Scan(); {
		if l := sc.Text(); l != "" {
			lines = append(lines, l)
		}
	}
	// role, a, b, finish, usage, [DONE]
	if len(lines) != 6 || lines[5] != "data: [DONE]" ||
		!strings.Contains(lines[1], `"delta":{"content":"a"}`) ||
		!strings.Contains(lines[3], `"finish_reason":"stop"`) ||
		!strings.Contains(lines[4], `"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}`) {
		t.Errorf("stream:\n%s", strings.Join(lines, "\n"))
	}

	// The last scenario repeats; non-streaming gets one JSON object.
	resp = post(t, url, `{"model":"m","messages":[{"role":"user","content":"hi"}]}`)
	var c struct {
		Object  string
		Choices []struct{ Message struct{ Content string } }
		Usage   struct {
			TotalTokens int `json:"total_tokens"`
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&c); err != nil || c.Object != "chat.completion" ||
		c.Choices[0].Message.Content != "ab" || c.Usage.TotalTokens != 7 {
		t.Errorf("non-stream: %v %+v", err, c)
	}

	if resp := post(t, url, `{"model":`); resp.StatusCode != 400 {
		t.Errorf("bad JSON: %d", resp.StatusCode)
	}
	if n := srv.RequestCount(); n != 3 { // the bad JSON is not recorded
		t.Errorf("requests = %d", n)
	}
	if r := srv.Requests()[1]; !r.Body.Stream || r.Body.Messages[0].Content != "hi" {
		t.Errorf("recorded %+v", r.Body)
	}
}

// WithUsage reports any figures, as a broken or hostile upstream would:
// zeros are not replaced by the defaults.
func TestExactUsage(t *testing.T) {
	for _, tc := range []struct {
		prompt, completion int
		want               string
	}{
		{0, 0, `"usage":{"prompt_tokens":0,"completion_tokens":0,`},
		{-5, -7, `"usage":{"prompt_tokens":-5,"completion_tokens":-7,`},
		{math.MaxInt64, math.MaxInt64, `"usage":{"prompt_tokens":9223372036854775807,"completion_tokens":9223372036854775807,`},
	} {
		srv := llmtest.New(t, llmtest.Reply("a").WithUsage(tc.prompt, tc.completion))
		resp := post(t, srv.URL()+"/chat/completions",
			`{"model":"m","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}`)
		body, _ := io.ReadAll(resp.Body)
		if !strings.Contains(string(body), tc.want) {
			t.Errorf("usage %d, %d: stream\n%s", tc.prompt, tc.completion, body)
		}
	}
}
