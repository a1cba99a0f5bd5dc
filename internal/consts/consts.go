// Package consts holds names shared across layers.
package consts

// User roles.
const (
	RoleUser  = "user"
	RoleAdmin = "admin"
)

// Ledger entry kinds.
const (
	LedgerGrant  = "grant"
	LedgerCharge = "charge"
	LedgerRefund = "refund"
)

// Request context keys.
const (
	CtxUser      = "gptbot.user"      // *entity.Users of the logged-in user
	CtxRequestID = "gptbot.requestId" // string, also sent as X-Request-Id
)
