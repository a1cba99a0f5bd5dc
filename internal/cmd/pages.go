package cmd

import (
	"github.com/gogf/gf/v2/net/ghttp"

	"gptbot/internal/controller/pages"
	"gptbot/internal/controller/render"
	"gptbot/internal/service"
)

// pageRoutes serves the browser UI and its static assets, and the Markdown
// render endpoint the UI uses for model output.
func (a *app) pageRoutes(s *ghttp.Server) {
	mw, ops := service.Middleware(), service.Ops()
	pg := pages.MustNew()

	// Static files need no session: no cookie lookup, no Redis round trip.
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

	// The /api/v1 middleware of routes(), with Auth before the body is read.
	s.Group("/api/v1", func(group *ghttp.RouterGroup) {
		group.Middleware(mw.Response, ops.LimitAPI, mw.CrossOrigin, mw.Session, mw.Auth, mw.Body)
		group.Bind(render.NewV1())
	})
}
