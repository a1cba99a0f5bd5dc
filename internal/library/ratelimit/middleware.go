package ratelimit

import (
	"net/http"

	"github.com/gogf/gf/v2/net/ghttp"
)

// Middleware limits the requests it wraps by policy p.
//
// key returns the bucket for a request (user id, client IP, ...); false means
// "do not limit this one" (for example no user is logged in yet and another
// policy covers it). The middleware sets the RateLimit headers, then either
// calls r.Middleware.Next() or hands over to a callback, which writes the
// app's own JSON envelope and counts the event:
//   - onLimited for a denial (the app answers 429; Retry-After is already set);
//   - onError when Redis could not decide (the app answers 503, or calls
//     r.Middleware.Next() itself if it prefers to fail open).
//
// A nil callback answers with the bare status code.
func Middleware(
	l *Limiter,
	p Policy,
	key func(r *ghttp.Request) (string, bool),
	onLimited func(r *ghttp.Request, d Decision),
	onError func(r *ghttp.Request, err error),
) ghttp.HandlerFunc {
	return func(r *ghttp.Request) {
		k, ok := key(r)
		if !ok {
			r.Middleware.Next()
			return
		}
		d, err := l.Allow(r.Context(), p, k)
		if err != nil {
			if onError != nil {
				onError(r, err)
			} else {
				r.Response.WriteStatus(http.StatusServiceUnavailable)
			}
			return
		}
		WriteHeaders(r.Response.Header(), p, d)
		if !d.Allowed {
			if onLimited != nil {
				onLimited(r, d)
			} else {
				r.Response.WriteStatus(http.StatusTooManyRequests)
			}
			return
		}
		r.Middleware.Next()
	}
}
