// Package consts holds names shared across layers.
package consts

// Account roles (users.role): what an account may do. Not to be confused with
// the roles of chat messages (model.MessageRole*).
const (
	AccountRoleUser  = "user"
	AccountRoleAdmin = "admin"
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
