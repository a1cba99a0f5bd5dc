package middleware

import (
	"net/http"
	"strconv"

	"github.com/gogf/gf/v2/frame/g"
	"github.com/gogf/gf/v2/net/ghttp"

	"gptbot/internal/config"
	"gptbot/internal/library/envelope"
	"gptbot/internal/library/metrics"
	"gptbot/internal/library/ratelimit"
	"gptbot/internal/service"
)

// When Redis cannot decide, the auth and chat limits fail closed (503):
// letting password guessing or paid model calls through unmetered is worse
// than refusing. The api limit fails open: it guards capacity, and every
// route that needs Redis answers 503 on its own. Each limit guards exactly
// the routes the router puts it on.

// LimitAPI limits every API request per client IP.
func (m *Middleware) LimitAPI(r *ghttp.Request) {
	m.limit(config.PolicyAPI, m.clientIP, false)(r)
}

// LimitAuth limits login and register per client IP.
func (m *Middleware) LimitAuth(r *ghttp.Request) {
	m.limit(config.PolicyAuth, m.clientIP, true)(r)
}

// LimitChat limits model calls per logged-in user.
func (m *Middleware) LimitChat(r *ghttp.Request) {
	m.limit(config.PolicyChat, func(r *ghttp.Request) (string, bool) {
		uid := service.Session().UserId(r.Context())
		return strconv.FormatInt(uid, 10), uid != 0
	}, true)(r)
}

func (m *Middleware) clientIP(r *ghttp.Request) (string, bool) {
	return m.deps.IPs.ClientIP(r.Request), true
}

func (m *Middleware) limit(name string, key func(*ghttp.Request) (string, bool), failClosed bool) ghttp.HandlerFunc {
	p := m.deps.Policies[name]
	return ratelimit.Middleware(m.deps.Limiter, p, key,
		func(r *ghttp.Request, _ ratelimit.Decision) { m.limited(r, p) },
		func(r *ghttp.Request, err error) {
			g.Log().Warningf(r.Context(), "rate limit %s undecided: %v", p.Name, err)
			if failClosed {
				envelope.Error(r, http.StatusServiceUnavailable, "rate limiting is unavailable; try again shortly")
				return
			}
			r.Middleware.Next()
		})
}

// limited answers a denial; ratelimit.Middleware has set Retry-After.
func (m *Middleware) limited(r *ghttp.Request, p ratelimit.Policy) {
	m.deps.Metrics.RateLimited(p.Name)
	if p.Name == config.PolicyAuth {
		m.deps.Metrics.Login(metrics.LoginRateLimited)
	}
	envelope.Error(r, http.StatusTooManyRequests,
		"too many requests; retry in "+r.Response.Header().Get("Retry-After")+" s")
}
