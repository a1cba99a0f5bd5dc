package quota

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/gogf/gf/v2/database/gdb"
	"github.com/gogf/gf/v2/frame/g"
	"github.com/gogf/gf/v2/os/gtime"

	"gptbot/internal/consts"
	"gptbot/internal/dao"
	"gptbot/internal/library/httperr"
	"gptbot/internal/model"
	"gptbot/internal/model/do"
	"gptbot/internal/model/entity"
)

// ledgerRows are the ledger rows of one message, oldest first.
func ledgerRows(t *testing.T, ctx context.Context, messageId int64) []entity.UsageLedger {
	t.Helper()
	var rows []entity.UsageLedger
	if err := dao.UsageLedger.Ctx(ctx).Where(do.UsageLedger{MessageId: messageId}).
		OrderAsc(dao.UsageLedger.Columns().Id).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	return rows
}

// tryReserve reserves in a transaction as the chat service does and
// returns the amount reserved or the error.
func tryReserve(ctx context.Context, q *sQuota, uid, messageId, minimum, want int64) (got int64, err error) {
	err = dao.UsageLedger.Transaction(ctx, func(ctx context.Context, tx gdb.TX) error {
		if got, err = q.Reserve(ctx, uid, minimum, want); err != nil {
			return err
		}
		return q.RecordReservation(ctx, uid, messageId, "m", got)
	})
	return got, err
}

// TestReserve: Reserve takes what is wanted, at least the minimum, never
// more than the balance, and refuses a balance below the minimum with 402
// and nothing written.
func TestReserve(t *testing.T) {
	ctx := context.Background()
	q := New()
	for _, tc := range []struct {
		name                   string
		balance, minimum, want int64
		reserved               int64 // 0: refused with 402
	}{
		{"plenty", 1000, 10, 100, 100},
		{"all of it", 100, 10, 100, 100},
		{"less than wanted", 50, 10, 100, 50},
		{"exactly the minimum", 10, 10, 100, 10},
		{"below the minimum", 9, 10, 100, 0},
		{"nothing left", 0, 1, 5, 0},
		{"want below the minimum takes the minimum", 1000, 30, 5, 30},
		{"want below the minimum, balance too", 20, 30, 5, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			uid := newUser(t, ctx, "reserve", tc.balance)
			mid := nextID()
			got, err := tryReserve(ctx, q, uid, mid, tc.minimum, tc.want)
			rows := ledgerRows(t, ctx, mid)
			if tc.reserved == 0 {
				if !httperr.IsCode(err, httperr.PaymentRequired) {
					t.Fatalf("reserved %d, err %v; want 402", got, err)
				}
				if len(rows) != 0 {
					t.Errorf("a refused reservation wrote %+v", rows)
				}
			} else {
				if err != nil || got != tc.reserved {
					t.Fatalf("reserved %d, %v; want %d", got, err, tc.reserved)
				}
				if len(rows) != 1 || rows[0].Kind != consts.LedgerCharge || rows[0].Tokens != got ||
					rows[0].Note != noteReserve || rows[0].PromptTokens != 0 || rows[0].CompletionTokens != 0 {
					t.Errorf("reservation rows %+v", rows)
				}
			}
			if b := assertLedger(t, ctx, uid); b != tc.balance-tc.reserved {
				t.Errorf("balance %d, want %d", b, tc.balance-tc.reserved)
			}
		})
	}
}

// TestConcurrentReservesNeverOverdraw: many replies reserving at once from
// one balance take all of it and not a token more.
func TestConcurrentReservesNeverOverdraw(t *testing.T) {
	ctx := context.Background()
	q := New()
	const balance, want, minimum, callers = 1050, 100, 10, 16
	uid := newUser(t, ctx, "concurrent", balance)
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		total   int64
		granted int
		refused int
	)
	for i := 0; i < callers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := tryReserve(ctx, q, uid, nextID(), minimum, want)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil && got >= minimum && got <= want:
				total += got
				granted++
			case httperr.IsCode(err, httperr.PaymentRequired):
				refused++
			default:
				t.Errorf("reserved %d: %v", got, err)
			}
		}()
	}
	wg.Wait()
	// Ten full reservations and one of the last 50 tokens; the rest refused.
	if total != balance || granted != balance/want+1 || refused != callers-granted {
		t.Errorf("reserved %d tokens in %d reservations, %d refused", total, granted, refused)
	}
	if b := assertLedger(t, ctx, uid); b != 0 {
		t.Errorf("balance %d, want 0", b)
	}
}

