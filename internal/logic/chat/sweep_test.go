package chat

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/gogf/gf/v2/database/gdb"
	"github.com/gogf/gf/v2/frame/g"

	"gptbot/internal/config"
	"gptbot/internal/dao"
	"gptbot/internal/library/metrics"
	"gptbot/internal/logic/quota"
	"gptbot/internal/model"
	"gptbot/internal/model/do"
	"gptbot/internal/service"
	"gptbot/internal/testutil"
)

// TestMain runs the tests on a fresh, migrated SQLite file, configured as
// the app configures it, with the quota service the chat service settles
// through.
func TestMain(m *testing.M) {
	service.RegisterQuota(quota.New())
	os.Exit(testutil.RunWithSQLite(m, "chat"))
}

func sweepService() *sChat {
	return New(&config.OpenAI{TotalTimeout: time.Minute}, &config.Chat{SettleInterval: time.Minute}, nil, metrics.New())
}

// fixture is a user with replies in various states, written as the chat
// service writes them.
type fixture struct {
	t   *testing.T
	ctx context.Context
	uid int64
}

func newFixture(t *testing.T, name string) *fixture {
	return newFixtureWith(t, name, 10000)
}

// newFixtureWith is a fixture whose user has balance tokens.
func newFixtureWith(t *testing.T, name string, balance int64) *fixture {
	t.Helper()
	ctx := context.Background()
	name = fmt.Sprintf("%s%d", name, time.Now().UnixNano()) // -count runs share the database
	uid, err := dao.Users.Ctx(ctx).Data(do.Users{Username: name, UsernameKey: name, PasswordHash: "x",
		TokenBalance: balance}).InsertAndGetId()
	if err == nil {
		_, err = dao.UsageLedger.Ctx(ctx).Data(do.UsageLedger{UserId: uid, Kind: "grant", Tokens: balance, Note: "test"}).Insert()
	}
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{t: t, ctx: ctx, uid: uid}
}

