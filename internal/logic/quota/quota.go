// Package quota keeps token balances honest: reserve before a model call,
// settle to the real usage after it, and report usage.
//
// Every change of users.token_balance is written together with one ledger
// row in the same transaction, so for every user, at all times,
//
//	sum(grant) − sum(charge) + sum(refund) == token_balance
//
// A reservation is a charge row (tokens = what was reserved); settling
// writes a refund row for the unused part (or, when the real usage exceeds
// the reservation, a charge row for the difference, capped at the balance).
// The settlement row carries the real prompt and completion tokens; the
// reservation row carries none, so summing prompt/completion over all rows
// gives real usage. The balance never goes negative: every debit is one
// guarded UPDATE (… WHERE token_balance >= amount), and the column has a
// CHECK constraint besides.
//
// A reservation row (note "reserve") without a settlement row for its
// message is a reservation still open; the unique index
// usage_ledger_settlement allows one settlement per message.
package quota

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/gogf/gf/v2/errors/gerror"

	"gptbot/internal/consts"
	"gptbot/internal/dao"
	"gptbot/internal/library/httperr"
	"gptbot/internal/model"
	"gptbot/internal/model/do"
	"gptbot/internal/model/entity"
)

type sQuota struct{}

// New returns the quota service.
func New() *sQuota {
	return &sQuota{}
}

// Ledger notes of chat rows.
const (
	noteReserve = "reserve"
	noteSettle  = "settle"
)

// maxReserveAttempts bounds the optimistic loop in Reserve. Inside a
// SQLite transaction the second attempt always succeeds (the first UPDATE
// took the write lock); elsewhere every failed attempt means another
// request's debit succeeded, so a few attempts always suffice in practice.
const maxReserveAttempts = 16

// Reserve debits up to want tokens, but never more than the balance, and
// at least minimum: a balance below minimum is 402. It returns the amount
// reserved. Each attempt is one atomic, guarded UPDATE; run it as the first
// statement of the caller's transaction (SQLite then takes the write lock
// at once and the follow-up read is consistent) together with
// RecordReservation.
func (s *sQuota) Reserve(ctx context.Context, uid, minimum, want int64) (int64, error) {
	if want < minimum {
		want = minimum
	}
	cols := dao.Users.Columns()
	amount := want
	for attempt := 0; attempt < maxReserveAttempts; attempt++ {
		res, err := dao.Users.Ctx(ctx).
			Where(do.Users{Id: uid}).
			WhereGTE(cols.TokenBalance, amount).
			Decrement(cols.TokenBalance, amount)
		if err != nil {
			return 0, gerror.Wrap(err, "reserve tokens")
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return amount, nil
		}
		balance, err := s.Balance(ctx, uid)
		if err != nil {
			return 0, err
		}
		if balance < minimum {
			return 0, httperr.New(httperr.PaymentRequired, fmt.Sprintf(
				"token balance exhausted: this message needs at least %d tokens and your balance is %d", minimum, balance))
		}
		amount = min(want, balance)
	}
	return 0, httperr.New(httperr.Conflict, "the token balance is changing too fast, please try again")
}

// RecordReservation writes the ledger row of a reservation (same
// transaction as Reserve).
func (s *sQuota) RecordReservation(ctx context.Context, uid, messageId int64, modelId string, reserved int64) error {
	_, err := dao.UsageLedger.Ctx(ctx).Data(do.UsageLedger{
		UserId: uid, Kind: consts.LedgerCharge, Tokens: reserved, Model: modelId,
		PromptTokens: 0, CompletionTokens: 0, Estimated: true, MessageId: messageId, Note: noteReserve,
	}).Insert()
	return gerror.Wrap(err, "record reservation")
}

