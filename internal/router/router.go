// Package router binds every route of gptbot and the middleware each one
// runs through, in one place. A request passes, in order:
//
//  1. every request: metrics, request id, debug log, security headers;
//  2. pages (/, /login, ...): the error page, then the session;
//     /static/ files: nothing more (no session, no Redis round trip);
//  3. /api/v1: response envelope, api rate limit (per client IP),
//     cross-site check, session; then one of the sub-groups:
//     - public auth: body guard (logout); + auth rate limit (register);
//     + login outcome metric (login);
//     - logged in: auth, body guard (me, conversations, usage, render);
//     + drain guard and chat rate limit (send, regenerate);
//     - admin: auth, admin role, body guard.
//
// No middleware looks at the URL to decide whether it applies: a route
// gets exactly the middleware of the group it is bound in.
package router

import (
	"net/http"

	"github.com/gogf/gf/v2/net/ghttp"

	"gptbot/internal/config"
	"gptbot/internal/controller/admin"
	"gptbot/internal/controller/auth"
	"gptbot/internal/controller/chat"
	"gptbot/internal/controller/health"
	"gptbot/internal/controller/me"
	"gptbot/internal/controller/pages"
	"gptbot/internal/controller/render"
	"gptbot/internal/controller/usage"
	"gptbot/internal/library/metrics"
	"gptbot/internal/middleware"
)

// Deps is what the routes are served with.
type Deps struct {
	Middleware    *middleware.Middleware
	Metrics       *metrics.Metrics
	MetricsConfig config.Metrics
	Health        *health.Controller
	Pages         *pages.Controller
	APIDoc        ghttp.HandlerFunc // /api.json
}

// Bind binds every route of the main server on s.
func Bind(s *ghttp.Server, d Deps) {
	mw := d.Middleware
	s.Use(d.Metrics.HTTPMiddleware, mw.RequestID, mw.Debug, mw.SecurityHeaders)
	s.BindStatusHandler(http.StatusNotFound, mw.NotFound)

	s.BindHandler("GET:/healthz", d.Health.Healthz)
	s.BindHandler("GET:/readyz", d.Health.Readyz)
	s.BindHandler("GET:/api.json", d.APIDoc)
	if d.MetricsConfig.Address == "" {
		Metrics(s, d.Metrics, d.MetricsConfig)
	}
	bindPages(s, mw, d.Pages)
	bindAPI(s, mw)
}

// Metrics binds /metrics (metrics.path) on s: the main server, or the
// metrics server when metrics.address is set.
func Metrics(s *ghttp.Server, m *metrics.Metrics, cfg config.Metrics) {
	s.BindHandler("GET:"+cfg.Path, ghttp.WrapH(m.Handler(cfg.Token)))
}

// Pprof binds pprof on s, the debug server on its own loopback listener.
func Pprof(s *ghttp.Server, mw *middleware.Middleware) {
	s.BindHandler("/debug/pprof/*any", mw.Pprof)
}

// bindPages binds the browser UI and its static files.
func bindPages(s *ghttp.Server, mw *middleware.Middleware, pg *pages.Controller) {
	s.BindHandler("GET:/static/*path", pg.Static)
	s.BindHandler("HEAD:/static/*path", pg.Static)
	s.Group("/", func(group *ghttp.RouterGroup) {
		group.Middleware(pg.Errors, mw.Session)
		group.GET("/", pg.Chat)
		group.GET("/login", pg.Login)
		group.GET("/register", pg.Register)
		group.GET("/settings", pg.Settings)
		group.GET("/usage", pg.Usage)
		group.GET("/admin", pg.Admin)
		group.GET("/swagger", pg.APIDoc)
	})
}

// bindAPI binds the JSON API. The body guard reads the body after the
// session and auth checks: an anonymous request is 401 whatever it carries.
func bindAPI(s *ghttp.Server, mw *middleware.Middleware) {
	authc, chatc := auth.NewV1(), chat.NewV1()
	s.Group("/api/v1", func(api *ghttp.RouterGroup) {
		api.Middleware(mw.Response, mw.LimitAPI, mw.CrossOrigin, mw.Session)

		api.Group("/", func(public *ghttp.RouterGroup) {
			public.Middleware(mw.Body)
			public.Bind(authc.Logout)
			public.Group("/", func(limited *ghttp.RouterGroup) {
				limited.Middleware(mw.LimitAuth)
				limited.Bind(authc.Register)
				limited.Group("/", func(login *ghttp.RouterGroup) {
					login.Middleware(mw.LoginOutcome)
					login.Bind(authc.Login)
				})
			})
		})

		api.Group("/", func(user *ghttp.RouterGroup) {
			user.Middleware(mw.Auth)
			user.Group("/", func(group *ghttp.RouterGroup) {
				group.Middleware(mw.Body)
				group.Bind(me.NewV1(), usage.NewV1(), render.NewV1(),
					chatc.Models, chatc.List, chatc.Create, chatc.Get, chatc.Update, chatc.Delete, chatc.Export)
				// The routes that call the model: refused during a
				// shutdown before the chat limit spends anything.
				group.Group("/", func(replies *ghttp.RouterGroup) {
					replies.Middleware(mw.Drain, mw.LimitChat)
					replies.Bind(chatc.Send, chatc.Regenerate)
				})
			})
			// The role is checked before the body is read.
			user.Group("/", func(group *ghttp.RouterGroup) {
				group.Middleware(mw.Admin, mw.Body)
				group.Bind(admin.NewV1())
			})
		})
	})
}
