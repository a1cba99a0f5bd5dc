package ops

import (
	"context"
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
	envelope.Error(r, http.StatusTooManyRequests, fmt.Sprintf("too many requests; retry in %d s", retrySeconds(d)))
}

// retrySeconds is d's wait in whole seconds, rounded up, at least 1.
func retrySeconds(d ratelimit.Decision) int {
	return max(int(math.Ceil(d.RetryAfter.Seconds())), 1)
}

// LoginGuard counts the outcome of every login. It reads nothing of the
// request: the per-account budget is spent by PasswordCheck, after GoFrame
// has bound the body, on exactly the username the handler checks (binding
// matches keys case-insensitively and ignoring '_', '-' and spaces, merges
// query and body, and picks among duplicates by its own rules).
func (s *sOps) LoginGuard(r *ghttp.Request) {
	if !strings.HasSuffix(r.URL.Path, "/auth/login") {
		r.Middleware.Next()
		return
	}
	r.Middleware.Next()

	switch status := loginStatus(r); status {
	case http.StatusOK:
		s.deps.Metrics.Login(metrics.LoginSuccess)
	case http.StatusUnauthorized, http.StatusBadRequest:
		s.deps.Metrics.Login(metrics.LoginFailed)
	case http.StatusForbidden:
		s.deps.Metrics.Login(metrics.LoginDisabled)
	case http.StatusTooManyRequests:
		s.deps.Metrics.Login(metrics.LoginRateLimited)
	default:
		s.deps.Metrics.Login(metrics.LoginError)
	}
}

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
func (s *sOps) PasswordCheck(ctx context.Context, account string, check func(ctx context.Context) (wrong bool, err error)) error {
	p, ok := s.deps.Policies[config.PolicyLoginUser]
	if !ok || s.deps.Limiter == nil {
		return httperr.New(httperr.Unavailable, "rate limiting is not configured")
	}
	d, err := s.deps.Limiter.Allow(ctx, p, account)
	if err != nil {
		return httperr.Wrap(httperr.Unavailable, err, "rate limiting is unavailable; try again shortly")
	}
	if r := g.RequestFromCtx(ctx); r != nil {
		ratelimit.WriteHeaders(r.Response.Header(), p, d)
	}
	if !d.Allowed {
		s.deps.Metrics.RateLimited(p.Name)
		return httperr.New(httperr.TooManyRequests,
			fmt.Sprintf("too many failed password attempts; retry in %d s", retrySeconds(d)))
	}
	wrong, err := check(ctx)
	if !wrong {
		// The client may be gone; the unit must come back anyway.
		if rerr := s.deps.Limiter.Refund(context.WithoutCancel(ctx), p, account, 1); rerr != nil {
			g.Log().Warningf(ctx, "rate limit %s not refunded: %v", p.Name, rerr)
		}
	}
	return err
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
