package ratelimit

import (
	"context"
	"testing"
	"time"

	_ "github.com/gogf/gf/contrib/nosql/redis/v2" // registers the go-redis adapter, as the app does
	"github.com/gogf/gf/v2/database/gredis"

	"gptbot/internal/testutil"
)

func TestClientFromGRedis(t *testing.T) {
	rs := testutil.StartRedis(t)
	gr, err := gredis.New(&gredis.Config{Address: rs.Addr})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = gr.Close(context.Background()) })

	client, err := ClientFromGRedis(gr)
	if err != nil {
		t.Fatal(err)
	}
	l := New(client, "test:")
	p := Policy{Name: "api", Limit: 1, Period: time.Minute}
	if d, err := l.Allow(context.Background(), p, "k"); err != nil || !d.Allowed {
		t.Fatalf("%+v %v", d, err)
	}
	// The decision is visible through gredis too: same server, same key.
	v, err := gr.Exists(context.Background(), "rate:test:api:k")
	if err != nil || v != 1 {
		t.Fatalf("EXISTS via gredis = %d, %v", v, err)
	}
}

func TestClientFromGRedisWithoutAdapter(t *testing.T) {
	if _, err := ClientFromGRedis(nil); err == nil {
		t.Fatal("nil gredis accepted")
	}
}
