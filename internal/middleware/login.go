package middleware

import (
	"net/http"

	"github.com/gogf/gf/v2/net/ghttp"

	"gptbot/internal/library/httperr"
	"gptbot/internal/library/metrics"
)

// LoginOutcome counts the outcome of every login (the router puts it on
// the login route only). It reads nothing of the request: the per-account
// budget is spent by the user service, after GoFrame has bound the body,
// on exactly the username the handler checks (binding matches keys
// case-insensitively and ignoring '_', '-' and spaces, merges query and
// body, and picks among duplicates by its own rules).
func (m *Middleware) LoginOutcome(r *ghttp.Request) {
	r.Middleware.Next()

	switch status := loginStatus(r); status {
	case http.StatusOK:
		m.deps.Metrics.Login(metrics.LoginSuccess)
	case http.StatusUnauthorized, http.StatusBadRequest:
		m.deps.Metrics.Login(metrics.LoginFailed)
	case http.StatusForbidden:
		m.deps.Metrics.Login(metrics.LoginDisabled)
	case http.StatusTooManyRequests:
		m.deps.Metrics.Login(metrics.LoginRateLimited)
	default:
		m.deps.Metrics.Login(metrics.LoginError)
	}
}

// loginStatus is the status the login will answer with, whether or not the
// Response middleware has rendered it yet.
func loginStatus(r *ghttp.Request) int {
	if err := r.GetError(); err != nil {
		status, _, _ := httperr.Resolve(err)
		return status
	}
	if r.Response.Status != 0 {
		return r.Response.Status
	}
	return http.StatusOK
}
