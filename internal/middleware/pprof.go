package middleware

import (
	"net"
	"net/http"
	"net/http/pprof"
	"strings"

	"github.com/gogf/gf/v2/net/ghttp"
)

// Pprof serves net/http/pprof when debug is on, on its own loopback
// listener (debug.pprofAddress), and only to a client connected directly
// from loopback: a request that carries a proxy's forwarding headers is
// refused even from a loopback peer, since a reverse proxy on the same host
// connects from loopback on behalf of anyone. Everyone else gets a plain 404.
func (m *Middleware) Pprof(r *ghttp.Request) {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	ip := net.ParseIP(host)
	if !m.deps.Debug || err != nil || ip == nil || !ip.IsLoopback() || forwarded(r.Header) {
		r.Response.WriteStatus(http.StatusNotFound)
		return
	}
	w, req := r.Response.BufferWriter, r.Request
	switch strings.TrimPrefix(r.URL.Path, "/debug/pprof/") {
	case "cmdline":
		pprof.Cmdline(w, req)
	case "profile":
		pprof.Profile(w, req)
	case "symbol":
		pprof.Symbol(w, req)
	case "trace":
		pprof.Trace(w, req)
	default:
		pprof.Index(w, req)
	}
}

// clientIPHeaders are headers proxies and CDNs use to pass on the client's
// address, besides the x-forwarded-* family, forwarded and via (names in
// lower case, "-" for "_").
var clientIPHeaders = map[string]bool{
	"x-real-ip": true, "x-client-ip": true, "true-client-ip": true, "cf-connecting-ip": true,
	"fastly-client-ip": true, "x-cluster-client-ip": true, "x-original-forwarded-for": true,
	"x-proxyuser-ip": true,
}

// forwarded reports whether a proxy handled the request: any forwarding or
// client-address header, whatever its value or spelling.
func forwarded(h http.Header) bool {
	for name := range h {
		n := strings.ToLower(strings.ReplaceAll(name, "_", "-"))
		if n == "forwarded" || n == "via" || strings.HasPrefix(n, "x-forwarded-") || clientIPHeaders[n] {
			return true
		}
	}
	return false
}
