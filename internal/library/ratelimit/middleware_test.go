package ratelimit

import (
	"io"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/gogf/gf/v2/net/ghttp"

	"gptbot/internal/testutil"
)

func TestMiddleware(t *testing.T) {
	rs := testutil.StartRedis(t)
	l := New(newClient(t, rs.Addr), "test:")
	p := Policy{Name: "chat", Limit: 2, Period: time.Minute}

	var (
		mu      sync.Mutex
		limited []Decision
		errs    []error
	)
	key := func(r *ghttp.Request) (string, bool) {
		u := r.Header.Get("X-User")
		return u, u != ""
	}
	onLimited := func(r *ghttp.Request, d Decision) {
		mu.Lock()
		limited = append(limited, d)
		mu.Unlock()
		r.Response.WriteStatus(http.StatusTooManyRequests)
		r.Response.WriteJson(map[string]any{"code": 429, "message": "rate limited", "data": nil})
	}
	onError := func(r *ghttp.Request, err error) {
		mu.Lock()
		errs = append(errs, err)
		mu.Unlock()
		r.Response.WriteStatus(http.StatusServiceUnavailable)
		r.Response.WriteJson(map[string]any{"code": 503, "message": "unavailable", "data": nil})
	}
	base := startServer(t, func(s *ghttp.Server) {
		s.Group("/api", func(g *ghttp.RouterGroup) {
			g.Middleware(Middleware(l, p, key, onLimited, onError))
			g.GET("/chat", func(r *ghttp.Request) { r.Response.Write("ok") })
		})
	})
	alice := map[string]string{"X-User": "alice"}

	for i := range 2 {
		res := get(t, base+"/api/chat", alice)
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || string(body) != "ok" {
			t.Fatalf("request %d: %d %q", i, res.StatusCode, body)
		}
		if got, want := res.Header.Get("RateLimit"), "limit=2, remaining="+strconv.Itoa(1-i); len(got) < len(want) || got[:len(want)] != want {
			t.Fatalf("request %d: RateLimit = %q, want prefix %q", i, got, want)
		}
		if got := res.Header.Get("RateLimit-Policy"); got != "2;w=60" {
			t.Fatalf("RateLimit-Policy = %q", got)
		}
		if res.Header.Get("Retry-After") != "" {
			t.Fatal("Retry-After on an allowed response")
		}
	}

	res := get(t, base+"/api/chat", alice)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("third request: %d %q", res.StatusCode, body)
	}
	if ra, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || ra < 1 || ra > 30 {
		t.Fatalf("Retry-After = %q", res.Header.Get("Retry-After"))
	}
	if res.Header.Get("RateLimit-Policy") != "2;w=60" || res.Header.Get("RateLimit") == "" {
		t.Fatalf("limited response lacks RateLimit headers: %v", res.Header)
	}
	mu.Lock()
	if len(limited) != 1 || limited[0].Allowed || limited[0].RetryAfter <= 0 {
		t.Fatalf("onLimited calls: %+v", limited)
	}
	mu.Unlock()

	// No key: not limited, no headers.
	for range 3 {
		res := get(t, base+"/api/chat", nil)
		res.Body.Close()
		if res.StatusCode != 200 || res.Header.Get("RateLimit") != "" {
			t.Fatalf("unkeyed request: %d %v", res.StatusCode, res.Header)
		}
	}

	// Redis down: onError decides, the handler never runs.
	rs.Stop()
	res = get(t, base+"/api/chat", map[string]string{"X-User": "bob"})
	body, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusServiceUnavailable || string(body) == "ok" {
		t.Fatalf("with Redis down: %d %q", res.StatusCode, body)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(errs) != 1 {
		t.Fatalf("onError calls: %v", errs)
	}
}

// Without callbacks the middleware still answers with the right status.
func TestMiddlewareDefaultCallbacks(t *testing.T) {
	rs := testutil.StartRedis(t)
	l := New(newClient(t, rs.Addr), "test:")
	p := Policy{Name: "api", Limit: 1, Period: time.Minute}
	key := func(r *ghttp.Request) (string, bool) { return "ip", true }
	base := startServer(t, func(s *ghttp.Server) {
		s.Group("/", func(g *ghttp.RouterGroup) {
			g.Middleware(Middleware(l, p, key, nil, nil))
			g.GET("/x", func(r *ghttp.Request) { r.Response.Write("ok") })
		})
	})
	for _, want := range []int{200, 429} {
		res := get(t, base+"/x", nil)
		res.Body.Close()
		if res.StatusCode != want {
			t.Fatalf("status %d, want %d", res.StatusCode, want)
		}
	}
	rs.Stop()
	res := get(t, base+"/x", nil)
	res.Body.Close()
	if res.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("status %d with Redis down", res.StatusCode)
	}
}
