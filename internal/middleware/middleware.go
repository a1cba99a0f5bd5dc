// Package middleware holds the request pipeline, one concern per file:
// the response envelope, security headers and the cross-site check, the
// body guard, session and auth, rate limits, the drain guard of replies,
// request ids, the debug log and pprof. internal/router puts them in order.
package middleware

import (
	"net/http"

	"gptbot/internal/library/clientip"
	"gptbot/internal/library/metrics"
	"gptbot/internal/library/ratelimit"
)

// Deps is what the middleware is built with at boot.
type Deps struct {
	Limiter  *ratelimit.Limiter
	Policies map[string]ratelimit.Policy
	Metrics  *metrics.Metrics
	IPs      *clientip.Resolver
	Debug    bool
}

// Middleware holds the handlers; build it with New.
type Middleware struct {
	deps        Deps
	crossOrigin *http.CrossOriginProtection
}

// New returns the middleware wired with deps.
func New(deps Deps) *Middleware {
	return &Middleware{deps: deps, crossOrigin: http.NewCrossOriginProtection()}
}
