package integration

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"gptbot/internal/library/llm/llmtest"
)

// signal sends sig to the running process.
func (a *App) signal(sig os.Signal) {
	a.t.Helper()
	if err := a.cmd.Process.Signal(sig); err != nil {
		a.t.Fatalf("signal %s: %v", sig, err)
	}
}

// waitExit waits up to d for the process to end by itself and returns its
// exit code (-1 when a signal ended it); it is killed, and the test fails,
// when it does not.
func (a *App) waitExit(d time.Duration) int {
	a.t.Helper()
	done := make(chan error, 1)
	go func() { done <- a.cmd.Wait() }()
	select {
	case err := <-done:
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode()
		} else if err != nil {
			a.t.Fatalf("wait: %v", err)
		}
		return 0
	case <-time.After(d):
		_ = a.cmd.Process.Kill()
		<-done
		a.t.Fatalf("the process did not exit within %v of the signal; log:\n%s", d, a.Log())
		return -1
	}
}

// eventually polls cond until it holds (true) or d passes (false).
func eventually(d time.Duration, cond func() bool) bool {
	for deadline := time.Now().Add(d); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			return false
		}
	}
	return true
}

// words makes n content pieces.
func words(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("w%d ", i)
	}
	return out
}

// slowRequest is a request already in the handler, waiting for its body:
// it asks for "100 Continue", which the server sends once the handler
// reads the body, and sends the body only when told to.
type slowRequest struct {
	t    *testing.T
	conn net.Conn
	rd   *bufio.Reader
	body string
}

func startSlowRequest(t *testing.T, app *App, c *Client, path, body string) *slowRequest {
	t.Helper()
	host := strings.TrimPrefix(app.URL, "http://")
	conn, err := net.Dial("tcp", host)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	_, err = fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: %s\r\nCookie: gptbot_session=%s\r\n"+
		"Content-Type: application/json\r\nAccept: application/json\r\nExpect: 100-continue\r\n"+
		"Content-Length: %d\r\n\r\n", path, host, c.SessionCookie(), len(body))
	if err != nil {
		t.Fatal(err)
	}
	s := &slowRequest{t: t, conn: conn, rd: bufio.NewReader(conn), body: body}
	_ = conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	if line, err := s.rd.ReadString('\n'); err != nil || !strings.HasPrefix(line, "HTTP/1.1 100 ") {
		t.Fatalf("%s: no 100 Continue: %q %v", path, line, err)
	}
	if line, _ := s.rd.ReadString('\n'); line != "\r\n" {
		t.Fatalf("%s: after 100 Continue: %q", path, line)
	}
	return s
}

// finish sends the body and reads the answer (nil, with the test failed,
// when there is none).
func (s *slowRequest) finish() *Response {
	s.t.Helper()
	if _, err := s.conn.Write([]byte(s.body)); err != nil {
		s.t.Errorf("send the body: %v", err)
		return nil
	}
	resp, err := http.ReadResponse(s.rd, nil)
	if err != nil {
		s.t.Errorf("read the answer: %v", err)
		return nil
	}
	defer resp.Body.Close()
	out := &Response{Status: resp.StatusCode, Header: resp.Header}
	raw, _ := io.ReadAll(resp.Body)
	out.Raw = string(raw)
	checkJSON(s.t, raw, out)
	return out
}

