package connlimit

import (
	"errors"
	"io"
	"net"
	"testing"
	"time"
)

// server accepts through a limited listener and, for every connection,
// reads until the connection ends, then closes it (as net/http does).
type server struct {
	ln  net.Listener
	lim *Limiter
}

func startServer(t *testing.T, max int) *server {
	t.Helper()
	raw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &server{lim: New(max, nil)}
	s.ln = s.lim.Listener(raw)
	t.Cleanup(func() { _ = s.ln.Close() })
	go func() {
		for {
			c, err := s.ln.Accept()
			if err != nil {
				return
			}
			go func() {
				_, _ = io.Copy(io.Discard, c)
				_ = c.Close()
			}()
		}
	}()
	return s
}

func (s *server) dial(t *testing.T) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", s.ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// closedByServer reports whether the server closed c within d.
func closedByServer(c net.Conn, d time.Duration) bool {
	_ = c.SetReadDeadline(time.Now().Add(d))
	_, err := c.Read(make([]byte, 1))
	var ne net.Error
	return err != nil && !(errors.As(err, &ne) && ne.Timeout())
}

func waitOpen(t *testing.T, l *Limiter, want int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for l.Open() != want {
		if time.Now().After(deadline) {
			t.Fatalf("open connections: %d, want %d", l.Open(), want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestSilentConnectionsAreEvictedOldestFirst(t *testing.T) {
	s := startServer(t, 3)
	silent := []net.Conn{s.dial(t), s.dial(t), s.dial(t)}
	waitOpen(t, s.lim, 3)

	// Two more: the two oldest silent connections make room.
	s.dial(t)
	s.dial(t)
	if !closedByServer(silent[0], 2*time.Second) || !closedByServer(silent[1], 2*time.Second) {
		t.Fatal("the oldest silent connections were not evicted")
	}
	if closedByServer(silent[2], 200*time.Millisecond) {
		t.Fatal("a younger silent connection was evicted")
	}
	waitOpen(t, s.lim, 3)
}

func TestTalkingConnectionsAreKeptAndNewOnesRefused(t *testing.T) {
	s := startServer(t, 2)
	talking := []net.Conn{s.dial(t), s.dial(t)}
	for _, c := range talking {
		if _, err := c.Write([]byte("GET / HTTP/1.1\r\n")); err != nil {
			t.Fatal(err)
		}
	}
	waitOpen(t, s.lim, 2)
	// Wait until the server has read from both: only then are they safe.
	deadline := time.Now().Add(5 * time.Second)
	for {
		s.lim.mu.Lock()
		n := s.lim.silent.Len()
		s.lim.mu.Unlock()
		if n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d connections still count as silent", n)
		}
		time.Sleep(5 * time.Millisecond)
	}

	refused := s.dial(t)
	if !closedByServer(refused, 2*time.Second) {
		t.Fatal("a connection over the cap was left waiting instead of being closed")
	}
	for _, c := range talking {
		if closedByServer(c, 100*time.Millisecond) {
			t.Fatal("a connection that sent a request was evicted")
		}
	}

	// A slot given back is usable again.
	_ = talking[0].Close()
	waitOpen(t, s.lim, 1)
	again := s.dial(t)
	if closedByServer(again, 200*time.Millisecond) {
		t.Fatal("a connection under the cap was closed")
	}
	waitOpen(t, s.lim, 2)
}

func TestFromFileLimit(t *testing.T) {
	for limit, want := range map[uint64]int{
		0: autoFloor, 256: autoFloor, 1024: 384, 4096: 1920, 20000: 9872, 1 << 20: autoCeiling,
	} {
		if got := FromFileLimit(limit); got != want {
			t.Errorf("FromFileLimit(%d) = %d, want %d", limit, got, want)
		}
	}
}