// TestSettle: a settlement writes exactly one row carrying the real token
// counts: a refund of the unused part (zero when usage equals the
// reservation), or a charge of the excess, capped at the balance and noted
// when the balance ran out.
func TestSettle(t *testing.T) {
	ctx := context.Background()
	q := New()
	for _, tc := range []struct {
		name                        string
		balance, want               int64 // reserved: min(want, balance)
		prompt, completion          int64
		estimated                   bool
		kind                        string
		tokens, charged, balanceEnd int64
		note                        string
	}{
		{"under", 1000, 100, 30, 10, false, consts.LedgerRefund, 60, 40, 960, noteSettle},
		{"nothing used", 1000, 100, 0, 0, false, consts.LedgerRefund, 100, 0, 1000, noteSettle},
		{"exactly", 1000, 100, 70, 30, true, consts.LedgerRefund, 0, 100, 900, noteSettle},
		{"over, balance enough", 1000, 100, 120, 30, false, consts.LedgerCharge, 50, 150, 850, noteSettle},
		{"over, balance short", 120, 100, 120, 30, false, consts.LedgerCharge, 20, 120, 0,
			noteSettle + ": balance exhausted, 30 tokens not charged"},
		{"over, balance zero", 100, 100, 100, 30, false, consts.LedgerCharge, 0, 100, 0,
			noteSettle + ": balance exhausted, 30 tokens not charged"},
		{"over, balance exactly enough", 150, 100, 100, 50, false, consts.LedgerCharge, 50, 150, 0, noteSettle},
	} {
		t.Run(tc.name, func(t *testing.T) {
			uid := newUser(t, ctx, "settle", tc.balance)
			mid := nextID()
			reserved, err := tryReserve(ctx, q, uid, mid, 1, tc.want)
			if err != nil {
				t.Fatal(err)
			}
			assertLedger(t, ctx, uid)
			charged, ok, err := settle(t, ctx, q, model.Settlement{UserId: uid, MessageId: mid, Model: "gpt-x",
				Reserved: reserved, PromptTokens: tc.prompt, CompletionTokens: tc.completion, Estimated: tc.estimated})
			if err != nil || !ok || charged != tc.charged {
				t.Fatalf("settled: charged %d, ok %v, %v; want %d", charged, ok, err, tc.charged)
			}
			rows := ledgerRows(t, ctx, mid)
			if len(rows) != 2 {
				t.Fatalf("ledger rows of the message: %+v", rows)
			}
			if r := rows[0]; r.Note != noteReserve || r.Tokens != reserved {
				t.Errorf("reservation row changed: %+v", r)
			}
			r := rows[1]
			if r.Kind != tc.kind || r.Tokens != tc.tokens || r.Note != tc.note || r.Model != "gpt-x" ||
				r.PromptTokens != tc.prompt || r.CompletionTokens != tc.completion || r.Estimated != tc.estimated ||
				r.UserId != uid {
				t.Errorf("settlement row %+v, want %s of %d noted %q", r, tc.kind, tc.tokens, tc.note)
			}
			// What the ledger charged for the message is what Settle said.
			if net := rows[0].Tokens + signed(rows[1]); net != charged {
				t.Errorf("ledger charged %d for the message, Settle said %d", net, charged)
			}
			if b := assertLedger(t, ctx, uid); b != tc.balanceEnd {
				t.Errorf("balance %d, want %d", b, tc.balanceEnd)
			}
		})
	}
}

// signed is a row's charge to the balance: positive for a charge.
func signed(r entity.UsageLedger) int64 {
	if r.Kind == consts.LedgerCharge {
		return r.Tokens
	}
	return -r.Tokens
}

// TestExtraChargeCappedAtBalanceSpentMeanwhile: the balance a settlement
// finds is what is left after other replies reserved, not what the user
// had when this reply reserved; the extra charge takes what is left.
func TestExtraChargeCappedAtBalanceSpentMeanwhile(t *testing.T) {
	ctx := context.Background()
	q := New()
	uid := newUser(t, ctx, "meanwhile", 300)
	first, second := nextID(), nextID()
	r1 := reserve(t, ctx, q, uid, first, 100)
	r2 := reserve(t, ctx, q, uid, second, 180) // 20 left
	assertLedger(t, ctx, uid)
	charged, ok, err := settle(t, ctx, q, model.Settlement{UserId: uid, MessageId: first, Model: "m",
		Reserved: r1, PromptTokens: 200, CompletionTokens: 0})
	if err != nil || !ok || charged != 120 {
		t.Fatalf("first: charged %d, ok %v, %v; want 120", charged, ok, err)
	}
	if b := assertLedger(t, ctx, uid); b != 0 {
		t.Fatalf("balance %d after the capped charge", b)
	}
	// The second reply used less than it reserved: the refund is intact.
	charged, ok, err = settle(t, ctx, q, model.Settlement{UserId: uid, MessageId: second, Model: "m",
		Reserved: r2, PromptTokens: 80, CompletionTokens: 0})
	if err != nil || !ok || charged != 80 {
		t.Fatalf("second: charged %d, ok %v, %v; want 80", charged, ok, err)
	}
	if b := assertLedger(t, ctx, uid); b != 100 {
		t.Fatalf("balance %d, want 100", b)
	}
}

