package quota

import (
	"context"
	"fmt"
	"math"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gogf/gf/v2/database/gdb"
	"github.com/gogf/gf/v2/frame/g"

	"gptbot/internal/consts"
	"gptbot/internal/dao"
	"gptbot/internal/model"
	"gptbot/internal/model/do"
	"gptbot/internal/testutil"
)

// TestMain runs the tests on a fresh, migrated SQLite file, configured as
// the app configures it. The tests share it: each uses its own users and
// messages.
func TestMain(m *testing.M) {
	os.Exit(testutil.RunWithSQLite(m, "quota"))
}

var seq atomic.Int64

// nextID is a message id, and a user name suffix, that no other test uses
// (-count runs share the database too).
func nextID() int64 { return seq.Add(1) }

// newUser creates a user with balance tokens, granted as the app grants
// them, and returns its id.
func newUser(t *testing.T, ctx context.Context, name string, balance int64) int64 {
	t.Helper()
	name = fmt.Sprintf("%s-%d", name, nextID())
	id, err := dao.Users.Ctx(ctx).Data(do.Users{Username: name, UsernameKey: name, PasswordHash: "x",
		TokenBalance: balance}).InsertAndGetId()
	if err != nil {
		t.Fatal(err)
	}
	// The grant row keeps the ledger balanced from the start.
	_, err = dao.UsageLedger.Ctx(ctx).Data(do.UsageLedger{UserId: id, Kind: consts.LedgerGrant, Tokens: balance, Note: "test"}).Insert()
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// reserve records a reservation for message id as the chat service does.
func reserve(t *testing.T, ctx context.Context, q *sQuota, uid, messageId, want int64) int64 {
	t.Helper()
	var got int64
	err := dao.UsageLedger.Transaction(ctx, func(ctx context.Context, tx gdb.TX) error {
		var err error
		if got, err = q.Reserve(ctx, uid, 1, want); err != nil {
			return err
		}
		return q.RecordReservation(ctx, uid, messageId, "m", got)
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func settle(t *testing.T, ctx context.Context, q *sQuota, st model.Settlement) (charged int64, ok bool, err error) {
	t.Helper()
	err = dao.UsageLedger.Transaction(ctx, func(ctx context.Context, tx gdb.TX) error {
		var err error
		charged, ok, err = q.Settle(ctx, st)
		return err
	})
	return charged, ok, err
}

// value runs a query for one integer, failing the test on any error.
func value(t *testing.T, ctx context.Context, sql string, args ...any) int64 {
	t.Helper()
	v, err := g.DB().GetValue(ctx, sql, args...)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return v.Int64()
}

// assertLedger asserts grants − charges + refunds == balance ≥ 0 for
// every user and returns uid's balance.
func assertLedger(t *testing.T, ctx context.Context, uid int64) int64 {
	t.Helper()
	return testutil.AssertLedger(t, ctx, uid)
}

func TestSettlementIsWrittenOnce(t *testing.T) {
	ctx := context.Background()
	q := New()
	uid := newUser(t, ctx, "once", 1000)
	mid := nextID()
	reserved := reserve(t, ctx, q, uid, mid, 100)
	st := model.Settlement{UserId: uid, MessageId: mid, Model: "m", Reserved: reserved, PromptTokens: 20, CompletionTokens: 5}
	if charged, ok, err := settle(t, ctx, q, st); err != nil || !ok || charged != 25 {
		t.Fatalf("first settlement: charged %d, ok %v, %v", charged, ok, err)
	}
	// A second settler (another instance's sweep) finds it settled and
	// writes nothing, whatever its outcome.
	st.PromptTokens, st.CompletionTokens = 0, 0
	if charged, ok, err := settle(t, ctx, q, st); err != nil || ok || charged != 0 {
		t.Fatalf("second settlement: charged %d, ok %v, %v", charged, ok, err)
	}
	if b := assertLedger(t, ctx, uid); b != 975 {
		t.Fatalf("balance %d, want 975", b)
	}
	// The schema refuses a second settlement row too, for settlers that
	// race past the check (where no write lock serialises them).
	_, err := dao.UsageLedger.Ctx(ctx).Data(do.UsageLedger{UserId: uid, Kind: "refund", Tokens: 75, MessageId: mid,
		Note: "settle"}).Insert()
	if err == nil {
		t.Fatal("a second settlement row for one message was accepted")
	}
	// Reservation rows and grants are not settlements.
	reserve(t, ctx, q, uid, nextID(), 10)
	assertLedger(t, ctx, uid)
}

// Usage figures that slipped past validation can neither overflow into a
// refund nor leave negative counts in the ledger.
func TestSettleSurvivesAbsurdUsage(t *testing.T) {
	ctx := context.Background()
	q := New()
	for i, tc := range []struct {
		prompt, completion int64
		wantCharged        func(reserved, balance int64) int64
	}{
		{math.MaxInt64, math.MaxInt64, func(r, b int64) int64 { return r + b }}, // everything the balance holds
		{math.MaxInt64, 1, func(r, b int64) int64 { return r + b }},
		{-5, -7, func(r, b int64) int64 { return 0 }},
		{-1 << 62, 10, func(r, b int64) int64 { return 10 }},
	} {
		uid := newUser(t, ctx, "absurd"+string(rune('a'+i)), 500)
		mid := nextID()
		reserved := reserve(t, ctx, q, uid, mid, 100)
		charged, ok, err := settle(t, ctx, q, model.Settlement{UserId: uid, MessageId: mid, Model: "m",
			Reserved: reserved, PromptTokens: tc.prompt, CompletionTokens: tc.completion})
		if err != nil || !ok {
			t.Fatalf("usage %d+%d: %v", tc.prompt, tc.completion, err)
		}
		if want := tc.wantCharged(reserved, 400); charged != want {
			t.Errorf("usage %d+%d: charged %d, want %d", tc.prompt, tc.completion, charged, want)
		}
		assertLedger(t, ctx, uid)
		neg, err := dao.UsageLedger.Ctx(ctx).Where("prompt_tokens < 0 OR completion_tokens < 0").Count()
		if err != nil {
			t.Fatal(err)
		}
		if neg != 0 {
			t.Errorf("usage %d+%d: negative counts in the ledger", tc.prompt, tc.completion)
		}
	}
}

func TestOpenReservations(t *testing.T) {
	ctx := context.Background()
	q := New()
	uid := newUser(t, ctx, "open", 1000)
	var m [4]int64
	for i := range m {
		m[i] = nextID()
		reserve(t, ctx, q, uid, m[i], 10)
	}
	if _, ok, err := settle(t, ctx, q, model.Settlement{UserId: uid, MessageId: m[1], Model: "m", Reserved: 10,
		PromptTokens: 3}); err != nil || !ok {
		t.Fatal(err)
	}
	messages := func(after int64, limit int) (ids []int64, last int64) {
		rows, err := q.OpenReservations(ctx, after, limit)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			last = r.Id
			if r.UserId != uid {
				continue // another test's
			}
			ids = append(ids, r.MessageId)
			if r.Note != noteReserve || r.Tokens != 10 {
				t.Errorf("row %+v", r)
			}
		}
		return ids, last
	}
	// the ledger id of this test's first reservation
	first := value(t, ctx, "SELECT min(id) FROM usage_ledger WHERE note = 'reserve' AND user_id = ?", uid)
	all, _ := messages(first-1, 100)
	if len(all) != 3 || all[0] != m[0] || all[1] != m[2] || all[2] != m[3] {
		t.Fatalf("open reservations %v, want %v", all, []int64{m[0], m[2], m[3]})
	}
	page, last := messages(first-1, 1)
	if len(page) != 1 || page[0] != m[0] {
		t.Fatalf("first page %v", page)
	}
	if rest, _ := messages(last, 100); len(rest) != 2 || rest[0] != m[2] {
		t.Fatalf("after the first: %v", rest)
	}

	// Above the reservations of earlier tests, some of which are dated back.
	newest, err := q.LastReservationBefore(ctx, first-1, time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	maxID := value(t, ctx, "SELECT max(id) FROM usage_ledger WHERE note = 'reserve'")
	if newest != maxID {
		t.Fatalf("last reservation before an hour from now: %d, want %d", newest, maxID)
	}
	if none, err := q.LastReservationBefore(ctx, first-1, time.Now().Add(-time.Hour)); err != nil || none != 0 {
		t.Fatalf("last reservation before an hour ago: %d, %v", none, err)
	}
	if none, err := q.LastReservationBefore(ctx, maxID, time.Now().Add(time.Hour)); err != nil || none != 0 {
		t.Fatalf("above the newest: %d, %v", none, err)
	}
}
