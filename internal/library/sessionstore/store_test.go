package sessionstore

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gogf/gf/v2/os/gsession"
	"github.com/redis/go-redis/v9"

	"gptbot/internal/testutil"
)

func newStore(t testing.TB, idle, absolute time.Duration) (*Store, *redis.Client) {
	t.Helper()
	rs := testutil.StartRedis(t)
	rdb := redis.NewClient(&redis.Options{Addr: rs.Addr})
	t.Cleanup(func() { rdb.Close() })
	return New(rdb, Config{Prefix: "t:", Idle: idle, Absolute: absolute}, nil), rdb
}

func TestNewIDShape(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 1000; i++ {
		id := NewID()
		if !ValidID(id) || seen[id] {
			t.Fatalf("bad or repeated id %q", id)
		}
		seen[id] = true
	}
	for _, bad := range []string{"", "short", strings.Repeat("a", 42), strings.Repeat("a", 44), strings.Repeat("!", 43), strings.Repeat("é", 21) + "a"} {
		if ValidID(bad) {
			t.Errorf("ValidID(%q) = true", bad)
		}
	}
}

// A request loads the session, a concurrent logout deletes it, then the slow
// request ends and GoFrame's Session.Close writes its changes back. The
// session must stay deleted (GoFrame's own Redis storage would SETEX it back).
func TestSlowRequestCannotResurrectLoggedOutSession(t *testing.T) {
	store, rdb := newStore(t, time.Hour, 24*time.Hour)
	ctx := context.Background()
	id := NewUserID(7)
	if err := store.Create(ctx, id, Record{UserID: 7}); err != nil {
		t.Fatal(err)
	}
	mgr := gsession.New(time.Hour, store)

	slow := mgr.New(ctx, id)
	if v, err := slow.Get(KeyUserID); err != nil || v.Int64() != 7 {
		t.Fatalf("slow request did not load the session: %v %v", v, err)
	}
	if err := mgr.New(ctx, id).RemoveAll(); err != nil { // logout
		t.Fatal(err)
	}
	if err := slow.Set("theme", "dark"); err != nil {
		t.Fatal(err)
	}
	if err := slow.Close(); err != nil { // dirty: SetSession
		t.Fatal(err)
	}
	unchanged := mgr.New(ctx, id)
	_, _ = unchanged.Get(KeyUserID)
	_ = unchanged.Close() // UpdateTTL path
	if n := rdb.Exists(ctx, store.sessionKey(Handle(id))).Val(); n != 0 {
		t.Fatal("the logged-out session was written back")
	}
	if v, _ := mgr.New(ctx, id).Get(KeyUserID); v != nil {
		t.Fatal("the logged-out session loads again")
	}
}

func TestManyConcurrentWritersAndOneLogout(t *testing.T) {
	store, rdb := newStore(t, time.Hour, 24*time.Hour)
	ctx := context.Background()
	id := NewUserID(9)
	if err := store.Create(ctx, id, Record{UserID: 9}); err != nil {
		t.Fatal(err)
	}
	mgr := gsession.New(time.Hour, store)
	var loaded, wg sync.WaitGroup
	release := make(chan struct{})
	for i := 0; i < 50; i++ {
		loaded.Add(1)
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			s := mgr.New(ctx, id)
			_, _ = s.Get(KeyUserID)
			loaded.Done()
			<-release
			_ = s.Set("n", i)
			_ = s.Close()
		}(i)
	}
	loaded.Wait()
	if err := store.Destroy(ctx, id); err != nil {
		t.Fatal(err)
	}
	close(release)
	wg.Wait()
	if n := rdb.Exists(ctx, store.sessionKey(Handle(id))).Val(); n != 0 {
		t.Fatal("a concurrent writer resurrected the session")
	}
}

func TestTouchSlidesButNeverPastAbsolute(t *testing.T) {
	store, rdb := newStore(t, 10*time.Second, time.Minute)
	ctx := context.Background()
	id := NewUserID(1)
	now := time.Now()
	store.now = func() time.Time { return now }
	if err := store.Create(ctx, id, Record{UserID: 1}); err != nil {
		t.Fatal(err)
	}
	key := store.sessionKey(Handle(id))
	store.now = func() time.Time { return now.Add(55 * time.Second) }
	if ok, err := store.Touch(ctx, id, nil); !ok || err != nil {
		t.Fatalf("touch: %v %v", ok, err)
	}
	if ttl := rdb.PTTL(ctx, key).Val(); ttl > 5*time.Second || ttl <= 0 {
		t.Fatalf("TTL %v: must be capped by the absolute expiry (5 s left)", ttl)
	}
	store.now = func() time.Time { return now.Add(61 * time.Second) }
	if data, err := store.Load(ctx, id); data != nil || err != nil {
		t.Fatalf("loaded past the absolute timeout: %v %v", data, err)
	}
	if rdb.Exists(ctx, key).Val() != 0 {
		t.Fatal("expired session not deleted on load")
	}
}