// reply reserves up to 100 tokens for a streaming reply in a new conversation
// claimed until busyUntil; it returns the conversation and message ids.
func (f *fixture) reply(busyUntil int64) (conv, msg int64) {
	f.t.Helper()
	err := dao.Messages.Transaction(f.ctx, func(ctx context.Context, tx gdb.TX) error {
		reserved, err := service.Quota().Reserve(ctx, f.uid, 1, 100)
		if err != nil {
			return err
		}
		conv, err = dao.Conversations.Ctx(ctx).Data(do.Conversations{UserId: f.uid, BusyUntil: busyUntil}).InsertAndGetId()
		if err != nil {
			return err
		}
		msg, err = dao.Messages.Ctx(ctx).Data(do.Messages{ConversationId: conv, Role: model.MessageRoleAssistant,
			Status: model.MessageStreaming, Model: "m", ReservedTokens: reserved}).InsertAndGetId()
		if err != nil {
			return err
		}
		return service.Quota().RecordReservation(ctx, f.uid, msg, "m", reserved)
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return conv, msg
}

func (f *fixture) exec(sql string, args ...any) {
	f.t.Helper()
	if _, err := g.DB().Exec(f.ctx, sql, args...); err != nil {
		f.t.Fatal(err)
	}
}

// settlements counts the settlement rows of a message.
func (f *fixture) settlements(msg int64) int {
	f.t.Helper()
	n, err := dao.UsageLedger.Ctx(f.ctx).Where(do.UsageLedger{MessageId: msg}).WhereNot("note", "reserve").Count()
	if err != nil {
		f.t.Fatal(err)
	}
	return n
}

func (f *fixture) status(msg int64) string {
	f.t.Helper()
	v, err := dao.Messages.Ctx(f.ctx).Where(do.Messages{Id: msg}).Value("status")
	if err != nil {
		f.t.Fatal(err)
	}
	return v.String()
}

// balanced asserts grants − charges + refunds == balance ≥ 0 for every
// user and returns the fixture user's balance.
func (f *fixture) balanced() int64 {
	f.t.Helper()
	return testutil.AssertLedger(f.t, f.ctx, f.uid)
}

// TestSweepSettlesOnlyWhatNobodyElseWill: a reply whose claim holds, and a
// deleted conversation's reply younger than a claim lasts, are left alone;
// the same once the claim expired, or the reservation is old, are refunded.
func TestSweepSettlesOnlyWhatNobodyElseWill(t *testing.T) {
	s := sweepService()
	f := newFixture(t, "sweep")
	if _, err := s.SettleStale(f.ctx); err != nil { // whatever other tests left
		t.Fatal(err)
	}
	future := time.Now().Add(time.Hour).UnixMilli()

	_, live := f.reply(future)
	_, crashed := f.reply(1) // claim expired: its process stopped
	orphanConv, orphan := f.reply(future)
	oldConv, oldOrphan := f.reply(future)
	// Conversations deleted as the service deletes them; one reservation
	// is older than any claim.
	for _, c := range []int64{orphanConv, oldConv} {
		f.exec("DELETE FROM messages WHERE conversation_id = ?", c)
		f.exec("DELETE FROM conversations WHERE id = ?", c)
	}
	f.exec("UPDATE usage_ledger SET created_at = '2000-01-01 00:00:00' WHERE message_id = ?", oldOrphan)
	if b := f.balanced(); b != 10000-400 {
		t.Fatalf("balance with four reservations %d", b)
	}

	if n, err := s.SettleStale(f.ctx); err != nil || n != 2 {
		t.Fatalf("first pass settled %d: %v", n, err)
	}
	for msg, want := range map[int64]int{live: 0, crashed: 1, orphan: 0, oldOrphan: 1} {
		if got := f.settlements(msg); got != want {
			t.Errorf("reply %d: %d settlements, want %d", msg, got, want)
		}
	}
	if st := f.status(crashed); st != model.MessageFailed {
		t.Errorf("crashed reply is %q", st)
	}
	if st := f.status(live); st != model.MessageStreaming {
		t.Errorf("live reply is %q", st)
	}
	if b := f.balanced(); b != 10000-200 {
		t.Fatalf("balance after the first pass %d", b)
	}
	if n, err := s.SettleStale(f.ctx); err != nil || n != 0 {
		t.Fatalf("second pass settled %d: %v", n, err)
	}

	// Time passes: the live reply's process stops, the orphan ages. The
	// cursor has not moved past them.
	f.exec("UPDATE conversations SET busy_until = 1")
	f.exec("UPDATE usage_ledger SET created_at = '2000-01-01 00:00:00' WHERE message_id = ?", orphan)
	if n, err := s.SettleStale(f.ctx); err != nil || n != 2 {
		t.Fatalf("third pass settled %d: %v", n, err)
	}
	if b := f.balanced(); b != 10000 {
		t.Fatalf("balance after every refund %d", b)
	}
	for _, msg := range []int64{live, crashed, orphan, oldOrphan} {
		if got := f.settlements(msg); got != 1 {
			t.Errorf("reply %d: %d settlements", msg, got)
		}
	}
	maxID, err := g.DB().GetValue(f.ctx, "SELECT max(id) FROM usage_ledger WHERE note = 'reserve'")
	if err != nil {
		t.Fatal(err)
	}
	if sweeper.cursor != maxID.Int64() {
		t.Errorf("cursor %d after everything was settled, want %d", sweeper.cursor, maxID.Int64())
	}
}

// TestConcurrentRefundsSettleOnce: settlers racing on one reservation (the
// sweeps of several instances) refund it once, whether its message still
// exists or went with its conversation.
func TestConcurrentRefundsSettleOnce(t *testing.T) {
	s := sweepService()
	f := newFixture(t, "race")
	for round := 0; round < 6; round++ {
		conv, msg := f.reply(1)
		if round%2 == 1 {
			f.exec("DELETE FROM messages WHERE conversation_id = ?", conv)
			f.exec("DELETE FROM conversations WHERE id = ?", conv)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		done := 0
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ok, err := s.refundAbandoned(f.ctx, f.uid, conv, msg, "m", 100)
				if err != nil {
					t.Error(err)
				}
				if ok {
					mu.Lock()
					done++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if done != 1 || f.settlements(msg) != 1 {
			t.Fatalf("round %d: %d settlers reported a refund, %d settlement rows", round, done, f.settlements(msg))
		}
	}
	if b := f.balanced(); b != 10000 {
		t.Fatalf("balance %d, want 10000", b)
	}
}
