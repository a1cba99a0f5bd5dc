package ratelimit

import (
	"context"
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