func TestListRevokeAndIndexHygiene(t *testing.T) {
	store, rdb := newStore(t, time.Hour, 24*time.Hour)
	ctx := context.Background()
	a, b, other := NewUserID(1), NewUserID(1), NewUserID(2)
	for _, c := range []struct {
		id  string
		uid int64
	}{{a, 1}, {b, 1}, {other, 2}} {
		if err := store.Create(ctx, c.id, Record{UserID: c.uid, IP: "10.0.0.1", UserAgent: strings.Repeat("ü", 300)}); err != nil {
			t.Fatal(err)
		}
	}
	list, err := store.List(ctx, 1)
	if err != nil || len(list) != 2 {
		t.Fatalf("list: %v %v", list, err)
	}
	for _, in := range list {
		if len(in.UserAgent) > 256 || !strings.HasPrefix(in.UserAgent, "ü") || strings.ContainsRune(in.UserAgent, '\uFFFD') {
			t.Fatalf("user agent not truncated on a rune boundary: %q", in.UserAgent)
		}
	}
	// A handle of user 2 is not revocable by user 1.
	if ok, err := store.Revoke(ctx, 1, Handle(other)); ok || err != nil {
		t.Fatalf("cross-user revoke: %v %v", ok, err)
	}
	// A session that expired by TTL disappears from the list and the index.
	rdb.Del(ctx, store.sessionKey(Handle(b)))
	if list, _ = store.List(ctx, 1); len(list) != 1 || list[0].Handle != Handle(a) {
		t.Fatalf("dead session listed: %+v", list)
	}
	if n := rdb.ZCard(ctx, store.indexKey(1)).Val(); n != 1 {
		t.Fatalf("index keeps %d entries", n)
	}
	if n, err := store.DestroyUser(ctx, 1, ""); n != 1 || err != nil {
		t.Fatalf("destroy user: %d %v", n, err)
	}
	if data, _ := store.Load(ctx, other); data == nil {
		t.Fatal("another user's session was destroyed")
	}
}

func TestCreateFailsWhenRedisIsDown(t *testing.T) {
	rs := testutil.StartRedis(t)
	rdb := redis.NewClient(&redis.Options{Addr: rs.Addr, DialTimeout: 200 * time.Millisecond, MaxRetries: -1})
	defer rdb.Close()
	store := New(rdb, Config{Prefix: "t:", Idle: time.Hour, Absolute: 2 * time.Hour}, nil)
	rs.Stop()
	if err := store.Create(context.Background(), NewUserID(1), Record{UserID: 1}); err == nil {
		t.Fatal("create reported success with Redis down")
	}
	if _, err := store.Load(context.Background(), NewID()); err == nil {
		t.Fatal("load reported a clean miss with Redis down")
	}
}

// The session store sits on every authenticated request: one round trip to
// load, one to slide the idle timeout.
func BenchmarkLoadAndTouch(b *testing.B) {
	store, _ := newStore(b, time.Hour, 24*time.Hour)
	ctx := context.Background()
	id := NewUserID(1)
	if err := store.Create(ctx, id, Record{UserID: 1, Data: map[string]any{"authAt": 1}}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if data, err := store.Load(ctx, id); err != nil || data == nil {
			b.Fatal(err)
		}
		if _, err := store.Touch(ctx, id, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNewID(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = NewID()
	}
}

// A login draws ids until one has its user's tag (keys.go).
func BenchmarkNewUserID(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = NewUserID(42)
	}
}

func TestDataRoundTripKeepsNumbersExact(t *testing.T) {
	store, _ := newStore(t, time.Hour, 24*time.Hour)
	ctx := context.Background()
	id := NewUserID(3)
	if err := store.Create(ctx, id, Record{UserID: 3, Data: map[string]any{"authAt": int64(1763883000), "big": int64(9007199254740993)}}); err != nil {
		t.Fatal(err)
	}
	data, err := store.Load(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	mgr := gsession.New(time.Hour, store)
	s := mgr.New(ctx, id)
	big, _ := s.Get("big")
	if fmt.Sprint(data["authAt"]) != "1763883000" || big.Int64() != 9007199254740993 {
		t.Fatalf("numbers changed: %v %v", data["authAt"], big)
	}
}
