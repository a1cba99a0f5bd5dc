// ================================================================================
// Code generated and maintained by GoFrame CLI tool. DO NOT EDIT.
// You can delete these comments if you wish manually maintain this interface file.
// ================================================================================

package service

import (
	"context"
	"gptbot/internal/model"

	"github.com/gogf/gf/v2/net/ghttp"
)

type (
	IOps interface {
		// RequestID gives every request an id, echoed in X-Request-Id: a sane
		// incoming one (from a proxy) is kept, anything else is replaced.
		RequestID(r *ghttp.Request)
		// Debug logs one line per request when debug.enabled is on: never a
		// password, API key, message text or session id (only a short hash of it).
		Debug(r *ghttp.Request)
		// Pprof serves net/http/pprof when debug is on, on its own loopback
		// listener (debug.pprofAddress), and only to a client connected directly
		// from loopback: a request that carries a proxy's forwarding headers is
		// refused even from a loopback peer, since a reverse proxy on the same host
		// connects from loopback on behalf of anyone. Everyone else gets a plain 404.
		Pprof(r *ghttp.Request)
		// Configure wires the limiter, policies, metrics and proxy trust.
		Configure(deps model.OpsDeps)
		// LimitAPI limits every API request per client IP.
		LimitAPI(r *ghttp.Request)
		// LimitAuth limits login and register per client IP.
		LimitAuth(r *ghttp.Request)
		// LimitChat limits model calls per logged-in user.
		LimitChat(r *ghttp.Request)
		// LoginGuard counts the outcome of every login. It reads nothing of the
		// request: the per-account budget is spent by PasswordCheck, after GoFrame
		// has bound the body, on exactly the username the handler checks (binding
		// matches keys case-insensitively and ignoring '_', '-' and spaces, merges
		// query and body, and picks among duplicates by its own rules).
		LoginGuard(r *ghttp.Request)
		// PasswordCheck runs check, one verification of a password guess for the
		// account whose username key is account, under the login-user budget. The
		// unit is spent before check runs, atomically in Redis, so a burst of
		// concurrent guesses never verifies more passwords than the budget; check
		// reports whether the guess was wrong, and when it was not (right password,
		// or no password verified at all) the unit is given back, so the real user
		// is not locked out by their own logins. Login and password change share the
		// budget: both are guesses at the same password.
		//
		// A spent budget is 429 with Retry-After and RateLimit headers; when Redis
		// cannot decide, 503 (fail closed, like the auth policy).
		PasswordCheck(ctx context.Context, account string, check func(ctx context.Context) (wrong bool, err error)) error
	}
)

var (
	localOps IOps
)

func Ops() IOps {
	if localOps == nil {
		panic("implement not found for interface IOps, forgot register?")
	}
	return localOps
}

func RegisterOps(i IOps) {
	localOps = i
}
