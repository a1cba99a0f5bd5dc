package metrics

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Handler serves the registry in the Prometheus exposition format. When
// bearerToken is not empty, a scrape must send "Authorization: Bearer
// <token>" or it gets 401. Mount it in GoFrame with ghttp.WrapH(h).
func (m *Metrics) Handler(bearerToken string) http.Handler {
	h := promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		// A collector failing must not blank the whole page.
		ErrorHandling: promhttp.ContinueOnError,
	})
	if bearerToken == "" {
		return h
	}
	// Comparing fixed-size digests keeps the comparison constant-time even
	// in the token's length.
	want := sha256.Sum256([]byte(bearerToken))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, ok := bearer(r.Header.Get("Authorization"))
		sum := sha256.Sum256([]byte(got))
		if !ok || subtle.ConstantTimeCompare(sum[:], want[:]) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// bearer extracts the token of an "Authorization: Bearer <token>" header;
// HTTP authentication schemes are case-insensitive.
func bearer(header string) (string, bool) {
	scheme, token, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}
