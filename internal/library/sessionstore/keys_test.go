package sessionstore

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"gptbot/internal/testutil"
)

// No script builds a key: a Redis Cluster routes a script by its KEYS and
// refuses any other key outside their slot.
func TestScriptsTakeEveryKeyFromKEYS(t *testing.T) {
	scripts := testutil.LuaScripts(t, ".")
	if len(scripts) != 6 {
		t.Fatalf("found %d scripts, want the 6 of scripts.go: %v", len(scripts), scripts)
	}
	for name, src := range scripts {
		testutil.CheckScriptKeys(t, name, src)
	}
}

// hashTag is the part of key Redis Cluster hashes to pick the slot.
func hashTag(key string) string {
	if i := strings.IndexByte(key, '{'); i >= 0 {
		if j := strings.IndexByte(key[i+1:], '}'); j > 0 {
			return key[i+1 : i+1+j]
		}
	}
	return key
}

func TestKeysOfOneUserShareOneHashTag(t *testing.T) {
	s := New(nil, Config{Prefix: "gptbot:"}, nil)
	tags := map[string]int64{}
	for _, uid := range []int64{1, 2, 10, 12, 21, 255, 1 << 40} {
		idx := hashTag(s.indexKey(uid))
		seen := map[string]bool{}
		for range 3 {
			id := NewUserID(uid)
			if !ValidID(id) || seen[id] {
				t.Fatalf("user %d: bad or repeated id %q", uid, id)
			}
			seen[id] = true
			if tag := hashTag(s.sessionKey(Handle(id))); tag != idx {
				t.Fatalf("user %d: session tag %q, index tag %q", uid, tag, idx)
			}
		}
		if other, dup := tags[idx]; dup {
			t.Fatalf("users %d and %d share the tag %q", other, uid, idx)
		}
		tags[idx] = uid
	}
	// Users 1 and 257 share a tag (and a slot), not a key.
	if hashTag(s.indexKey(257)) != hashTag(s.indexKey(1)) || s.indexKey(257) == s.indexKey(1) {
		t.Fatalf("%q vs %q", s.indexKey(257), s.indexKey(1))
	}
	for _, p := range []string{"gptbot:", "", "a:b:"} {
		if err := CheckPrefix(p); err != nil {
			t.Errorf("CheckPrefix(%q): %v", p, err)
		}
	}
	for _, p := range []string{"{gptbot}:", "a{", "}", "x{}:"} {
		if CheckPrefix(p) == nil {
			t.Errorf("CheckPrefix(%q) accepted a brace", p)
		}
	}
}

