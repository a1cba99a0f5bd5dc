package llm_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"gptbot/internal/library/llm"
	"gptbot/internal/library/llm/llmtest"
)

// testKey must never show up in an error message.
const testKey = "sk-test-SECRET0123456789abcdefXYZ"

func newClient(t *testing.T, baseURL string, tweak ...func(*llm.Config)) *llm.Client {
	t.Helper()
	cfg := llm.Config{
		BaseURL:           baseURL,
		APIKey:            testKey,
		FirstTokenTimeout: 3 * time.Second,
		TotalTimeout:      10 * time.Second,
		MaxRetries:        2,
		RetryBaseDelay:    time.Millisecond,
		RetryMaxDelay:     2 * time.Second,
	}
	for _, f := range tweak {
		f(&cfg)
	}
	c := llm.New(cfg)
	t.Cleanup(c.CloseIdleConnections)
	return c
}

var helloReq = llm.Request{
	Model:     "gpt-4o-mini",
	Messages:  []llm.Message{{Role: "system", Content: "Be brief."}, {Role: "user", Content: "Hi"}},
	MaxTokens: 50,
}

// collect runs Stream and returns the deltas it delivered.
func collect(t *testing.T, c *llm.Client, ctx context.Context) (llm.Result, []string, error) {
	t.Helper()
	var deltas []string
	res, err := c.Stream(ctx, helloReq, func(d string) error {
		deltas = append(deltas, d)
		return nil
	})
	if err != nil && strings.Contains(err.Error(), "SECRET") {
		t.Errorf("error leaks the API key: %v", err)
	}
	return res, deltas, err
}

