package ops

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/gogf/gf/v2/frame/g"
	"github.com/gogf/gf/v2/net/ghttp"

	"gptbot/internal/config"
	"gptbot/internal/library/envelope"
	"gptbot/internal/library/httperr"
	"gptbot/internal/library/metrics"
	"gptbot/internal/library/ratelimit"
	"gptbot/internal/service"
)

// When Redis cannot decide, the auth, login-user and chat limits fail closed
// (503): letting password guessing or paid model calls through unmetered is
// worse than refusing. The api limit fails open: it guards capacity, and
// every route that needs Redis answers 503 on its own.

// LimitAPI limits every API request per client IP.
func (s *sOps) LimitAPI(r *ghttp.Request) {
	s.limit(config.PolicyAPI, s.clientIP, false)(r)
}

// LimitAuth limits login and register per client IP.
func (s *sOps) LimitAuth(r *ghttp.Request) {
	s.limit(config.PolicyAuth, func(r *ghttp.Request) (string, bool) {
		p := r.URL.Path
		if strings.HasSuffix(p, "/auth/login") || strings.HasSuffix(p, "/auth/register") {
			return s.clientIP(r)
		}
		return "", false
	}, true)(r)
}

// LimitChat limits model calls per logged-in user.
func (s *sOps) LimitChat(r *ghttp.Request) {
	s.limit(config.PolicyChat, func(r *ghttp.Request) (string, bool) {
		uid := service.Session().UserId(r.Context())
		return strconv.FormatInt(uid, 10), uid != 0
	}, true)(r)
}

func (s *sOps) clientIP(r *ghttp.Request) (string, bool) {
	return s.deps.IPs.ClientIP(r.Request), true
}

func (s *sOps) limit(name string, key func(*ghttp.Request) (string, bool), failClosed bool) ghttp.HandlerFunc {
	p := s.deps.Policies[name]
	return ratelimit.Middleware(s.deps.Limiter, p, key,
		func(r *ghttp.Request, d ratelimit.Decision) { s.limited(r, p, d) },
		func(r *ghttp.Request, err error) {
			g.Log().Warningf(r.Context(), "rate limit %s undecided: %v", p.Name, err)
			if failClosed {
				envelope.Error(r, http.StatusServiceUnavailable, "rate limiting is unavailable; try again shortly")
				return
			}
			r.Middleware.Next()
		})
}

func (s *sOps) limited(r *ghttp.Request, p ratelimit.Policy, d ratelimit.Decision) {
	s.deps.Metrics.RateLimited(p.Name)
	if p.Name == config.PolicyAuth || p.Name == config.PolicyLoginUser {
		s.deps.Metrics.Login(metrics.LoginRateLimited)
	}
	secs := int(math.Ceil(d.RetryAfter.Seconds()))
	if secs < 1 {
		secs = 1
	}
	envelope.Error(r, http.StatusTooManyRequests, fmt.Sprintf("too many requests; retry in %d s", secs))
}

// LoginGuard wraps the login route: a username with too many recent failed
// logins gets 429 before its password is even checked, each failure spends
// one unit of that username's budget, and every outcome is counted.
func (s *sOps) LoginGuard(r *ghttp.Request) {
	if !strings.HasSuffix(r.URL.Path, "/auth/login") {
		r.Middleware.Next()
		return
	}
	p := s.deps.Policies[config.PolicyLoginUser]
	username := strings.ToLower(r.Get("username").String())
	if len(username) > 64 {
		username = username[:64]
	}
	if username != "" {
		d, err := s.deps.Limiter.Peek(r.Context(), p, username)
		if err != nil {
			g.Log().Warningf(r.Context(), "rate limit %s undecided: %v", p.Name, err)
			s.deps.Metrics.Login(metrics.LoginError)
			envelope.Error(r, http.StatusServiceUnavailable, "rate limiting is unavailable; try again shortly")
			return
		}
		ratelimit.WriteHeaders(r.Response.Header(), p, d)
		if !d.Allowed {
			s.limited(r, p, d)
			return
		}
	}
	r.Middleware.Next()

	switch status := loginStatus(r); {
	case status == http.StatusOK:
		s.deps.Metrics.Login(metrics.LoginSuccess)
	case status == http.StatusUnauthorized:
		s.deps.Metrics.Login(metrics.LoginFailed)
		if username != "" {
			if _, err := s.deps.Limiter.Allow(r.Context(), p, username); err != nil {
				g.Log().Warningf(r.Context(), "rate limit %s not recorded: %v", p.Name, err)
			}
		}
	case status == http.StatusForbidden:
		s.deps.Metrics.Login(metrics.LoginDisabled)
	case status == http.StatusBadRequest:
		s.deps.Metrics.Login(metrics.LoginFailed)
	default:
		s.deps.Metrics.Login(metrics.LoginError)
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
