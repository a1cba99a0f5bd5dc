package ops

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"net"
	"net/http"
	"net/http/pprof"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/gogf/gf/v2/frame/g"
	"github.com/gogf/gf/v2/net/ghttp"

	"gptbot/internal/consts"
	"gptbot/internal/service"
)

const ctxRequestID = consts.CtxRequestID

var saneRequestID = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,64}$`)

// RequestID gives every request an id, echoed in X-Request-Id: a sane
// incoming one (from a proxy) is kept, anything else is replaced.
func (s *sOps) RequestID(r *ghttp.Request) {
	id := r.Header.Get("X-Request-Id")
	if !saneRequestID.MatchString(id) {
		b := make([]byte, 12)
		_, _ = rand.Read(b)
		id = hex.EncodeToString(b)
	}
	r.SetCtxVar(ctxRequestID, id)
	r.Response.Header().Set("X-Request-Id", id)
	r.Middleware.Next()
}

// sessionKeysShown are session keys whose values are safe to log; every
// other key is logged with its value redacted.
var sessionKeysShown = map[string]bool{"uid": true, "createdAt": true, "authAt": true}

// Debug logs one line per request when debug.enabled is on: never a
// password, API key, message text or session id (only a short hash of it).
func (s *sOps) Debug(r *ghttp.Request) {
	if !s.deps.Debug {
		r.Middleware.Next()
		return
	}
	start := time.Now()
	r.Middleware.Next()

	route := "unmatched"
	if h := r.GetServeHandler(); h != nil && h.Handler != nil && h.Handler.Router != nil {
		route = h.Handler.Router.Uri
	}
	status := r.Response.Status
	if status == 0 {
		status = http.StatusOK
	}
	sessionHash, sessionKeys := "-", "-"
	if r.Session != nil {
		if id, err := r.Session.Id(); err == nil && id != "" && service.Session().UserId(r.Context()) != 0 {
			sum := sha256.Sum256([]byte(id))
			sessionHash = hex.EncodeToString(sum[:])[:12]
			if data, err := r.Session.Data(); err == nil {
				sessionKeys = describeSession(data)
			}
		}
	}
	g.Log().Infof(r.Context(),
		"debug request_id=%s method=%s route=%s status=%d latency_ms=%.1f user_id=%d session=%s session_keys=%s",
		r.GetCtxVar(ctxRequestID).String(), r.Method, route, status,
		float64(time.Since(start).Microseconds())/1000, service.Session().UserId(r.Context()),
		sessionHash, sessionKeys)
}

func describeSession(data map[string]any) string {
	keys := make([]string, 0, len(data))
	for k := range data {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		if sessionKeysShown[k] {
			parts = append(parts, k+"="+g.NewVar(data[k]).String())
		} else {
			parts = append(parts, k+"=[redacted]")
		}
	}
	return "{" + strings.Join(parts, ",") + "}"
}

// Pprof serves net/http/pprof when debug is on, on its own loopback
// listener (debug.pprofAddress), and only to a client connected directly
// from loopback: a request that carries a proxy's forwarding headers is
// refused even from a loopback peer, since a reverse proxy on the same host
// connects from loopback on behalf of anyone. Everyone else gets a plain 404.
func (s *sOps) Pprof(r *ghttp.Request) {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	ip := net.ParseIP(host)
	if !s.deps.Debug || err != nil || ip == nil || !ip.IsLoopback() || forwarded(r.Header) {
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
