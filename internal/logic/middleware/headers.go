package middleware

import "github.com/gogf/gf/v2/net/ghttp"

// SecurityHeaders sets headers every answer carries: no inline script, no
// framing, no MIME sniffing, no full URLs leaked in Referer, and nothing
// stored by browser or proxy caches. Almost every answer depends on who is
// logged in (the API, errors included, the pages, exports), so no-store is
// the default; a handler whose answer is public and revalidated, such as
// /static/, replaces it.
func (s *sMiddleware) SecurityHeaders(r *ghttp.Request) {
	h := r.Response.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy",
		"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	h.Set("Cache-Control", "no-store")
	r.Middleware.Next()
}