// A session is stored only under an id made for its user, and a user's
// operations never reach another user's sessions, even one sharing their
// tag (user 257 shares user 1's).
func TestIdsAreMadeForTheirUser(t *testing.T) {
	store, rdb := newStore(t, time.Hour, 24*time.Hour)
	ctx := context.Background()
	foreign := NewID() // a random id whose tag is not user 1's
	for handleTag(Handle(foreign)) == userTag(1) {
		foreign = NewID()
	}
	for _, id := range []string{NewUserID(2), foreign} {
		if err := store.Create(ctx, id, Record{UserID: 1}); err == nil {
			t.Fatalf("created user 1's session under %q", id)
		}
	}
	if err := store.Create(ctx, NewUserID(0), Record{UserID: 0}); err == nil {
		t.Fatal("created a session of nobody")
	}
	mine, neighbour, other := NewUserID(1), NewUserID(257), NewUserID(2)
	for uid, id := range map[int64]string{1: mine, 257: neighbour, 2: other} {
		if err := store.Create(ctx, id, Record{UserID: uid}); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []string{neighbour, other} {
		if ok, err := store.Revoke(ctx, 1, Handle(id)); ok || err != nil {
			t.Fatalf("user 1 revoked another user's session: %v %v", ok, err)
		}
	}
	if list, err := store.List(ctx, 1); err != nil || len(list) != 1 || list[0].Handle != Handle(mine) {
		t.Fatalf("user 1 lists %+v %v", list, err)
	}
	if n, err := store.DestroyUser(ctx, 1, ""); n != 1 || err != nil {
		t.Fatalf("destroy user 1: %d %v", n, err)
	}
	for _, id := range []string{neighbour, other} {
		if data, _ := store.Load(ctx, id); data == nil {
			t.Fatal("another user's session was destroyed")
		}
	}
	// A session hash Create did not write (its user has another tag) is
	// deleted on logout without touching any index.
	odd := NewUserID(1)
	rdb.HSet(ctx, store.sessionKey(Handle(odd)), "uid", 2, "abs", time.Now().Add(time.Hour).UnixMilli())
	if err := store.Destroy(ctx, odd); err != nil || rdb.Exists(ctx, store.sessionKey(Handle(odd))).Val() != 0 {
		t.Fatalf("odd session not destroyed: %v", err)
	}
}

// destroyAllHook runs before each call of the destroy-all script: what a
// login of the same user on another instance does between DestroyUser's
// read of the index and its script.
type destroyAllHook struct{ before func() }

func (h destroyAllHook) DialHook(next redis.DialHook) redis.DialHook { return next }
func (h destroyAllHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}
func (h destroyAllHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	sha := redis.NewScript(luaDestroyAll).Hash()
	return func(ctx context.Context, cmd redis.Cmder) error {
		args := cmd.Args()
		if len(args) > 1 && (args[0] == "evalsha" && args[1] == sha || args[0] == "eval" && args[1] == luaDestroyAll) {
			h.before()
		}
		return next(ctx, cmd)
	}
}

// DestroyUser reads the index, then deletes in a script: a session created
// in between is deleted too, or, if sessions keep appearing, none is.
func TestDestroyUserCatchesALoginInBetween(t *testing.T) {
	store, rdb := newStore(t, time.Hour, 24*time.Hour)
	ctx := context.Background()
	other := New(rdb, store.Config(), nil) // another instance, no hook
	for range 2 {
		if err := store.Create(ctx, NewUserID(5), Record{UserID: 5}); err != nil {
			t.Fatal(err)
		}
	}
	var logins atomic.Int64
	login := func() {
		logins.Add(1)
		if err := other.Create(ctx, NewUserID(5), Record{UserID: 5}); err != nil {
			t.Error(err)
		}
	}
	once := destroyAllHook{before: func() {
		if logins.Load() == 0 {
			login()
		}
	}}
	rdb.AddHook(once)
	n, err := store.DestroyUser(ctx, 5, "")
	if err != nil || n != 3 || logins.Load() != 1 {
		t.Fatalf("destroyed %d (%v) after %d logins in between, want 3", n, err, logins.Load())
	}
	if list, _ := store.List(ctx, 5); len(list) != 0 {
		t.Fatalf("sessions left: %+v", list)
	}

	// A login before every attempt: DestroyUser gives up and deletes nothing.
	store2, rdb2 := newStore(t, time.Hour, 24*time.Hour)
	other = New(rdb2, store2.Config(), nil)
	if err := store2.Create(ctx, NewUserID(5), Record{UserID: 5}); err != nil {
		t.Fatal(err)
	}
	logins.Store(0)
	rdb2.AddHook(destroyAllHook{before: login})
	if n, err := store2.DestroyUser(ctx, 5, ""); err == nil || n != 0 {
		t.Fatalf("destroyed %d, %v while the index kept changing", n, err)
	}
	// (A first call of a script on a server may be tried twice: EVALSHA, EVAL.)
	if list, _ := other.List(ctx, 5); int64(len(list)) != 1+logins.Load() || logins.Load() < destroyUserAttempts {
		t.Fatalf("%d sessions after %d logins: all or nothing broken", len(list), logins.Load())
	}
}
