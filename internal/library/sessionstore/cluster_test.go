package sessionstore

import (
	"context"
	"testing"
	"time"

	"github.com/gogf/gf/v2/os/gsession"

	"gptbot/internal/testutil"
)

// Every store operation on a real three-master Redis Cluster, through a
// cluster client: a key built inside a script, or two keys of one script in
// different slots, fails here with CROSSSLOT.
func TestStoreOnRedisCluster(t *testing.T) {
	cl := testutil.StartRedisCluster(t)
	rdb := cl.Client(t)
	store := New(rdb, Config{Prefix: "gptbot:", Idle: time.Hour, Absolute: 24 * time.Hour}, nil)
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}

	// Two sessions for each of eight users: their keys spread over the masters.
	ids := map[int64][]string{}
	for uid := int64(1); uid <= 8; uid++ {
		for range 2 {
			id := NewUserID(uid)
			must(store.Create(ctx, id, Record{UserID: uid, IP: "10.0.0.1", UserAgent: "test", Data: map[string]any{"authAt": 1}}))
			ids[uid] = append(ids[uid], id)
		}
	}
	holding := 0
	for _, n := range cl.KeysPerMaster(t) {
		if n > 0 {
			holding++
		}
	}
	if holding < 2 {
		t.Fatalf("all keys on one master: %v", cl.KeysPerMaster(t))
	}

	// Load, save, slide.
	data, err := store.Load(ctx, ids[1][0])
	if err != nil || data == nil || data[KeyUserID] != int64(1) {
		t.Fatalf("load: %v %v", data, err)
	}
	if ok, err := store.Touch(ctx, ids[1][0], map[string]any{"theme": "dark"}); !ok || err != nil {
		t.Fatalf("save: %v %v", ok, err)
	}
	if ok, err := store.Touch(ctx, ids[1][0], nil); !ok || err != nil {
		t.Fatalf("touch: %v %v", ok, err)
	}

	// A late write after a logout through gsession does not resurrect it.
	mgr := gsession.New(time.Hour, store)
	slow := mgr.New(ctx, ids[2][0])
	if v, err := slow.Get(KeyUserID); err != nil || v.Int64() != 2 {
		t.Fatalf("slow request did not load: %v %v", v, err)
	}
	must(mgr.New(ctx, ids[2][0]).RemoveAll())
	must(slow.Set("theme", "dark"))
	must(slow.Close())
	if data, err := store.Load(ctx, ids[2][0]); data != nil || err != nil {
		t.Fatalf("logged-out session is back: %v %v", data, err)
	}

	// Device list and revoke, another user's handle included.
	list, err := store.List(ctx, 3)
	if err != nil || len(list) != 2 {
		t.Fatalf("list: %+v %v", list, err)
	}
	if ok, err := store.Revoke(ctx, 3, Handle(ids[4][0])); ok || err != nil {
		t.Fatalf("cross-user revoke: %v %v", ok, err)
	}
	if ok, err := store.Revoke(ctx, 3, Handle(ids[3][0])); !ok || err != nil {
		t.Fatalf("revoke: %v %v", ok, err)
	}
	if list, err = store.List(ctx, 3); err != nil || len(list) != 1 || list[0].Handle != Handle(ids[3][1]) {
		t.Fatalf("list after revoke: %+v %v", list, err)
	}

	// Regenerate at login: the old session is gone, the new one works, and
	// it may belong to another user than the old one.
	fresh := NewUserID(6)
	must(store.Regenerate(ctx, ids[5][0], fresh, Record{UserID: 6}))
	if data, _ := store.Load(ctx, ids[5][0]); data != nil {
		t.Fatal("old session survived regeneration")
	}
	if data, _ := store.Load(ctx, fresh); data == nil {
		t.Fatal("regenerated session missing")
	}
	must(store.Destroy(ctx, fresh))
	if data, _ := store.Load(ctx, fresh); data != nil {
		t.Fatal("destroyed session loads")
	}

	// Destroy all but one, then all.
	keep := NewUserID(7)
	must(store.Create(ctx, keep, Record{UserID: 7}))
	if n, err := store.DestroyUser(ctx, 7, Handle(keep)); n != 2 || err != nil {
		t.Fatalf("revoke others: %d %v", n, err)
	}
	if list, _ := store.List(ctx, 7); len(list) != 1 || list[0].Handle != Handle(keep) {
		t.Fatalf("after revoke others: %+v", list)
	}
	if n, err := store.DestroyUser(ctx, 8, ""); n != 2 || err != nil {
		t.Fatalf("destroy user: %d %v", n, err)
	}

	// The absolute timeout: a session past it is deleted on load.
	store.now = func() time.Time { return time.Now().Add(25 * time.Hour) }
	if data, err := store.Load(ctx, ids[1][1]); data != nil || err != nil {
		t.Fatalf("past the absolute timeout: %v %v", data, err)
	}
	store.now = time.Now
	if list, err := store.List(ctx, 1); err != nil || len(list) != 1 {
		t.Fatalf("list after expiry: %+v %v", list, err)
	}
}
