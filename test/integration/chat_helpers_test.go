package integration

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"gptbot/internal/library/llm/llmtest"
)

// upstream is the fake model provider the app is configured with. It
// forwards to the current llmtest server, so one running app can meet a
// fresh fake (fresh script, fresh request log) in every subtest.
type upstream struct {
	srv *httptest.Server
	mu  sync.Mutex
	cur *llmtest.Server
}

func newUpstream(t *testing.T, first *llmtest.Server) *upstream {
	t.Helper()
	return newUpstreamDialing(t, first, nil)
}

// newUpstreamDialing is newUpstream whose connections to the fake are
// made by dial (nil: the usual dialer).
func newUpstreamDialing(t *testing.T, first *llmtest.Server,
	dial func(ctx context.Context, network, addr string) (net.Conn, error)) *upstream {
	t.Helper()
	u := &upstream{cur: first}
	// A transport of its own: http.DefaultTransport is shared with the
	// tests' clients, and every httptest.Server.Close empties its pool.
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if dial != nil {
		tr.DialContext = dial
	}
	proxy := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			u.mu.Lock()
			target, _ := url.Parse(strings.TrimSuffix(u.cur.URL(), "/v1"))
			u.mu.Unlock()
			pr.SetURL(target)
		},
		Transport:     tr,
		FlushInterval: -1, // pass every SSE chunk on at once
		ErrorLog:      log.New(testLogWriter{t}, "upstream proxy: ", 0),
	}
	u.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The request goes on from memory, never as the server's own body.
		// The transport sends the declared length, then reads that body
		// once more to check it holds nothing beyond; meanwhile the server
		// drains and closes it as soon as the answer's headers go back. Had
		// the fake answered before that late read (a busy CPU is enough),
		// the read failed ("invalid Read on closed Body"), the transport
		// dropped its connection and the answer streaming on it was cut:
		// the app saw "unexpected EOF" and retried on the next scenario.
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, "upstream proxy: reading the request: "+err.Error(), http.StatusBadRequest)
			return
		}
		out := r.Clone(r.Context())
		out.Body, out.ContentLength, out.TransferEncoding = io.NopCloser(bytes.NewReader(body)), int64(len(body)), nil
		proxy.ServeHTTP(w, out)
	}))
	t.Cleanup(func() {
		u.srv.Close()
		tr.CloseIdleConnections()
	})
	return u
}

// testLogWriter sends a logger's lines to the test log, shown when the
// test fails: the proxy's own errors explain a cut stream.
type testLogWriter struct{ t *testing.T }

func (w testLogWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// Use switches the upstream to s.
func (u *upstream) Use(s *llmtest.Server) {
	u.mu.Lock()
	u.cur = s
	u.mu.Unlock()
}

// URL is the base URL for openai.baseURL.
func (u *upstream) URL() string { return u.srv.URL + "/v1" }

// chatYAML configures the app for the fake upstream: two small models and
// quick retries. overrides are key, value pairs of the openai section;
// extra is appended after it (e.g. a chat: section).
func chatYAML(baseURL, extra string, overrides ...string) string {
	settings := map[string]string{
		"connectTimeout": `"2s"`, "firstTokenTimeout": `"3s"`, "totalTimeout": `"20s"`,
		"maxRetries": "2", "retryBaseDelay": `"10ms"`, "retryMaxDelay": `"2s"`,
	}
	for i := 0; i+1 < len(overrides); i += 2 {
		settings[overrides[i]] = overrides[i+1]
	}
	var b strings.Builder
	fmt.Fprintf(&b, `openai:
  baseURL: %q
  defaultModel: "test-model"
  models:
    - {id: "test-model", name: "Test model", contextWindow: 4096, maxCompletionTokens: 256}
    - {id: "small-model", name: "Small model", contextWindow: 300, maxCompletionTokens: 50}
    - {id: "tiny-model", name: "Tiny model", contextWindow: 24, maxCompletionTokens: 4}
`, baseURL)
	keys := make([]string, 0, len(settings))
	for k := range settings {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "  %s: %s\n", k, settings[k])
	}
	return b.String() + extra
}

// startChatApp starts the app against a switchable fake upstream.
func startChatApp(t *testing.T, o Options, extra string, overrides ...string) (*App, *upstream) {
	t.Helper()
	up := newUpstream(t, llmtest.New(t))
	o.ExtraYAML = chatYAML(up.URL(), extra, overrides...) + o.ExtraYAML
	return StartApp(t, o), up
}

