package testutil

import (
	"fmt"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gogf/gf/v2/net/ghttp"
)

var serverSeq atomic.Int64

// StartServer runs a real GoFrame server on a free loopback port with the
// routes register sets up, stops it when the test ends, and returns its
// base URL. Each call gets its own named server (GoFrame keeps servers in a
// process-wide registry by name).
func StartServer(t testing.TB, register func(s *ghttp.Server)) string {
	t.Helper()
	s := ghttp.GetServer(fmt.Sprintf("test-%d-%d", time.Now().UnixNano(), serverSeq.Add(1)))
	addr := fmt.Sprintf("127.0.0.1:%d", FreePort(t))
	s.SetAddr(addr)
	s.SetDumpRouterMap(false)
	register(s)
	if err := s.Start(); err != nil {
		t.Fatalf("start server: %v", err)
	}
	t.Cleanup(func() { _ = s.Shutdown() })
	if err := WaitListening(addr, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	return "http://" + addr
}

// WaitListening waits until something accepts TCP connections on addr.
func WaitListening(addr string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond)
		if err == nil {
			_ = c.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("nothing listens on %s after %s: %w", addr, timeout, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
