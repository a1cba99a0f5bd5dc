package integration

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"gptbot/internal/library/llm/llmtest"
)

// heldConn holds back the connection's writer, once, right after it has
// sent bytes ending in tail, until release is closed: the peer already has
// them, but the writer goes on only later, as a descheduled goroutine on
// a busy CPU would.
type heldConn struct {
	net.Conn
	tail    []byte
	release <-chan struct{}
	once    *sync.Once
}

func (c heldConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	if err == nil && bytes.HasSuffix(p, c.tail) {
		c.once.Do(func() {
			select {
			case <-c.release:
			case <-time.After(10 * time.Second):
			}
		})
	}
	return n, err
}

// TestUpstreamProxyKeepsAnAnswerWhileTheRequestIsStillBeingSent: the fake
// upstream answers as soon as it has the whole request, which can be
// before the proxy's transport is done sending it (it checks the body for
// excess after the declared length). Under CPU load that happened often
// enough to make the tests using the proxy flaky: the proxy cut the
// answer (the app's first attempt failed with "unexpected EOF" and its
// retry ate the next scripted scenario, or a reply with content became a
// 502). Here the transport is held at that moment, deterministically, until
// the answer's headers are back; the answer must still arrive whole.
func TestUpstreamProxyKeepsAnAnswerWhileTheRequestIsStillBeingSent(t *testing.T) {
	fake := llmtest.New(t, llmtest.Reply("one", " two", " three").WithDelay(50*time.Millisecond))
	body := []byte(`{"model":"test-model","stream":true,"messages":[{"role":"user","content":"hello"}],"user":"held"}`)
	release := make(chan struct{})
	once := &sync.Once{}
	up := newUpstreamDialing(t, fake, func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return heldConn{Conn: c, tail: []byte(`"user":"held"}`), release: release, once: once}, nil
	})

	hc := &http.Client{Transport: &http.Transport{}, Timeout: 30 * time.Second}
	defer hc.CloseIdleConnections()
	resp, err := hc.Post(up.URL()+"/chat/completions", "application/json", bytes.NewReader(body))
	close(release) // the answer's headers are back: let the transport go on
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 || !strings.Contains(string(raw), "data: [DONE]") ||
		!strings.Contains(string(raw), `"content":" three"`) {
		t.Fatalf("status %d, read error %v, answer:\n%s", resp.StatusCode, err, raw)
	}
	if reqs := fake.Requests(); len(reqs) != 1 || !bytes.Equal(reqs[0].Raw, body) {
		t.Fatalf("the fake got %d requests: %+v", len(reqs), reqs)
	}
}
