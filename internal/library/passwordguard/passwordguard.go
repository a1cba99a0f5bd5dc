// Package passwordguard bounds password guesses per account: every check
// of a password (a login, a password change) spends one unit of the
// login-user budget in Redis first.
package passwordguard

import (
	"context"
	"net/http"

	"github.com/gogf/gf/v2/frame/g"

	"gptbot/internal/library/httperr"
	"gptbot/internal/library/ratelimit"
)

// Guard spends policy's budget on limiter; onLimited counts each refusal
// (a metric). A nil *Guard refuses every check (503): no budget, no check.
type Guard struct {
	limiter   *ratelimit.Limiter
	policy    ratelimit.Policy
	onLimited func(policy string)
}

// New returns a guard spending policy on limiter.
func New(limiter *ratelimit.Limiter, policy ratelimit.Policy, onLimited func(policy string)) *Guard {
	return &Guard{limiter: limiter, policy: policy, onLimited: onLimited}
}

// Check runs check, one verification of a password guess for the account
// whose username key is account, under the budget. The unit is spent
// before check runs, atomically in Redis, so a burst of concurrent guesses
// never verifies more passwords than the budget; check reports whether the
// guess was wrong, and when it was not (right password, or no password
// verified at all) the unit is given back, so the real user is not locked
// out by their own logins. Login and password change share the budget:
// both are guesses at the same password.
//
// A spent budget is 429 with Retry-After and RateLimit headers; when Redis
// cannot decide, 503 (fail closed, like the auth policy).
func (pg *Guard) Check(ctx context.Context, account string, check func(ctx context.Context) (wrong bool, err error)) error {
	if pg == nil || pg.limiter == nil {
		return httperr.New(httperr.Unavailable, "rate limiting is not configured")
	}
	d, err := pg.limiter.Allow(ctx, pg.policy, account)
	if err != nil {
		return httperr.Wrap(httperr.Unavailable, err, "rate limiting is unavailable; try again shortly")
	}
	h := responseHeader(ctx)
	ratelimit.WriteHeaders(h, pg.policy, d)
	if !d.Allowed {
		if pg.onLimited != nil {
			pg.onLimited(pg.policy.Name)
		}
		return httperr.New(httperr.TooManyRequests,
			"too many failed password attempts; retry in "+h.Get("Retry-After")+" s")
	}
	wrong, err := check(ctx)
	if !wrong {
		// The client may be gone; the unit must come back anyway.
		if rerr := pg.limiter.Refund(context.WithoutCancel(ctx), pg.policy, account, 1); rerr != nil {
			g.Log().Warningf(ctx, "rate limit %s not refunded: %v", pg.policy.Name, rerr)
		}
	}
	return err
}

// responseHeader is the header of the request ctx serves, so the client
// sees the budget; outside a request (a test, the CLI) a scratch one.
func responseHeader(ctx context.Context) http.Header {
	if r := g.RequestFromCtx(ctx); r != nil {
		return r.Response.Header()
	}
	return http.Header{}
}
