// ================================================================================
// Code generated and maintained by GoFrame CLI tool. DO NOT EDIT.
// You can delete these comments if you wish manually maintain this interface file.
// ================================================================================

package service

import (
	"context"
	"gptbot/internal/model"
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
		// counts) and returns the tokens finally charged for the message. Run it in
		// the caller's transaction, after a write.
		Settle(ctx context.Context, st model.Settlement) (charged int64, err error)
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
