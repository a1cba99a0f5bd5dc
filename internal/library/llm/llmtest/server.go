// Package llmtest is a fake OpenAI-compatible upstream for tests. It runs on
// httptest over real loopback HTTP and speaks the real wire format (SSE
// included), so the client under test goes through go-openai and net/http
// exactly as in production. Each request pops the next scripted Scenario;
// the last one repeats.
package llmtest

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sashabaranov/go-openai"

	"gptbot/internal/library/llm/openaiwire"
)

// Request is one request the server received.
type Request struct {
	Method string
	Path   string
	Header http.Header
	Raw    []byte
	Body   openai.ChatCompletionRequest
}

// Server is the fake upstream. Its methods are safe for concurrent use.
type Server struct {
	srv       *httptest.Server
	quit      chan struct{}
	closeOnce sync.Once
	cancelled chan struct{}

	mu        sync.Mutex
	conns     int
	scenarios []Scenario
	requests  []Request
}

// New starts a server answering with scenarios (by default a short reply)
// and closes it when the test ends.
func New(t testing.TB, scenarios ...Scenario) *Server {
	t.Helper()
	s := &Server{quit: make(chan struct{}), cancelled: make(chan struct{}, 1024)}
	s.Push(scenarios...)
	s.srv = httptest.NewUnstartedServer(http.HandlerFunc(s.handle))
	s.srv.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			s.mu.Lock()
			s.conns++
			s.mu.Unlock()
		}
	}
	s.srv.Start()
	t.Cleanup(s.Close)
	return s
}

// URL is the base URL to configure a client with; it ends in /v1.
func (s *Server) URL() string { return s.srv.URL + "/v1" }

// Close stops the server, releasing handlers that are hanging on purpose.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.quit)
		s.srv.Close()
	})
}

// Push appends scenarios to the queue.
func (s *Server) Push(sc ...Scenario) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.scenarios = append(s.scenarios, sc...)
}

// Requests returns a copy of every request received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// RequestCount is the number of requests received so far.
func (s *Server) RequestCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.requests)
}

// ConnectionCount is the number of TCP connections accepted so far; with
// keep-alive working, sequential requests share one.
func (s *Server) ConnectionCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns
}

// WaitCancelled fails the test unless a request's context ends within d.
func (s *Server) WaitCancelled(t testing.TB, d time.Duration) {
	t.Helper()
	select {
	case <-s.cancelled:
	case <-time.After(d):
		t.Fatalf("llmtest: no upstream request was cancelled within %v", d)
	}
}

func (s *Server) next(r *http.Request, raw []byte, body openai.ChatCompletionRequest) Scenario {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, Request{
		Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Raw: raw, Body: body,
	})
	switch len(s.scenarios) {
	case 0:
		return Reply("Hello", " world", "!")
	case 1:
		return s.scenarios[0]
	}
	sc := s.scenarios[0]
	s.scenarios = s.scenarios[1:]
	return sc
}

func (s *Server) noteCancelled() {
	select {
	case s.cancelled <- struct{}{}:
	default:
	}
}

// sleep waits d, reporting false if the request ended meanwhile.
func (s *Server) sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		s.noteCancelled()
	case <-s.quit:
	}
	return false
}

// hang blocks until the client goes away or the server closes.
func (s *Server) hang(ctx context.Context) {
	select {
	case <-ctx.Done():
		s.noteCancelled()
	case <-s.quit:
	}
}

func (s *Server) handle(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/v1/chat/completions" && r.URL.Path != "/chat/completions" {
		writeError(w, http.StatusNotFound, "", "invalid_request_error", "", "Unknown request URL: "+r.URL.Path)
		return
	}
	if r.Method != http.MethodPost {
		writeError(w, http.StatusMethodNotAllowed, "", "invalid_request_error", "", "Method not allowed")
		return
	}
	raw, err := io.ReadAll(r.Body)
	var body openai.ChatCompletionRequest
	if err == nil {
		err = json.Unmarshal(raw, &body)
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, "", "invalid_request_error", "", "We could not parse the JSON body of your request.")
		return
	}
	sc := s.next(r, raw, body)

	switch {
	case sc.Status >= 400:
		s.writeScenarioError(w, sc)
	case sc.End == EndHangBeforeHeaders:
		s.hang(r.Context())
	case body.Stream:
		s.stream(w, r.Context(), sc, body)
	default:
		s.complete(w, r.Context(), sc, body)
	}
}

func (s *Server) writeScenarioError(w http.ResponseWriter, sc Scenario) {
	if sc.RawBody != "" {
		if sc.RetryAfter != "" {
			w.Header().Set("Retry-After", sc.RetryAfter)
		}
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(sc.Status)
		io.WriteString(w, sc.RawBody)
		return
	}
	msg := sc.ErrorMessage
	if msg == "" {
		msg = http.StatusText(sc.Status)
	}
	typ := sc.ErrorType
	if typ == "" {
		typ = errorType(sc.Status)
	}
	writeError(w, sc.Status, sc.RetryAfter, typ, sc.ErrorCode, msg)
}

func errorType(status int) string {
	switch {
	case status == http.StatusUnauthorized:
		return "invalid_request_error"
	case status == http.StatusTooManyRequests:
		return "rate_limit_error"
	case status >= 500:
		return "server_error"
	}
	return "invalid_request_error"
}

// errorBody is OpenAI's error envelope.
func errorBody(typ, code, msg string) map[string]any {
	var c any // JSON null, as OpenAI sends when there is no code
	if code != "" {
		c = code
	}
	return map[string]any{"error": map[string]any{"message": msg, "type": typ, "param": nil, "code": c}}
}

func writeError(w http.ResponseWriter, status int, retryAfter, typ, code, msg string) {
	if retryAfter != "" {
		w.Header().Set("Retry-After", retryAfter)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(errorBody(typ, code, msg))
}

func (s *Server) complete(w http.ResponseWriter, ctx context.Context, sc Scenario, body openai.ChatCompletionRequest) {
	for range sc.Pieces {
		if !s.sleep(ctx, sc.Delay) {
			return
		}
	}
	switch sc.End {
	case EndHang:
		s.hang(ctx)
		return
	case EndCut:
		panic(http.ErrAbortHandler)
	}
	p, c := sc.usage()
	w.Header().Set("Content-Type", "application/json")
	if sc.End == EndMalformed {
		io.WriteString(w, `{"id":"chatcmpl-broken","choices":[{`)
		return
	}
	json.NewEncoder(w).Encode(map[string]any{
		"id": "chatcmpl-llmtest", "object": "chat.completion", "created": time.Now().Unix(), "model": body.Model,
		"choices": []map[string]any{{
			"index":         0,
			"message":       map[string]any{"role": "assistant", "content": strings.Join(sc.Pieces, "")},
			"finish_reason": sc.finishReason(),
		}},
		"usage": openaiwire.NewUsage(p, c),
	})
}

func (sc Scenario) usage() (prompt, completion int) {
	prompt, completion = sc.PromptTokens, sc.CompletionTokens
	if sc.ExactUsage {
		return prompt, completion
	}
	if prompt == 0 {
		prompt = 11
	}
	if completion == 0 {
		completion = len(sc.Pieces)
	}
	return prompt, completion
}

func (sc Scenario) finishReason() string {
	if sc.FinishReason == "" {
		return "stop"
	}
	return sc.FinishReason
}
