package middleware

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/gogf/gf/v2/frame/g"
	"github.com/gogf/gf/v2/net/ghttp"

	"gptbot/internal/service"
)

// sessionKeysShown are session keys whose values are safe to log; every
// other key is logged with its value redacted.
var sessionKeysShown = map[string]bool{"uid": true, "createdAt": true, "authAt": true}

// Debug logs one line per request when debug.enabled is on: never a
// password, API key, message text or session id (only a short hash of it).
func (m *Middleware) Debug(r *ghttp.Request) {
	if !m.deps.Debug {
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
