// ================================================================================
// Code generated and maintained by GoFrame CLI tool. DO NOT EDIT.
// You can delete these comments if you wish manually maintain this interface file.
// ================================================================================

package service

import (
	"context"
	"gptbot/internal/model"
	"gptbot/internal/model/entity"
	"time"
)

type (
	IQuota interface {
		// Reserve debits up to want tokens, but never more than the balance, and
		// at least minimum: a balance below minimum is 402. It returns the amount
		// reserved. Each attempt is one atomic, guarded UPDATE; run it as the first
		// statement of the caller's transaction (SQLite then takes the write lock
		// at once and the follow-up read is consistent) together with
		// RecordReservation.
		Reserve(ctx context.Context, uid int64, minimum int64, want int64) (int64, error)
		// RecordReservation writes the ledger row of a reservation (same
		// transaction as Reserve).
		RecordReservation(ctx context.Context, uid int64, messageId int64, modelId string, reserved int64) error
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
		Settle(ctx context.Context, st model.Settlement) (charged int64, ok bool, err error)
		// OpenReservations returns up to limit reservations with a ledger id above
		// after that have no settlement yet, oldest first: the ledger is the record
		// of what is still reserved, whatever became of the message.
		OpenReservations(ctx context.Context, after int64, limit int) ([]entity.UsageLedger, error)
		// LastReservationBefore is the highest ledger id of a reservation above
		// after that was recorded before t (0 when there is none).
		LastReservationBefore(ctx context.Context, after int64, t time.Time) (int64, error)
		// Balance is a user's current token balance.
		Balance(ctx context.Context, uid int64) (int64, error)
		// Usage reports a user's usage per day over the last days days (today
		// included), every day present, oldest first.
		Usage(ctx context.Context, uid int64, days int) (*model.UsageReport, error)
	}
)

var (
	localQuota IQuota
)

func Quota() IQuota {
	if localQuota == nil {
		panic("implement not found for interface IQuota, forgot register?")
	}
	return localQuota
}

func RegisterQuota(i IQuota) {
	localQuota = i
}