// TestShutdownDrainsReplies sends SIGTERM while replies are in progress:
// GoFrame's default would cut every connection 2 s later, leave the replies
// "streaming", their tokens reserved and their conversations locked. Now a
// stream that ends within chat.shutdownGrace completes although it runs
// well past 2 s; a stream and a JSON reply that outlast it are stopped,
// settled (what was generated charged, the rest refunded) and answered
// with 503; requests for new replies that reach the server during the drain
// get 503 with Retry-After (send and regenerate); new connections are
// refused; the process exits 0 without a cut; and after a restart every
// conversation takes a new message.
func TestShutdownDrainsReplies(t *testing.T) {
	app, up := startChatApp(t, Options{NewUserTokens: 100000}, "chat:\n  shutdownGrace: \"10s\"\n")
	c := signUp(t, app, "restarting")
	convA, convB, convC := newConversation(t, c, nil), newConversation(t, c, nil), newConversation(t, c, nil)
	convD, convE := newConversation(t, c, nil), newConversation(t, c, nil)
	up.Use(llmtest.New(t, llmtest.Reply("an", " answer")))
	Expect(t, sendJSON(t, c, convE, map[string]any{"content": "something to regenerate"}), 200, "reply in E")

	shortReply := llmtest.Reply(words(20)...).WithDelay(300 * time.Millisecond) // ~6 s
	longReply := llmtest.Reply(words(100)...).WithDelay(500 * time.Millisecond) // ~50 s
	f := llmtest.New(t, shortReply, longReply, longReply)
	up.Use(f)

	// untilDelta opens a stream and reads up to its first delta.
	untilDelta := func(conv int64) *sseStream {
		s := openSSE(t, c, streamPath(conv), map[string]any{"content": "tell me a long story"})
		for {
			ev, ok := s.Next()
			if !ok {
				t.Fatalf("stream in %d ended before any delta: %s", conv, names(s.Events))
			}
			if ev.Name == "delta" {
				return s
			}
		}
	}
	a := untilDelta(convA)
	b := untilDelta(convB)
	// Not c.Do: it may not fail the test from another goroutine.
	jsonDone := make(chan *Response, 1)
	go func() {
		req, _ := http.NewRequest("POST", app.URL+streamPath(convC), strings.NewReader(`{"content":"a long one, as JSON"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json")
		out := &Response{}
		if resp, err := c.HTTP.Do(req); err != nil {
			out.Raw = err.Error()
		} else {
			defer resp.Body.Close()
			raw, _ := io.ReadAll(resp.Body)
			out.Status, out.Header, out.Raw = resp.StatusCode, resp.Header, string(raw)
			checkJSON(t, raw, out)
		}
		jsonDone <- out
	}()
	waitFor(t, 10*time.Second, "the JSON reply's upstream call", func() bool { return f.RequestCount() == 3 })
	lateSend := startSlowRequest(t, app, c, streamPath(convD), `{"content":"arriving during the drain"}`)
	lateRegen := startSlowRequest(t, app, c, fmt.Sprintf("/api/v1/conversations/%d/regenerate", convE), `{}`)

	app.signal(syscall.SIGTERM)
	if !eventually(10*time.Second, func() bool { return strings.Contains(app.Log(), "refusing new replies") }) {
		t.Error("the drain did not begin")
	}

	for what, r := range map[string]*slowRequest{"send": lateSend, "regenerate": lateRegen} {
		if resp := r.finish(); resp != nil && (resp.Status != 503 || resp.Code != 503 || resp.Header.Get("Retry-After") == "" ||
			!strings.Contains(resp.Message, "restarting")) {
			t.Errorf("%s during the drain: %d %v %s, want 503 with Retry-After", what, resp.Status, resp.Header, resp.Raw)
		}
	}
	waitFor(t, 10*time.Second, "the listener to close", func() bool {
		conn, err := net.DialTimeout("tcp", strings.TrimPrefix(app.URL, "http://"), time.Second)
		if err == nil {
			conn.Close()
		}
		return err != nil
	})

	// A finishes normally within the grace.
	evA := a.All()
	if !strings.HasSuffix(names(evA), "delta,usage,done") || deltas(evA) != strings.Join(words(20), "") {
		t.Errorf("the stream that fits in the grace: %s, content %q", names(evA), deltas(evA))
	}
	// B is stopped at the end of the grace, settled, and told why.
	evB := b.All()
	if !strings.HasSuffix(names(evB), "usage,error") {
		t.Errorf("the stream outlasting the grace: %s", names(evB))
	} else {
		if e := find(t, evB, "error"); e.num("code") != 503 || !strings.Contains(e.str("message"), "restarting") {
			t.Errorf("error event %s", e.Raw)
		}
		msgB, u := find(t, evB, "start").num("messageId"), find(t, evB, "usage")
		mB, _ := loadMessage(t, app, msgB)
		if mB.Status != "cancelled" || mB.Content != deltas(evB) || mB.Charged <= 0 ||
			mB.Charged != chargedFor(t, app, msgB) || mB.Charged != u.num("promptTokens")+u.num("completionTokens") {
			t.Errorf("stopped stream stored as %+v (charged %d in the ledger, usage %s)",
				mB, chargedFor(t, app, msgB), u.Raw)
		}
	}
	// C, a JSON reply, gets a 503 and is settled the same way.
	if r := <-jsonDone; r.Status != 503 || r.Code != 503 || r.Header.Get("Retry-After") == "" ||
		!strings.Contains(r.Message, "restarting") {
		t.Errorf("JSON reply outlasting the grace: %d %v %s, want 503 with Retry-After", r.Status, r.Header, r.Raw)
	}
	var idC int64
	if err := app.DB().QueryRow(`SELECT id FROM messages WHERE conversation_id = ? AND role = 'assistant'`,
		convC).Scan(&idC); err != nil {
		t.Fatal(err)
	}
	if mC, _ := loadMessage(t, app, idC); mC.Status != "cancelled" || mC.Content == "" || mC.Charged <= 0 ||
		mC.Charged != chargedFor(t, app, idC) {
		t.Errorf("stopped JSON reply stored as %+v", mC)
	}

	if code := app.waitExit(60 * time.Second); code != 0 {
		t.Errorf("exit code %d", code)
	}
	log := app.Log()
	for _, bad := range []string{"context deadline exceeded", "DATA RACE"} {
		if strings.Contains(log, bad) {
			t.Errorf("the log has %q:\n%s", bad, log)
		}
	}
	checkLedger(t, app)

	// Nothing is left locked: every conversation takes a new message at once.
	app.Start()
	up.Use(llmtest.New(t, llmtest.Reply("back", " again")))
	for _, conv := range []int64{convA, convB, convC, convD, convE} {
		Expect(t, sendJSON(t, c, conv, map[string]any{"content": "are you back?"}), 200,
			fmt.Sprintf("a new message in conversation %d after the restart", conv))
	}
	checkLedger(t, app)
}

// TestShutdownSecondSignalStopsAtOnce: a second SIGTERM/SIGINT ends the
// grace early (an operator pressing Ctrl-C twice); the reply is still
// settled and told why, and the process exits 0.
func TestShutdownSecondSignalStopsAtOnce(t *testing.T) {
	app, up := startChatApp(t, Options{NewUserTokens: 100000}, "chat:\n  shutdownGrace: \"5m\"\n")
	c := signUp(t, app, "impatient")
	conv := newConversation(t, c, nil)
	up.Use(llmtest.New(t, llmtest.Reply(words(100)...).WithDelay(500*time.Millisecond)))
	s := openSSE(t, c, streamPath(conv), map[string]any{"content": "go on"})
	for ev, ok := s.Next(); ev.Name != "delta"; ev, ok = s.Next() {
		if !ok {
			t.Fatalf("no delta: %s", names(s.Events))
		}
	}
	app.signal(syscall.SIGINT)
	waitFor(t, 10*time.Second, "the drain to begin", func() bool {
		return strings.Contains(app.Log(), "refusing new replies")
	})
	app.signal(syscall.SIGINT)
	evs := s.All()
	if e := find(t, evs, "error"); e.num("code") != 503 {
		t.Errorf("events %s, error %s", names(evs), e.Raw)
	}
	if code := app.waitExit(60 * time.Second); code != 0 {
		t.Errorf("exit code %d", code)
	}
	checkLedger(t, app)
}
