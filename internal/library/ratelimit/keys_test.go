package ratelimit

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"gptbot/internal/testutil"
)

// No script builds a key: a Redis Cluster routes a script by its KEYS.
func TestScriptsTakeEveryKeyFromKEYS(t *testing.T) {
	scripts := testutil.LuaScripts(t, ".")
	if len(scripts) != 1 {
		t.Fatalf("found %d scripts, want the refund script: %v", len(scripts), scripts)
	}
	for name, src := range scripts {
		testutil.CheckScriptKeys(t, name, src)
	}
}

// The key the refund script is given is the one redis_rate wrote, for every
// kind of key (a redis_rate release with another prefix would break refunds
// silently: they would find no key and give nothing back).
func TestRefundFindsTheKeyRedisRateWrote(t *testing.T) {
	rs := testutil.StartRedis(t)
	c := newClient(t, rs.Addr)
	l := New(c, "gptbot:rl:")
	p := Policy{Name: "login-user", Limit: 2, Period: time.Hour}
	ctx := context.Background()
	for _, key := range []string{"alice", "{bob}", "10.0.0.1", strings.Repeat("é", 40), ""} {
		if err := c.FlushAll(ctx).Err(); err != nil {
			t.Fatal(err)
		}
		if d, err := l.Allow(ctx, p, key); err != nil || !d.Allowed {
			t.Fatalf("%q: %+v %v", key, d, err)
		}
		keys, err := c.Keys(ctx, "*").Result()
		if err != nil || len(keys) != 1 || keys[0] != l.bucketKey(p, key) {
			t.Fatalf("%q: redis_rate wrote %v, the layout says %q", key, keys, l.bucketKey(p, key))
		}
		if err := l.Refund(ctx, p, key, 1); err != nil {
			t.Fatal(err)
		}
		if n := c.DBSize(ctx).Val(); n != 0 {
			t.Fatalf("%q: the refund missed the key (%d keys left)", key, n)
		}
	}
}

// exhaust spends p's budget for key and checks it is exactly p.Limit.
func exhaust(t *testing.T, l *Limiter, p Policy, key string) {
	t.Helper()
	for i := range p.Limit + 1 {
		d, err := l.Allow(context.Background(), p, key)
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		if d.Allowed != (i < p.Limit) {
			t.Fatalf("%s: request %d allowed=%v", key, i+1, d.Allowed)
		}
	}
}

// Allow, Peek, Refund and Reset on a real three-master Redis Cluster through
// a cluster client, for keys spread over the masters.
func TestLimiterOnRedisCluster(t *testing.T) {
	cl := testutil.StartRedisCluster(t)
	var rdb redis.UniversalClient = cl.Client(t)
	l := New(rdb, "gptbot:rl:")
	p := Policy{Name: "chat", Limit: 3, Period: time.Hour}
	ctx := context.Background()
	var keys []string
	for i := range 8 {
		keys = append(keys, fmt.Sprint(i+1))
	}
	keys = append(keys, strings.Repeat("x", 100), "{7}")
	for _, k := range keys {
		exhaust(t, l, p, k)
		if d, err := l.Peek(ctx, p, k); err != nil || d.Allowed {
			t.Fatalf("%s: peek on an empty budget %+v %v", k, d, err)
		}
		if err := l.Refund(ctx, p, k, 1); err != nil {
			t.Fatalf("%s: refund: %v", k, err)
		}
		if d, err := l.Allow(ctx, p, k); err != nil || !d.Allowed {
			t.Fatalf("%s: the refunded request: %+v %v", k, d, err)
		}
		if d, _ := l.Allow(ctx, p, k); d.Allowed {
			t.Fatalf("%s: a refund of one gave back more", k)
		}
	}
	holding := 0
	for _, n := range cl.KeysPerMaster(t) {
		if n > 0 {
			holding++
		}
	}
	if holding < 2 {
		t.Fatalf("all budgets on one master: %v", cl.KeysPerMaster(t))
	}
	for _, k := range keys {
		if err := l.Reset(ctx, p, k); err != nil {
			t.Fatal(err)
		}
		if d, err := l.Peek(ctx, p, k); err != nil || d.Remaining != p.Limit {
			t.Fatalf("%s: after reset %+v %v", k, d, err)
		}
	}
}