// Settle turns a reservation into the real charge: refunds the unused part,
// or debits usage above the reservation as far as the balance allows. It
// writes exactly one ledger row (refund or charge, carrying the real token
// counts) and returns the tokens finally charged for the message.
//
// A reservation is settled once: when the message has a settlement row
// already (another instance's sweep, say), Settle writes nothing and
// returns ok false. Run it in the caller's transaction after a write, so
// that the check and the settlement are one step (SQLite: the write took
// the lock); the unique index usage_ledger_settlement backs it where locks
// do not serialise.
func (s *sQuota) Settle(ctx context.Context, st model.Settlement) (charged int64, ok bool, err error) {
	cols := dao.UsageLedger.Columns()
	n, err := dao.UsageLedger.Ctx(ctx).Where(do.UsageLedger{MessageId: st.MessageId}).
		WhereNot(cols.Note, noteReserve).Count()
	if err != nil {
		return 0, false, gerror.Wrap(err, "check settlement")
	}
	if n > 0 {
		return 0, false, nil
	}
	// The caller validates usage; whatever slips through must still never
	// turn a charge into a refund or put a negative count in the ledger.
	prompt, completion := max(st.PromptTokens, 0), max(st.CompletionTokens, 0)
	used := prompt + completion
	if used < prompt { // overflow
		used = math.MaxInt64
	}
	row := do.UsageLedger{
		UserId: st.UserId, Model: st.Model, PromptTokens: prompt, CompletionTokens: completion,
		Estimated: st.Estimated, MessageId: st.MessageId, Note: noteSettle,
	}
	ucols := dao.Users.Columns()
	switch {
	case used <= st.Reserved:
		refund := st.Reserved - used
		if refund > 0 {
			if _, err = dao.Users.Ctx(ctx).Where(do.Users{Id: st.UserId}).Increment(ucols.TokenBalance, refund); err != nil {
				return 0, false, gerror.Wrap(err, "refund tokens")
			}
		}
		row.Kind, row.Tokens = consts.LedgerRefund, refund
		charged = used
	default:
		// The prompt estimate was low (another tokenizer, say): charge the
		// difference, as far as the balance goes.
		extra, err := s.debitUpTo(ctx, st.UserId, used-st.Reserved)
		if err != nil {
			return 0, false, err
		}
		row.Kind, row.Tokens = consts.LedgerCharge, extra
		if short := used - st.Reserved - extra; short > 0 {
			row.Note = fmt.Sprintf("%s: balance exhausted, %d tokens not charged", noteSettle, short)
		}
		charged = st.Reserved + extra
	}
	if _, err = dao.UsageLedger.Ctx(ctx).Data(row).Insert(); err != nil {
		return 0, false, gerror.Wrap(err, "record settlement")
	}
	return charged, true, nil
}

// OpenReservations returns up to limit reservations with a ledger id above
// after that have no settlement yet, oldest first: the ledger is the record
// of what is still reserved, whatever became of the message.
func (s *sQuota) OpenReservations(ctx context.Context, after int64, limit int) ([]entity.UsageLedger, error) {
	cols := dao.UsageLedger.Columns()
	table := dao.UsageLedger.Table()
	var rows []entity.UsageLedger
	err := dao.UsageLedger.Ctx(ctx).As("r").
		Where("r."+cols.Note, noteReserve).
		WhereGT("r."+cols.Id, after).
		Where(fmt.Sprintf("NOT EXISTS (SELECT 1 FROM %s s WHERE s.%s = r.%s AND s.%s <> ?)",
			table, cols.MessageId, cols.MessageId, cols.Note), noteReserve).
		OrderAsc("r." + cols.Id).Limit(limit).Scan(&rows)
	if err != nil {
		return nil, gerror.Wrap(err, "find open reservations")
	}
	return rows, nil
}

// LastReservationBefore is the highest ledger id of a reservation above
// after that was recorded before t (0 when there is none).
func (s *sQuota) LastReservationBefore(ctx context.Context, after int64, t time.Time) (int64, error) {
	cols := dao.UsageLedger.Columns()
	v, err := dao.UsageLedger.Ctx(ctx).
		Where(do.UsageLedger{Note: noteReserve}).
		WhereGT(cols.Id, after).
		WhereLT(cols.CreatedAt, t.Format(time.DateTime)).
		Fields("MAX(" + cols.Id + ")").Value()
	if err != nil {
		return 0, gerror.Wrap(err, "find old reservations")
	}
	return v.Int64(), nil
}

