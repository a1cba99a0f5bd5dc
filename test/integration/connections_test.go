package integration

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gptbot/internal/library/llm/llmtest"
	"gptbot/internal/testutil"
)

// startAppWith is StartApp with extra keys inserted at the top of sections
// of the generated config, e.g. {"server": "  maxConnections: 50\n"}.
func startAppWith(t *testing.T, o Options, sections map[string]string) *App {
	t.Helper()
	a := &App{t: t, port: testutil.FreePort(t), env: o.Env, Redis: testutil.StartRedis(t)}
	dir := t.TempDir()
	a.DBPath = filepath.Join(dir, "gptbot.db")
	a.cfgPath = filepath.Join(dir, "config.yaml")
	a.writeConfig(o)
	cfg, err := os.ReadFile(a.cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	for section, lines := range sections {
		head := []byte(section + ":\n")
		at := -1
		if bytes.HasPrefix(cfg, head) {
			at = 0
		} else if i := bytes.Index(cfg, append([]byte("\n"), head...)); i >= 0 {
			at = i + 1
		}
		if at < 0 {
			cfg = append(cfg, head...)
			at = len(cfg) - len(head)
		}
		at += len(head)
		cfg = append(cfg[:at:at], append([]byte(lines), cfg[at:]...)...)
	}
	if err := os.WriteFile(a.cfgPath, cfg, 0o600); err != nil {
		t.Fatal(err)
	}
	a.URL = fmt.Sprintf("http://127.0.0.1:%d", a.port)
	a.Start()
	t.Cleanup(a.Stop)
	t.Cleanup(a.logOnFailure)
	return a
}

// openSockets counts the server process's open sockets.
func openSockets(t *testing.T, app *App) int {
	t.Helper()
	dir := fmt.Sprintf("/proc/%d/fd", app.cmd.Process.Pid)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("count the server's sockets: %v", err)
	}
	n := 0
	for _, e := range entries {
		if target, err := os.Readlink(filepath.Join(dir, e.Name())); err == nil && strings.HasPrefix(target, "socket:") {
			n++
		}
	}
	return n
}

// closedByPeer reports whether the server closed c within d (a read ends
// with EOF or a reset rather than the deadline).
func closedByPeer(c net.Conn, d time.Duration) bool {
	_ = c.SetReadDeadline(time.Now().Add(d))
	buf := make([]byte, 4096)
	for {
		_, err := c.Read(buf)
		if err == nil {
			continue // a response; wait for the close
		}
		var ne net.Error
		return !(errors.As(err, &ne) && ne.Timeout())
	}
}

// oneShot is a client that opens a new connection for every request, so
// that it holds no connection between tests steps.
func oneShot() *http.Client {
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
}

func healthz(c *http.Client, url string) error {
	resp, err := c.Get(url + "/healthz")
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return nil
}

