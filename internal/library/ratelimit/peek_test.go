package ratelimit

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"gptbot/internal/testutil"
)

func TestPeekSpendsNothing(t *testing.T) {
	rs := testutil.StartRedis(t)
	rdb := redis.NewClient(&redis.Options{Addr: rs.Addr})
	defer rdb.Close()
	l := New(rdb, "peek:")
	p := Policy{Name: "login-user", Limit: 3, Period: time.Minute}
	ctx := context.Background()
	for i := 0; i < 10; i++ {
		d, err := l.Peek(ctx, p, "alice")
		if err != nil || !d.Allowed || d.Remaining != 3 {
			t.Fatalf("peek %d: %+v %v", i, d, err)
		}
	}
	for i := 0; i < 3; i++ {
		if d, _ := l.Allow(ctx, p, "alice"); !d.Allowed {
			t.Fatalf("allow %d denied", i)
		}
	}
	d, err := l.Peek(ctx, p, "alice")
	if err != nil || d.Allowed || d.RetryAfter < time.Second || d.RetryAfter > 21*time.Second {
		t.Fatalf("peek after exhausting: %+v %v", d, err)
	}
	if d, _ := l.Peek(ctx, p, "bob"); !d.Allowed {
		t.Fatal("another key is limited")
	}
}

func TestHeadersAdvertiseTheMostRestrictivePolicy(t *testing.T) {
	h := http.Header{}
	api := Policy{Name: "api", Limit: 300, Period: time.Minute}
	auth := Policy{Name: "auth", Limit: 10, Period: time.Minute}
	WriteHeaders(h, api, Decision{Allowed: true, Limit: 300, Remaining: 299})
	WriteHeaders(h, auth, Decision{Allowed: true, Limit: 10, Remaining: 4})
	WriteHeaders(h, api, Decision{Allowed: true, Limit: 300, Remaining: 200})
	if h.Get("RateLimit-Policy") != "10;w=60" || !strings.Contains(h.Get("RateLimit"), "remaining=4") {
		t.Fatalf("not the most restrictive: %v", h)
	}
	WriteHeaders(h, api, Decision{Allowed: false, Limit: 300, RetryAfter: 2 * time.Second})
	WriteHeaders(h, auth, Decision{Allowed: true, Limit: 10, Remaining: 0})
	if h.Get("RateLimit-Policy") != "300;w=60" || h.Get("Retry-After") != "2" {
		t.Fatalf("a denial was overwritten: %v", h)
	}
}