// grant adds tokens to a user's balance as an administrator's grant does
// and returns the ledger row's id.
func grant(t *testing.T, ctx context.Context, uid, tokens int64) (id int64) {
	t.Helper()
	err := dao.Users.Transaction(ctx, func(ctx context.Context, tx gdb.TX) error {
		if _, err := dao.Users.Ctx(ctx).Where(do.Users{Id: uid}).
			Increment(dao.Users.Columns().TokenBalance, tokens); err != nil {
			return err
		}
		var err error
		id, err = dao.UsageLedger.Ctx(ctx).Data(do.UsageLedger{UserId: uid, Kind: consts.LedgerGrant,
			Tokens: tokens, Note: "test grant"}).InsertAndGetId()
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestUsage: the report has every day of the range, oldest first; per day
// it counts what was charged net of refunds (an open reservation included),
// the real token counts, each settled request once, and grants apart;
// rows of other users and of older days are left out.
func TestUsage(t *testing.T) {
	ctx := context.Background()
	q := New()
	uid := newUser(t, ctx, "usage", 0)
	other := newUser(t, ctx, "usage-other", 1000)
	now := time.Now()
	noon := time.Date(now.Year(), now.Month(), now.Day(), 12, 0, 0, 0, now.Location())
	cols := dao.UsageLedger.Columns()
	// date puts ledger rows at noon, daysAgo days ago.
	date := func(daysAgo int, where any) {
		t.Helper()
		if _, err := dao.UsageLedger.Ctx(ctx).Where(where).
			Data(do.UsageLedger{CreatedAt: gtime.NewFromTime(noon.AddDate(0, 0, -daysAgo))}).Update(); err != nil {
			t.Fatal(err)
		}
	}
	// request reserves want tokens for a new message and, unless open,
	// settles it with the usage given, daysAgo days ago.
	request := func(user, want, prompt, completion int64, daysAgo int, open bool) {
		t.Helper()
		mid := nextID()
		r := reserve(t, ctx, q, user, mid, want)
		if !open {
			if _, ok, err := settle(t, ctx, q, model.Settlement{UserId: user, MessageId: mid, Model: "m",
				Reserved: r, PromptTokens: prompt, CompletionTokens: completion}); err != nil || !ok {
				t.Fatalf("settle: ok %v, %v", ok, err)
			}
		}
		date(daysAgo, do.UsageLedger{MessageId: mid})
		assertLedger(t, ctx, user)
	}
	date(0, g.Map{cols.UserId: uid}) // the sign-up grant of 0 tokens
	date(9, do.UsageLedger{Id: grant(t, ctx, uid, 5000)})
	date(3, do.UsageLedger{Id: grant(t, ctx, uid, 700)})
	date(1, do.UsageLedger{Id: grant(t, ctx, uid, 500)})
	request(uid, 100, 40, 40, 9, false)  // before the range
	request(uid, 100, 30, 20, 3, false)  // a refund of 50
	request(uid, 100, 150, 0, 3, false)  // an extra charge of 50
	request(other, 100, 99, 1, 3, false) // another user's
	request(uid, 60, 60, 0, 0, false)    // exactly the reservation
	request(uid, 100, 0, 0, 0, true)     // still open

	want := map[int]model.UsageDay{ // by days ago
		3: {Requests: 2, PromptTokens: 180, CompletionTokens: 20, Tokens: 50 + 150, Granted: 700},
		1: {Granted: 500},
		0: {Requests: 1, PromptTokens: 60, Tokens: 60 + 100},
	}
	for _, days := range []int{7, 1} {
		rep, err := q.Usage(ctx, uid, days)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Days != days || len(rep.Daily) != days {
			t.Fatalf("%d days: report of %d days, %d rows", days, rep.Days, len(rep.Daily))
		}
		var total model.UsageDay
		for i, d := range rep.Daily {
			ago := days - 1 - i
			if wantDate := noon.AddDate(0, 0, -ago).Format(time.DateOnly); d.Date != wantDate {
				t.Errorf("%d days: row %d is %s, want %s", days, i, d.Date, wantDate)
			}
			w := want[ago]
			w.Date = d.Date
			if d != w {
				t.Errorf("%d days: %s is %+v, want %+v", days, d.Date, d, w)
			}
			total.Requests += w.Requests
			total.PromptTokens += w.PromptTokens
			total.CompletionTokens += w.CompletionTokens
			total.Tokens += w.Tokens
			total.Granted += w.Granted
		}
		if rep.Total != total {
			t.Errorf("%d days: total %+v, want %+v", days, rep.Total, total)
		}
		if b := assertLedger(t, ctx, uid); rep.Balance != b {
			t.Errorf("%d days: balance %d, ledger says %d", days, rep.Balance, b)
		}
	}
}