// signUp registers and logs in a fresh user.
func signUp(t *testing.T, app *App, name string) *Client {
	t.Helper()
	c := app.Client()
	c.MustSignUp(name, "password-"+name)
	return c
}

// userID is the id of the client's user.
func userID(t *testing.T, c *Client) int64 {
	t.Helper()
	r := c.Do("GET", "/api/v1/me", nil)
	Expect(t, r, 200, "me")
	var me struct {
		Id           int64 `json:"id"`
		TokenBalance int64 `json:"tokenBalance"`
	}
	mustJSON(t, r.Data, &me)
	return me.Id
}

// balance is the client's token balance as /me reports it.
func balance(t *testing.T, c *Client) int64 {
	t.Helper()
	r := c.Do("GET", "/api/v1/me", nil)
	Expect(t, r, 200, "me")
	var me struct {
		TokenBalance int64 `json:"tokenBalance"`
	}
	mustJSON(t, r.Data, &me)
	return me.TokenBalance
}

// newConversation creates a conversation and returns its id.
func newConversation(t *testing.T, c *Client, body any) int64 {
	t.Helper()
	if body == nil {
		body = map[string]any{}
	}
	r := c.Do("POST", "/api/v1/conversations", body)
	Expect(t, r, 200, "create conversation")
	var v struct {
		Id int64 `json:"id"`
	}
	mustJSON(t, r.Data, &v)
	if v.Id == 0 {
		t.Fatalf("create conversation: %s", r.Raw)
	}
	return v.Id
}

// sendJSON sends a message asking for one JSON reply.
func sendJSON(t *testing.T, c *Client, conv int64, body any) *Response {
	t.Helper()
	return c.Do("POST", fmt.Sprintf("/api/v1/conversations/%d/messages", conv), body, "Accept", "application/json")
}

// reply is the data of a JSON-mode answer.
type reply struct {
	ConversationId int64 `json:"conversationId"`
	UserMessageId  int64 `json:"userMessageId"`
	Message        struct {
		Id               int64  `json:"id"`
		Role             string `json:"role"`
		Content          string `json:"content"`
		Status           string `json:"status"`
		PromptTokens     int64  `json:"promptTokens"`
		CompletionTokens int64  `json:"completionTokens"`
		ChargedTokens    int64  `json:"chargedTokens"`
		Estimated        bool   `json:"estimated"`
		FinishReason     string `json:"finishReason"`
	} `json:"message"`
	Usage struct {
		PromptTokens     int64 `json:"promptTokens"`
		CompletionTokens int64 `json:"completionTokens"`
		Estimated        bool  `json:"estimated"`
		Balance          int64 `json:"balance"`
	} `json:"usage"`
}

func decodeReply(t *testing.T, r *Response) reply {
	t.Helper()
	var out reply
	if err := json.Unmarshal(r.Data, &out); err != nil {
		t.Fatalf("reply: %v in %s", err, r.Raw)
	}
	return out
}

// sseEvent is one server-sent event.
type sseEvent struct {
	Name string
	Data map[string]any
	Raw  string
	At   time.Time // when the test read it
}

func (e sseEvent) num(key string) int64 {
	f, _ := e.Data[key].(float64)
	return int64(f)
}

func (e sseEvent) str(key string) string {
	s, _ := e.Data[key].(string)
	return s
}

// sseStream is an answer being read event by event.
type sseStream struct {
	t      *testing.T
	Resp   *http.Response
	rd     *bufio.Reader
	cancel context.CancelFunc
	Events []sseEvent
}

// openSSE posts body to path and returns the stream once the headers are in.
// A non-200 answer is returned with Resp set and no events.
func openSSE(t *testing.T, c *Client, path string, body any, headers ...string) *sseStream {
	t.Helper()
	j, _ := json.Marshal(body)
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "POST", c.base+path, strings.NewReader(string(j)))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	hc := &http.Client{Jar: c.Jar} // no client timeout: streams may be slow on purpose
	resp, err := hc.Do(req)
	if err != nil {
		cancel()
		t.Fatalf("POST %s: %v", path, err)
	}
	s := &sseStream{t: t, Resp: resp, rd: bufio.NewReader(resp.Body), cancel: cancel}
	t.Cleanup(s.Close)
	return s
}

