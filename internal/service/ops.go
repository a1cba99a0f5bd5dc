// ================================================================================
// Code generated and maintained by GoFrame CLI tool. DO NOT EDIT.
// You can delete these comments if you wish manually maintain this interface file.
// ================================================================================

package service

import (
	"gptbot/internal/model"

	"github.com/gogf/gf/v2/net/ghttp"
)

type (
	IOps interface {
		// RequestID gives every request an id, echoed in X-Request-Id: a sane
		// incoming one (from a proxy) is kept, anything else is replaced.
		RequestID(r *ghttp.Request)
		// Debug logs one line per request when debug.enabled is on: never a
		// password, API key, message text or session id (only a short hash of it).
		Debug(r *ghttp.Request)
		// Pprof serves net/http/pprof when debug is on, and only to clients
		// connected directly from loopback (a proxy's X-Forwarded-For is ignored:
		// the direct peer decides). Everyone else gets a plain 404.
		Pprof(r *ghttp.Request)
		// Configure wires the limiter, policies, metrics and proxy trust.
		Configure(deps model.OpsDeps)
		// LimitAPI limits every API request per client IP.
		LimitAPI(r *ghttp.Request)
		// LimitAuth limits login and register per client IP.
		LimitAuth(r *ghttp.Request)
		// LimitChat limits model calls per logged-in user.
		LimitChat(r *ghttp.Request)
		// LoginGuard wraps the login route: a username with too many recent failed
		// logins gets 429 before its password is even checked, each failure spends
		// one unit of that username's budget, and every outcome is counted.
		LoginGuard(r *ghttp.Request)
	}
)

var (
	localOps IOps
)

func Ops() IOps {
	if localOps == nil {
		panic("implement not found for interface IOps, forgot register?")
	}
	return localOps
}

func RegisterOps(i IOps) {
	localOps = i
}
