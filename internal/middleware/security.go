package middleware

import (
	"github.com/gogf/gf/v2/net/ghttp"

	"gptbot/internal/library/httperr"
)

// SecurityHeaders sets headers every answer carries: no inline script, no
// framing, no MIME sniffing, no full URLs leaked in Referer, and nothing
// stored by browser or proxy caches. Almost every answer depends on who is
// logged in (the API, errors included, the pages, exports), so no-store is
// the default; a handler whose answer is public and revalidated, such as
// /static/, replaces it.
func (m *Middleware) SecurityHeaders(r *ghttp.Request) {
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

// CrossOrigin refuses state-changing requests a browser sent from another
// site (Go's CrossOriginProtection: Sec-Fetch-Site, then Origin vs Host).
// Requests without those headers (curl, scripts) pass: they carry no
// ambient browser cookies an attacker could ride on.
func (m *Middleware) CrossOrigin(r *ghttp.Request) {
	if err := m.crossOrigin.Check(r.Request); err != nil {
		fail(r, httperr.New(httperr.Forbidden, "cross-site request refused"))
		return
	}
	r.Middleware.Next()
}
