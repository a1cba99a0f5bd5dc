package cmd

import (
	"context"
	"net/http"

	"github.com/gogf/gf/v2/frame/g"
	"github.com/gogf/gf/v2/net/ghttp"
	"github.com/gogf/gf/v2/os/gcmd"

	"gptbot/internal/config"
	"gptbot/internal/controller/auth"
	"gptbot/internal/controller/health"
	"gptbot/internal/controller/me"
	"gptbot/internal/library/clientip"
	"gptbot/internal/library/metrics"
	"gptbot/internal/library/sessionstore"
	"gptbot/internal/service"
)

// app is what the route setup needs from boot.
type app struct {
	cfg     *config.Config
	metrics *metrics.Metrics
	health  *health.Controller
}

func serve(ctx context.Context, _ *gcmd.Parser) error {
	cfg, err := config.Load(ctx)
	if err != nil {
		return err
	}
	if err = openDatabase(ctx, cfg); err != nil {
		return err
	}
	rdb, err := redisClient()
	if err != nil {
		return err
	}
	ips, err := clientip.New(cfg.RateLimit.TrustedProxies)
	if err != nil {
		return err
	}
	m := metrics.New()
	store := sessionstore.New(rdb, sessionstore.Config{
		Prefix:   cfg.Session.Prefix,
		Idle:     cfg.Session.IdleTimeout,
		Absolute: cfg.Session.AbsoluteTimeout,
	}, m.ObserveSessionOp)
	service.Session().Configure(store, cfg.Session, ips)
	a := &app{cfg: cfg, metrics: m, health: &health.Controller{Redis: rdb}}
	if err = setupChat(ctx, a); err != nil {
		return err
	}

	s := g.Server()
	// The storage must be set in code: an interface cannot come from YAML.
	s.SetSessionStorage(store)
	a.routes(s)
	s.Run()
	return nil
}

func (a *app) routes(s *ghttp.Server) {
	mw := service.Middleware()
	s.Use(a.metrics.HTTPMiddleware, mw.SecurityHeaders)
	s.BindStatusHandler(http.StatusNotFound, mw.NotFound)
	s.BindHandler("GET:/healthz", a.health.Healthz)
	s.BindHandler("GET:/readyz", a.health.Readyz)
	a.pageRoutes(s)
	s.Group("/api/v1", func(group *ghttp.RouterGroup) {
		group.Middleware(mw.Response, mw.CrossOrigin, mw.Body, mw.Session)
		group.Bind(auth.NewV1())
		group.Group("/", func(group *ghttp.RouterGroup) {
			group.Middleware(mw.Auth)
			group.Bind(me.NewV1())
			a.chatRoutes(group)
		})
	})
}
