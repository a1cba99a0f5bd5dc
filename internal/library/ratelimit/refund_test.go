package ratelimit

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gptbot/internal/testutil"
)

func TestRefundGivesBackWhatWasSpent(t *testing.T) {
	rs := testutil.StartRedis(t)
	c := newClient(t, rs.Addr)
	l := New(c, "test:")
	p := Policy{Name: "login-user", Limit: 3, Period: time.Minute}
	ctx := context.Background()

	// Spend one from a full budget, refund it: the whole budget is back and
	// the key is gone (the case redis_rate's negative cost gets wrong).
	if d, err := l.Allow(ctx, p, "alice"); err != nil || d.Remaining != 2 {
		t.Fatalf("%+v %v", d, err)
	}
	if err := l.Refund(ctx, p, "alice", 1); err != nil {
		t.Fatal(err)
	}
	if d, err := l.Peek(ctx, p, "alice"); err != nil || d.Remaining != 3 {
		t.Fatalf("after refund: %+v %v", d, err)
	}
	if n, _ := c.Exists(ctx, "rate:test:login-user:alice").Result(); n != 0 {
		t.Fatal("a whole budget still has a key")
	}

	// Spend all three, refund one: exactly one more passes.
	for range 3 {
		if d, _ := l.Allow(ctx, p, "alice"); !d.Allowed {
			t.Fatal("denied within the budget")
		}
	}
	if d, _ := l.Allow(ctx, p, "alice"); d.Allowed {
		t.Fatal("allowed beyond the budget")
	}
	if err := l.Refund(ctx, p, "alice", 1); err != nil {
		t.Fatal(err)
	}
	if d, _ := l.Allow(ctx, p, "alice"); !d.Allowed {
		t.Fatal("the refunded request was not available")
	}
	if d, _ := l.Allow(ctx, p, "alice"); d.Allowed {
		t.Fatal("a refund gave back more than one request")
	}
	ttl, err := c.TTL(ctx, "rate:test:login-user:alice").Result()
	if err != nil || ttl <= 0 || ttl > time.Minute {
		t.Fatalf("TTL after refund = %s, %v", ttl, err)
	}

	// Refunds never exceed the whole budget, and a key never spent stays absent.
	if err := l.Refund(ctx, p, "alice", 100); err != nil {
		t.Fatal(err)
	}
	if d, _ := l.Peek(ctx, p, "alice"); d.Remaining != 3 {
		t.Fatalf("over-refund: %+v", d)
	}
	if err := l.Refund(ctx, p, "nobody", 1); err != nil {
		t.Fatal(err)
	}
	if n, _ := c.Exists(ctx, "rate:test:login-user:nobody").Result(); n != 0 {
		t.Fatal("a refund created a key")
	}
	if err := l.Refund(ctx, p, "alice", 0); err == nil {
		t.Fatal("refund of 0 accepted")
	}
}

// Spend-then-refund under concurrency: a burst of actions that all turn out
// not to count never locks the key, and a burst of actions that all count
// passes exactly the budget.
func TestSpendThenRefundUnderConcurrency(t *testing.T) {
	rs := testutil.StartRedis(t)
	l := New(newClient(t, rs.Addr), "test:")
	p := Policy{Name: "login-user", Limit: 5, Period: time.Hour}
	ctx := context.Background()

	var allowed atomic.Int64
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d, err := l.Allow(ctx, p, "k")
			if err != nil {
				t.Error(err)
				return
			}
			if d.Allowed {
				allowed.Add(1)
				// The action succeeded: give the unit back.
				if err := l.Refund(ctx, p, "k", 1); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	if d, _ := l.Peek(ctx, p, "k"); d.Remaining != p.Limit {
		t.Fatalf("after refunding every success: %+v", d)
	}
	if allowed.Load() < int64(p.Limit) {
		t.Fatalf("only %d allowed", allowed.Load())
	}
}