// A flood of idle connections neither exhausts the server's descriptors
// nor locks out real clients; sockets that send nothing, or their headers
// byte by byte, are closed after the read timeout, idle keep-alive ones
// after the idle timeout; at the cap with every connection busy, a new one
// is refused at once and service resumes as the busy ones end; and a reply
// stream far longer than both timeouts completes.
func TestIdleConnectionsCannotExhaustTheServer(t *testing.T) {
	const (
		maxConns    = 50
		readTimeout = time.Second
		idleTimeout = 3 * time.Second
		slack       = 5 * time.Second // scheduling on a busy machine, never a speed claim
	)
	pieces := make([]string, 12)
	for i := range pieces {
		pieces[i] = fmt.Sprintf("piece %d ", i)
	}
	const pieceDelay = 400 * time.Millisecond // the stream takes about 5 s
	up := newUpstream(t, llmtest.New(t, llmtest.Reply(pieces...).WithDelay(pieceDelay)))
	app := startAppWith(t, Options{ExtraYAML: chatYAML(up.URL(), "")}, map[string]string{
		"server": fmt.Sprintf("  maxConnections: %d\n  readTimeout: %q\n  idleTimeout: %q\n", maxConns, readTimeout, idleTimeout),
	})
	client := oneShot()

	// 1. Four times the cap of connections that send nothing: the server
	// holds at most the cap, and /healthz and login answer at once.
	before := openSockets(t, app)
	flood := make([]net.Conn, 4*maxConns)
	for i := range flood {
		c, err := net.Dial("tcp", strings.TrimPrefix(app.URL, "http://"))
		if err != nil {
			t.Fatalf("dial %d: %v", i, err)
		}
		defer c.Close()
		flood[i] = c
	}
	if err := healthz(client, app.URL); err != nil {
		t.Fatalf("/healthz during the flood: %v", err)
	}
	resp, err := client.Post(app.URL+"/api/v1/auth/register", "application/json",
		strings.NewReader(`{"username":"flooded","password":"password-flooded"}`))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("register during the flood: %v %v", resp, err)
	}
	resp.Body.Close()
	if held := openSockets(t, app) - before; held > maxConns+10 {
		t.Fatalf("the server holds %d more sockets during a flood of %d idle connections; the cap is %d", held, len(flood), maxConns)
	}
	evicted := 0
	for _, c := range flood[:len(flood)-maxConns] {
		if closedByPeer(c, 10*time.Millisecond) {
			evicted++
		}
	}
	if evicted < len(flood)-2*maxConns {
		t.Fatalf("only %d of the oldest idle connections were closed to make room", evicted)
	}

	// 2. What is left of the flood is closed by the read timeout, and so is
	// a client sending its headers a byte at a time.
	slow, err := net.Dial("tcp", strings.TrimPrefix(app.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	slowClosed := make(chan time.Duration, 1)
	go func() {
		start := time.Now()
		header := "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + strings.Repeat("a", 100) + "\r\n\r\n"
		for i := 0; i < len(header); i++ {
			if _, err := slow.Write([]byte{header[i]}); err != nil {
				break
			}
			time.Sleep(100 * time.Millisecond) // the whole header would take 12 s
		}
		slowClosed <- time.Since(start)
	}()
	for i, c := range flood[len(flood)-maxConns:] {
		if !closedByPeer(c, readTimeout+slack) {
			t.Fatalf("idle connection %d still open after the read timeout", i)
		}
	}
	select {
	case d := <-slowClosed:
		if d > readTimeout+slack {
			t.Fatalf("byte-by-byte headers went on for %s", d)
		}
	case <-time.After(readTimeout + slack):
		t.Fatal("a client sending its headers byte by byte was not cut by the read timeout")
	}

	// 3. A reply stream longer than the read and idle timeouts completes.
	user := signUp(t, app, "streamer")
	conv := newConversation(t, user, nil)
	start := time.Now()
	s := openSSE(t, user, streamPath(conv), map[string]any{"content": "a long answer please"})
	evs := s.All()
	if took := time.Since(start); took < readTimeout+idleTimeout {
		t.Fatalf("the stream took only %s; it must outlast the timeouts to test them", took)
	}
	if names := names(evs); !strings.HasSuffix(names, "usage,done") || deltas(evs) != strings.Join(pieces, "") {
		t.Fatalf("stream cut: events %s, text %q", names, deltas(evs))
	}
	msg, _ := loadMessage(t, app, find(t, evs, "done").num("messageId"))
	if msg.Status != "complete" {
		t.Fatalf("message status %q", msg.Status)
	}

	// 4. An idle keep-alive connection is closed after the idle timeout.
	ka, err := net.Dial("tcp", strings.TrimPrefix(app.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer ka.Close()
	fmt.Fprintf(ka, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
	if r, err := http.ReadResponse(bufio.NewReader(ka), nil); err != nil || r.StatusCode != 200 {
		t.Fatalf("keep-alive request: %v %v", r, err)
	}
	if !closedByPeer(ka, idleTimeout+slack) {
		t.Fatal("an idle keep-alive connection outlived the idle timeout")
	}

	// 5. At the cap with every connection having sent a request (idle
	// keep-alive ones), a new connection is refused rather than queued...
	var held []net.Conn
	refused := false
	for i := 0; i <= maxConns && !refused; i++ {
		c, err := net.Dial("tcp", strings.TrimPrefix(app.URL, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		_ = c.SetDeadline(time.Now().Add(slack))
		fmt.Fprintf(c, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
		r, err := http.ReadResponse(bufio.NewReader(c), nil)
		switch {
		case err == nil && r.StatusCode == 200:
			held = append(held, c)
		case err != nil && !isTimeout(err):
			refused = true
		default:
			t.Fatalf("connection %d: %v %v", i, r, err)
		}
	}
	if !refused || len(held) > maxConns || len(held) < maxConns-5 {
		t.Fatalf("%d busy connections held, refused %v; the cap is %d", len(held), refused, maxConns)
	}
	// ...and /healthz answers again once the idle timeout frees them.
	deadline := time.Now().Add(idleTimeout + slack)
	for healthz(client, app.URL) != nil {
		if time.Now().After(deadline) {
			t.Fatal("/healthz did not answer again after the idle timeout")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
