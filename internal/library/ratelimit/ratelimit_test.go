package ratelimit

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gogf/gf/v2/util/gconv"

	"gptbot/internal/testutil"
)

func TestConcurrentAllowIsExact(t *testing.T) {
	rs := testutil.StartRedis(t)
	l := New(newClient(t, rs.Addr), "test:")
	// 25/min refills one request every 2.4 s: far longer than the burst of
	// calls below takes, so exactly the burst may pass.
	p := Policy{Name: "chat", Limit: 25, Period: time.Minute}

	var allowed, denied atomic.Int64
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range 2 * p.Limit {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			d, err := l.Allow(context.Background(), p, "user-1")
			if err != nil {
				t.Error(err)
				return
			}
			if d.Allowed {
				allowed.Add(1)
			} else {
				denied.Add(1)
			}
		}()
	}
	close(start)
	wg.Wait()
	if allowed.Load() != int64(p.Limit) || denied.Load() != int64(p.Limit) {
		t.Fatalf("allowed %d denied %d, want %d each", allowed.Load(), denied.Load(), p.Limit)
	}
}

func TestInstancesShareOneBudget(t *testing.T) {
	rs := testutil.StartRedis(t)
	a := New(newClient(t, rs.Addr), "test:")
	b := New(newClient(t, rs.Addr), "test:")
	p := Policy{Name: "api", Limit: 10, Period: time.Minute}
	ctx := context.Background()

	allowed := 0
	for i := range 20 {
		l := a
		if i%2 == 1 {
			l = b
		}
		d, err := l.Allow(ctx, p, "10.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		if d.Allowed {
			allowed++
		}
	}
	if allowed != p.Limit {
		t.Fatalf("two instances allowed %d in total, want %d", allowed, p.Limit)
	}
}

func TestDecisionValuesAndReset(t *testing.T) {
	rs := testutil.StartRedis(t)
	l := New(newClient(t, rs.Addr), "test:")
	p := Policy{Name: "auth", Limit: 3, Period: time.Minute}
	ctx := context.Background()

	d, err := l.Allow(ctx, p, "k")
	if err != nil {
		t.Fatal(err)
	}
	if !d.Allowed || d.Limit != 3 || d.Remaining != 2 || d.RetryAfter != 0 {
		t.Fatalf("first decision = %+v", d)
	}
	// One request costs Period/Limit = 20 s of budget.
	if d.ResetAfter < 19*time.Second || d.ResetAfter > 20*time.Second {
		t.Fatalf("ResetAfter = %s, want ~20s", d.ResetAfter)
	}
	for range 2 {
		if d, err = l.Allow(ctx, p, "k"); err != nil || !d.Allowed {
			t.Fatalf("decision %+v, err %v", d, err)
		}
	}
	if d.Remaining != 0 {
		t.Fatalf("Remaining after spending the budget = %d", d.Remaining)
	}
	d, err = l.Allow(ctx, p, "k")
	if err != nil {
		t.Fatal(err)
	}
	if d.Allowed || d.Remaining != 0 || d.RetryAfter < 19*time.Second || d.RetryAfter > 20*time.Second {
		t.Fatalf("denied decision = %+v, want RetryAfter ~20s", d)
	}

	// Other keys and other policies have their own budgets.
	if d, _ := l.Allow(ctx, p, "other"); !d.Allowed {
		t.Fatal("another key was limited")
	}
	if d, _ := l.Allow(ctx, Policy{Name: "chat", Limit: 3, Period: time.Minute}, "k"); !d.Allowed {
		t.Fatal("another policy was limited")
	}

	if err := l.Reset(ctx, p, "k"); err != nil {
		t.Fatal(err)
	}
	if d, _ := l.Allow(ctx, p, "k"); !d.Allowed || d.Remaining != 2 {
		t.Fatalf("after Reset: %+v", d)
	}
}

func TestAllowN(t *testing.T) {
	rs := testutil.StartRedis(t)
	l := New(newClient(t, rs.Addr), "test:")
	p := Policy{Name: "api", Limit: 5, Period: time.Minute}
	ctx := context.Background()
	if d, err := l.AllowN(ctx, p, "k", 4); err != nil || !d.Allowed || d.Remaining != 1 {
		t.Fatalf("AllowN(4) = %+v, %v", d, err)
	}
	// All or nothing: 2 more do not fit, and nothing is spent.
	if d, err := l.AllowN(ctx, p, "k", 2); err != nil || d.Allowed {
		t.Fatalf("AllowN(2) = %+v, %v", d, err)
	}
	if d, err := l.Allow(ctx, p, "k"); err != nil || !d.Allowed {
		t.Fatalf("Allow after refused AllowN = %+v, %v", d, err)
	}
	if _, err := l.AllowN(ctx, p, "k", 0); err == nil {
		t.Fatal("AllowN(0) accepted")
	}
}

func TestLongKeysAreHashed(t *testing.T) {
	rs := testutil.StartRedis(t)
	c := newClient(t, rs.Addr)
	l := New(c, "test:")
	p := Policy{Name: "login-user", Limit: 2, Period: time.Minute}
	ctx := context.Background()
	long := strings.Repeat("x", 10_000)
	for range 2 {
		if d, err := l.Allow(ctx, p, long); err != nil || !d.Allowed {
			t.Fatalf("%+v %v", d, err)
		}
	}
	if d, _ := l.Allow(ctx, p, long); d.Allowed {
		t.Fatal("hashed key does not keep its budget")
	}
	keys, err := c.Keys(ctx, "*").Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 1 || len(keys[0]) > 128 || !strings.HasPrefix(keys[0], "rate:test:login-user:sha256:") {
		t.Fatalf("keys in redis: %.200q", keys)
	}
}

func TestRedisDownIsAPromptError(t *testing.T) {
	rs := testutil.StartRedis(t)
	l := New(newClient(t, rs.Addr), "test:")
	p := Policy{Name: "api", Limit: 5, Period: time.Minute}
	if _, err := l.Allow(context.Background(), p, "k"); err != nil {
		t.Fatal(err)
	}
	rs.Stop()
	start := time.Now()
	_, err := l.Allow(context.Background(), p, "k")
	if err == nil {
		t.Fatal("Allow succeeded with Redis stopped")
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Fatalf("Allow took %s to fail", el)
	}
	if !strings.Contains(err.Error(), `policy "api"`) {
		t.Fatalf("error does not name the policy: %v", err)
	}
}

func TestPolicyValidate(t *testing.T) {
	for _, p := range []Policy{
		{Name: "", Limit: 1, Period: time.Second},
		{Name: "a", Limit: 0, Period: time.Second},
		{Name: "a", Limit: 1, Period: 0},
	} {
		if p.Validate() == nil {
			t.Errorf("%+v validated", p)
		}
		// Invalid policies never reach Redis (nil client would panic).
		if _, err := New(nil, "").Allow(context.Background(), p, "k"); err == nil {
			t.Errorf("Allow accepted %+v", p)
		}
	}
}

// The app scans ratelimit.policies.<name> from config.yaml into a Policy.
func TestPolicyFromConfigMap(t *testing.T) {
	var p Policy
	if err := gconv.Struct(map[string]any{"limit": 20, "period": "1m"}, &p); err != nil {
		t.Fatal(err)
	}
	if p.Limit != 20 || p.Period != time.Minute {
		t.Fatalf("scanned %+v", p)
	}
}
