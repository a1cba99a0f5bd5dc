package ratelimit

import (
	"fmt"
	"net"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gogf/gf/v2/net/ghttp"
	"github.com/redis/go-redis/v9"

	"gptbot/internal/testutil"
)

// newClient connects to addr with short timeouts and no retries, so a dead
// Redis shows up as an error within a fraction of a second.
func newClient(t *testing.T, addr string) *redis.Client {
	t.Helper()
	c := redis.NewClient(&redis.Options{
		Addr:         addr,
		DialTimeout:  300 * time.Millisecond,
		ReadTimeout:  300 * time.Millisecond,
		WriteTimeout: 300 * time.Millisecond,
		PoolTimeout:  300 * time.Millisecond,
		MaxRetries:   -1, // -1, not 0, disables go-redis retries
	})
	t.Cleanup(func() { _ = c.Close() })
	return c
}

var serverSeq atomic.Int64

// startServer runs a real GoFrame server on a free port with routes set up by
// register, and returns its base URL.
func startServer(t *testing.T, register func(s *ghttp.Server)) string {
	t.Helper()
	name := fmt.Sprintf("ratelimit-test-%d-%d", time.Now().UnixNano(), serverSeq.Add(1))
	s := ghttp.GetServer(name)
	addr := fmt.Sprintf("127.0.0.1:%d", testutil.FreePort(t))
	s.SetAddr(addr) // loopback only
	s.SetDumpRouterMap(false)
	register(s)
	if err := s.Start(); err != nil {
		t.Fatalf("start server: %v", err)
	}
	t.Cleanup(func() { _ = s.Shutdown() })
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond)
		if err == nil {
			_ = c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("server did not listen on %s: %v", addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return "http://" + addr
}

func get(t *testing.T, url string, header map[string]string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return res
}