// Next reads the next event; ok is false at the end of the stream.
func (s *sseStream) Next() (sseEvent, bool) {
	var ev sseEvent
	var data []string
	for {
		line, err := s.rd.ReadString('\n')
		if err != nil {
			return ev, false
		}
		line = strings.TrimRight(line, "\r\n")
		switch {
		case line == "":
			if ev.Name == "" && len(data) == 0 {
				continue
			}
			ev.Raw = strings.Join(data, "\n")
			ev.At = time.Now()
			if err := json.Unmarshal([]byte(ev.Raw), &ev.Data); err != nil {
				s.t.Errorf("event %q: data is not a JSON object: %q", ev.Name, ev.Raw)
			}
			s.Events = append(s.Events, ev)
			return ev, true
		case strings.HasPrefix(line, "event: "):
			ev.Name = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			data = append(data, strings.TrimPrefix(line, "data: "))
		case strings.HasPrefix(line, ":"):
		default:
			s.t.Errorf("unexpected SSE line %q", line)
		}
	}
}

// All reads to the end and returns every event.
func (s *sseStream) All() []sseEvent {
	for {
		if _, ok := s.Next(); !ok {
			return s.Events
		}
	}
}

// Close drops the connection (a client going away).
func (s *sseStream) Close() {
	s.cancel()
	s.Resp.Body.Close()
}

// names lists the events' names, e.g. "start,delta,delta,usage,done".
func names(evs []sseEvent) string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.Name
	}
	return strings.Join(out, ",")
}

// find returns the first event called name.
func find(t *testing.T, evs []sseEvent, name string) sseEvent {
	t.Helper()
	for _, e := range evs {
		if e.Name == name {
			return e
		}
	}
	t.Fatalf("no %q event in %s", name, names(evs))
	return sseEvent{}
}

// deltas joins the content of the delta events.
func deltas(evs []sseEvent) string {
	var b strings.Builder
	for _, e := range evs {
		if e.Name == "delta" {
			b.WriteString(e.str("content"))
		}
	}
	return b.String()
}

// streamPath is the messages route of a conversation.
func streamPath(conv int64) string {
	return fmt.Sprintf("/api/v1/conversations/%d/messages", conv)
}

// checkLedger asserts, straight from the SQLite file, that for every user
// grants − charges + refunds == balance, that no balance is negative, and
// that no reply is left unsettled.
func checkLedger(t *testing.T, app *App) {
	t.Helper()
	db := app.DB()
	rows, err := db.Query(`SELECT u.id, u.token_balance,
		coalesce((SELECT sum(CASE kind WHEN 'grant' THEN tokens WHEN 'charge' THEN -tokens ELSE tokens END)
		          FROM usage_ledger l WHERE l.user_id = u.id), 0)
		FROM users u`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, bal, ledger int64
		if err := rows.Scan(&id, &bal, &ledger); err != nil {
			t.Fatal(err)
		}
		if bal < 0 {
			t.Errorf("user %d has a negative balance %d", id, bal)
		}
		if bal != ledger {
			t.Errorf("user %d: balance %d but grants − charges + refunds = %d", id, bal, ledger)
		}
	}
	var streaming int
	mustScan(t, db.QueryRow("SELECT count(*) FROM messages WHERE status = 'streaming'"), &streaming)
	if streaming != 0 {
		t.Errorf("%d replies left unsettled (status streaming)", streaming)
	}
}

// messageRow is an assistant message as stored.
type messageRow struct {
	Status, Content                       string
	Prompt, Completion, Reserved, Charged int64
	Estimated                             int
}

func loadMessage(t *testing.T, app *App, id int64) (messageRow, bool) {
	t.Helper()
	var m messageRow
	err := app.DB().QueryRow(`SELECT status, content, prompt_tokens, completion_tokens, reserved_tokens,
		charged_tokens, estimated FROM messages WHERE id = ?`, id).
		Scan(&m.Status, &m.Content, &m.Prompt, &m.Completion, &m.Reserved, &m.Charged, &m.Estimated)
	return m, found(t, err)
}

// chargedFor is what the ledger charged for a message, net of refunds.
func chargedFor(t *testing.T, app *App, messageID int64) int64 {
	t.Helper()
	var n int64
	if err := app.DB().QueryRow(`SELECT coalesce(sum(CASE kind WHEN 'charge' THEN tokens ELSE -tokens END), 0)
		FROM usage_ledger WHERE message_id = ?`, messageID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// waitFor polls cond until it holds or d passes.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