func TestStreamHappyPath(t *testing.T) {
	srv := llmtest.New(t, llmtest.Reply("Hel", "lo", " there").WithUsage(21, 3))
	res, deltas, err := collect(t, newClient(t, srv.URL()), t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(deltas, "|"); got != "Hel|lo| there" {
		t.Errorf("deltas = %q", got)
	}
	want := llm.Result{Content: "Hello there", FinishReason: "stop", PromptTokens: 21, CompletionTokens: 3,
		UsageReported: true, Attempts: 1, TimeToFirstToken: res.TimeToFirstToken, PromptSent: true}
	if res != want {
		t.Errorf("result = %+v, want %+v", res, want)
	}
	if res.TimeToFirstToken <= 0 {
		t.Error("TimeToFirstToken not measured")
	}

	reqs := srv.Requests()
	if len(reqs) != 1 {
		t.Fatalf("requests = %d", len(reqs))
	}
	r := reqs[0]
	if r.Path != "/v1/chat/completions" || r.Header.Get("Authorization") != "Bearer "+testKey {
		t.Errorf("path %q, auth %q", r.Path, r.Header.Get("Authorization"))
	}
	b := r.Body
	if !b.Stream || b.StreamOptions == nil || !b.StreamOptions.IncludeUsage {
		t.Errorf("stream=%v stream_options=%+v", b.Stream, b.StreamOptions)
	}
	if b.Model != "gpt-4o-mini" || b.MaxTokens != 50 || len(b.Messages) != 2 ||
		b.Messages[1].Role != "user" || b.Messages[1].Content != "Hi" {
		t.Errorf("body = %+v", b)
	}
}

func TestStreamWithoutUsage(t *testing.T) {
	srv := llmtest.New(t, llmtest.Reply("a", "b").WithoutUsage().WithFinishReason("length"))
	res, _, err := collect(t, newClient(t, srv.URL()), t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if res.UsageReported || res.PromptTokens != 0 || res.CompletionTokens != 0 {
		t.Errorf("usage reported: %+v", res)
	}
	if res.Content != "ab" || res.FinishReason != "length" {
		t.Errorf("result = %+v", res)
	}
}

func TestCompleteCollectsContent(t *testing.T) {
	srv := llmtest.New(t, llmtest.Reply("one ", "two"))
	res, err := newClient(t, srv.URL()).Complete(t.Context(), helloReq)
	if err != nil || res.Content != "one two" || !res.UsageReported {
		t.Fatalf("Complete = %+v, %v", res, err)
	}
}

func TestMaxTokensFieldPerModel(t *testing.T) {
	srv := llmtest.New(t)
	c := newClient(t, srv.URL())
	for _, model := range []string{"llama3", "o3-mini"} {
		req := helloReq
		req.Model = model
		if _, err := c.Complete(t.Context(), req); err != nil {
			t.Fatal(err)
		}
	}
	reqs := srv.Requests()
	if b := reqs[0].Body; b.MaxTokens != 50 || b.MaxCompletionTokens != 0 {
		t.Errorf("llama3: max_tokens=%d max_completion_tokens=%d", b.MaxTokens, b.MaxCompletionTokens)
	}
	if b := reqs[1].Body; b.MaxTokens != 0 || b.MaxCompletionTokens != 50 {
		t.Errorf("o3-mini: max_tokens=%d max_completion_tokens=%d", b.MaxTokens, b.MaxCompletionTokens)
	}
}

func TestRetries(t *testing.T) {
	tests := []struct {
		name      string
		scenarios []llmtest.Scenario
		attempts  int
		minTime   time.Duration
	}{
		{"429 with Retry-After", []llmtest.Scenario{llmtest.Error(429, "1"), llmtest.Reply("ok")}, 2, 900 * time.Millisecond},
		{"500 then 502", []llmtest.Scenario{llmtest.Error(500, ""), llmtest.Error(502, ""), llmtest.Reply("ok")}, 3, 0},
		{"HTML 503 from a proxy", []llmtest.Scenario{{Status: 503, RawBody: "<html>Service Unavailable</html>"}, llmtest.Reply("ok")}, 2, 0},
		{"stream cut before any content", []llmtest.Scenario{llmtest.Cut(), llmtest.Reply("ok")}, 2, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := llmtest.New(t, tt.scenarios...)
			start := time.Now()
			var heard []int
			type callKey struct{}
			client := newClient(t, srv.URL(), func(c *llm.Config) {
				c.OnRetry = func(ctx context.Context, attempt int, err error, _ time.Duration) {
					heard = append(heard, attempt)
					if strings.Contains(err.Error(), testKey) {
						t.Errorf("OnRetry got the API key: %v", err)
					}
					// The caller's context, so the log line names its request.
					if ctx.Value(callKey{}) != "request-7" {
						t.Errorf("OnRetry got a context without the call's values")
					}
				}
			})
			res, _, err := collect(t, client, context.WithValue(t.Context(), callKey{}, "request-7"))
			if err != nil {
				t.Fatal(err)
			}
			if len(heard) != tt.attempts-1 || heard[len(heard)-1] != tt.attempts-1 {
				t.Errorf("OnRetry heard attempts %v, want 1..%d", heard, tt.attempts-1)
			}
			if res.Content != "ok" || res.Attempts != tt.attempts || srv.RequestCount() != tt.attempts {
				t.Errorf("content %q, attempts %d, requests %d; want %d", res.Content, res.Attempts, srv.RequestCount(), tt.attempts)
			}
			if el := time.Since(start); el < tt.minTime {
				t.Errorf("retried after %v, before Retry-After elapsed", el)
			}
		})
	}
}

func TestUpstreamFailures(t *testing.T) {
	keyInMessage := "Incorrect API key provided: " + testKey + " (sk-test****XYZ)"
	tests := []struct {
		name     string
		scenario llmtest.Scenario
		want     error
		requests int
		content  string
		status   int // public HTTP status
	}{
		{"401 not retried", llmtest.Error(401, "").WithError("invalid_request_error", "invalid_api_key", keyInMessage),
			llm.ErrUpstreamAuth, 1, "", 502},
		{"403 not retried", llmtest.Error(403, ""), llm.ErrUpstreamAuth, 1, "", 502},
		{"400 rejected", llmtest.Error(400, "").WithError("invalid_request_error", "context_length_exceeded", "too long"),
			llm.ErrUpstreamRejected, 1, "", 502},
		{"5xx exhausted", llmtest.Error(503, ""), llm.ErrUpstreamUnavailable, 3, "", 502},
		{"429 exhausted", llmtest.Error(429, ""), llm.ErrUpstreamRateLimited, 3, "", 502},
		{"429 insufficient quota", llmtest.Error(429, "").WithError("insufficient_quota", "insufficient_quota", "quota"),
			llm.ErrUpstreamRateLimited, 1, "", 502},
		{"Retry-After beyond the cap", llmtest.Error(429, "120"), llm.ErrUpstreamRateLimited, 1, "", 502},
		{"cut midway", llmtest.Cut("par", "tial"), llm.ErrUpstreamBadResponse, 1, "partial", 502},
		{"EOF without finish", llmtest.EOF("par", "tial"), llm.ErrUpstreamBadResponse, 1, "partial", 502},
		{"malformed SSE", llmtest.Malformed("par"), llm.ErrUpstreamBadResponse, 1, "par", 502},
		{"malformed SSE first", llmtest.Malformed(), llm.ErrUpstreamBadResponse, 1, "", 502},
		{"error inside 200", llmtest.StreamError("par"), llm.ErrUpstreamBadResponse, 1, "par", 502},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := llmtest.New(t, tt.scenario)
			res, _, err := collect(t, newClient(t, srv.URL()), t.Context())
			t.Logf("err: %v", err)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if n := srv.RequestCount(); n != tt.requests || res.Attempts != tt.requests {
				t.Errorf("requests %d, attempts %d, want %d", n, res.Attempts, tt.requests)
			}
			if res.Content != tt.content {
				t.Errorf("content %q, want %q", res.Content, tt.content)
			}
			if status, msg := llm.PublicMessage(err); status != tt.status || strings.Contains(msg, "SECRET") {
				t.Errorf("PublicMessage = %d %q", status, msg)
			}
			var ue *llm.Error
			if !errors.As(err, &ue) {
				t.Fatalf("%T is not *llm.Error", err)
			}
			if tt.scenario.Status != 0 && ue.Status != tt.scenario.Status {
				t.Errorf("Status = %d", ue.Status)
			}
		})
	}
}

func TestConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	res, _, err := collect(t, newClient(t, "http://"+addr+"/v1"), t.Context())
	t.Logf("err: %v", err)
	if !errors.Is(err, llm.ErrUpstreamUnavailable) || res.Attempts != 3 {
		t.Fatalf("err = %v, attempts %d", err, res.Attempts)
	}
}

func TestFirstTokenTimeout(t *testing.T) {
	for _, sc := range []llmtest.Scenario{llmtest.Hang(), llmtest.HangBeforeHeaders()} {
		srv := llmtest.New(t, sc)
		c := newClient(t, srv.URL(), func(c *llm.Config) { c.FirstTokenTimeout = 200 * time.Millisecond })
		start := time.Now()
		res, _, err := collect(t, c, t.Context())
		if !errors.Is(err, llm.ErrFirstTokenTimeout) {
			t.Fatalf("end %v: err = %v", sc.End, err)
		}
		if el := time.Since(start); el > 3*time.Second {
			t.Errorf("end %v: took %v", sc.End, el)
		}
		if res.Attempts != 1 || srv.RequestCount() != 1 {
			t.Errorf("end %v: attempts %d, requests %d", sc.End, res.Attempts, srv.RequestCount())
		}
		if s, _ := llm.PublicMessage(err); s != http.StatusGatewayTimeout {
			t.Errorf("public status %d", s)
		}
		srv.WaitCancelled(t, 3*time.Second)
	}
}

func TestTotalTimeoutKeepsPartial(t *testing.T) {
	srv := llmtest.New(t, llmtest.Reply("a", "b", "c", "d", "e", "f", "g", "h").WithDelay(100*time.Millisecond))
	c := newClient(t, srv.URL(), func(c *llm.Config) { c.TotalTimeout = 350 * time.Millisecond })
	res, _, err := collect(t, c, t.Context())
	if !errors.Is(err, llm.ErrTimeout) {
		t.Fatalf("err = %v", err)
	}
	if res.Content == "" || len(res.Content) >= 8 {
		t.Errorf("partial content %q", res.Content)
	}
	if s, _ := llm.PublicMessage(err); s != http.StatusGatewayTimeout {
		t.Errorf("public status %d", s)
	}
	srv.WaitCancelled(t, 3*time.Second)
}

func TestCallerCancelStopsUpstream(t *testing.T) {
	pieces := strings.Split("one two three four five six seven eight nine ten", " ")
	srv := llmtest.New(t, llmtest.Reply(pieces...).WithDelay(50*time.Millisecond))
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var n int
	start := time.Now()
	res, err := newClient(t, srv.URL()).Stream(ctx, helloReq, func(string) error {
		if n++; n == 2 {
			cancel() // the browser went away
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if res.Content != "onetwo" || res.Attempts != 1 {
		t.Errorf("result = %+v", res)
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Errorf("returned after %v", el)
	}
	srv.WaitCancelled(t, 3*time.Second)
}

func TestCallbackErrorStops(t *testing.T) {
	srv := llmtest.New(t, llmtest.Reply("a", "b", "c", "d").WithDelay(50*time.Millisecond))
	stop := errors.New("client write failed")
	res, err := newClient(t, srv.URL()).Stream(t.Context(), helloReq, func(string) error { return stop })
	if !errors.Is(err, stop) || res.Content != "a" || res.Attempts != 1 {
		t.Fatalf("res %+v, err %v", res, err)
	}
	srv.WaitCancelled(t, 3*time.Second)
}

func TestConcurrentStreams(t *testing.T) {
	srv := llmtest.New(t, llmtest.Reply("x", "y", "z").WithDelay(time.Millisecond))
	c := newClient(t, srv.URL())
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			res, err := c.Complete(t.Context(), helloReq)
			if err != nil || res.Content != "xyz" {
				t.Errorf("res %+v, err %v", res, err)
			}
		})
	}
	wg.Wait()
}

func TestKeepAliveReused(t *testing.T) {
	// The linger makes the end of the body arrive after [DONE]: a client
	// that closes the body at [DONE] would need a new connection each time.
	srv := llmtest.New(t, llmtest.Reply("x").WithLinger(20*time.Millisecond))
	c := newClient(t, srv.URL())
	for range 10 {
		if _, err := c.Complete(t.Context(), helloReq); err != nil {
			t.Fatal(err)
		}
	}
	// Go's transport may dial while a connection is on its way back to
	// the pool, so allow a little slack.
	if n := srv.ConnectionCount(); n > 3 {
		t.Errorf("%d connections for 10 sequential requests", n)
	}
}