// debitUpTo takes min(amount, balance) with a guarded UPDATE and returns it.
func (s *sQuota) debitUpTo(ctx context.Context, uid, amount int64) (int64, error) {
	cols := dao.Users.Columns()
	for attempt := 0; attempt < maxReserveAttempts; attempt++ {
		balance, err := s.Balance(ctx, uid)
		if err != nil {
			return 0, err
		}
		take := min(amount, balance)
		if take <= 0 {
			return 0, nil
		}
		res, err := dao.Users.Ctx(ctx).Where(do.Users{Id: uid}).WhereGTE(cols.TokenBalance, take).
			Decrement(cols.TokenBalance, take)
		if err != nil {
			return 0, gerror.Wrap(err, "charge tokens")
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return take, nil
		}
	}
	return 0, nil // could not catch the balance: charge nothing more rather than block settlement
}

// Balance is a user's current token balance.
func (s *sQuota) Balance(ctx context.Context, uid int64) (int64, error) {
	v, err := dao.Users.Ctx(ctx).Where(do.Users{Id: uid}).Value(dao.Users.Columns().TokenBalance)
	if err != nil {
		return 0, gerror.Wrap(err, "read balance")
	}
	if v.IsNil() {
		return 0, httperr.New(httperr.NotFound, "user not found")
	}
	return v.Int64(), nil
}

// Usage reports a user's usage per day over the last days days (today
// included), every day present, oldest first.
func (s *sQuota) Usage(ctx context.Context, uid int64, days int) (*model.UsageReport, error) {
	now := time.Now()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	from := today.AddDate(0, 0, -(days - 1))
	cols := dao.UsageLedger.Columns()
	var rows []entity.UsageLedger
	err := dao.UsageLedger.Ctx(ctx).
		Fields(cols.Kind, cols.Tokens, cols.PromptTokens, cols.CompletionTokens, cols.MessageId, cols.Note, cols.CreatedAt).
		Where(do.UsageLedger{UserId: uid}).
		WhereGTE(cols.CreatedAt, from.Format(time.DateTime)).
		Scan(&rows)
	if err != nil {
		return nil, gerror.Wrap(err, "read usage")
	}
	report := &model.UsageReport{Days: days, Daily: make([]model.UsageDay, days)}
	index := map[string]int{}
	for i := range report.Daily {
		d := from.AddDate(0, 0, i).Format(time.DateOnly)
		report.Daily[i].Date = d
		index[d] = i
	}
	for _, r := range rows {
		if r.CreatedAt == nil {
			continue
		}
		i, ok := index[r.CreatedAt.Time.In(now.Location()).Format(time.DateOnly)]
		if !ok {
			continue
		}
		d := &report.Daily[i]
		switch r.Kind {
		case consts.LedgerGrant:
			d.Granted += r.Tokens
			continue
		case consts.LedgerCharge:
			d.Tokens += r.Tokens
		case consts.LedgerRefund:
			d.Tokens -= r.Tokens
		}
		d.PromptTokens += r.PromptTokens
		d.CompletionTokens += r.CompletionTokens
		if r.Note != noteReserve && r.MessageId != 0 {
			d.Requests++ // one settlement row per answered request
		}
	}
	for _, d := range report.Daily {
		t := &report.Total
		t.Requests += d.Requests
		t.PromptTokens += d.PromptTokens
		t.CompletionTokens += d.CompletionTokens
		t.Tokens += d.Tokens
		t.Granted += d.Granted
	}
	balance, err := s.Balance(ctx, uid)
	if err != nil {
		return nil, err
	}
	report.Balance = balance
	return report, nil
}
