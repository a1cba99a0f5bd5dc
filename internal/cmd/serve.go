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
	"gptbot/internal/library/ratelimit"
	"gptbot/internal/library/sessionstore"
	"gptbot/internal/model"
	"gptbot/internal/service"
)

// app is what the route setup needs from boot.
type app struct {
	cfg     *config.Config
	metrics *metrics.Metrics
	health  *health.Controller
	doc     *apiDoc
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
	service.Ops().Configure(model.OpsDeps{
		Limiter:  ratelimit.New(rdb, cfg.Session.Prefix+"rl:"),
		Policies: cfg.RateLimit.Policies,
		Metrics:  m,
		IPs:      ips,
		Debug:    cfg.Debug.Enabled,
	})
	if cfg.Debug.Enabled {
		g.Log().Warning(ctx, "debug mode is on: per-request debug log lines, pprof on debug.pprofAddress")
	}
	a := &app{cfg: cfg, metrics: m, health: &health.Controller{Redis: rdb}, doc: &apiDoc{}}
	if err = setupChat(ctx, a); err != nil {
		return err
	}

	s := g.Server()
	// The storage must be set in code: an interface cannot come from YAML.
	s.SetSessionStorage(store)
	if err = a.listen(ctx, s); err != nil {
		return err
	}
	a.routes(s)
	// The metrics listener first: once /healthz answers, everything does.
	if err = a.metricsServer(); err != nil {
		return err
	}
	a.pprofServer(ctx)
	if err = s.Start(); err != nil {
		return err
	}
	if err = a.doc.build(s); err != nil {
		return err
	}
	g.Log().Infof(ctx, "API description at /api.json, API reference page at /swagger")
	a.waitForShutdown(ctx, s) // until SIGTERM/SIGINT; replies drain first (shutdown.go)
	return nil
}

// metricsServer serves /metrics on metrics.address when one is set;
// otherwise routes() mounts it on the main server.
func (a *app) metricsServer() error {
	if a.cfg.Metrics.Address == "" {
		return nil
	}
	ms := g.Server("metrics")
	ms.SetAddr(a.cfg.Metrics.Address)
	ms.SetDumpRouterMap(false)
	ms.BindHandler("GET:"+a.cfg.Metrics.Path, ghttp.WrapH(a.metrics.Handler(a.cfg.Metrics.Token)))
	return ms.Start()
}

func (a *app) routes(s *ghttp.Server) {
	mw, ops := service.Middleware(), service.Ops()
	s.Use(a.metrics.HTTPMiddleware, ops.RequestID, ops.Debug, mw.SecurityHeaders)
	s.BindStatusHandler(http.StatusNotFound, mw.NotFound)
	s.BindHandler("GET:/healthz", a.health.Healthz)
	s.BindHandler("GET:/readyz", a.health.Readyz)
	s.BindHandler("GET:/api.json", a.doc.serve)
	if a.cfg.Metrics.Address == "" {
		s.BindHandler("GET:"+a.cfg.Metrics.Path, ghttp.WrapH(a.metrics.Handler(a.cfg.Metrics.Token)))
	}
	a.pageRoutes(s)
	s.Group("/api/v1", func(group *ghttp.RouterGroup) {
		group.Middleware(mw.Response, ops.LimitAPI, mw.CrossOrigin, mw.Session)
		group.Group("/", func(group *ghttp.RouterGroup) {
			group.Middleware(mw.Body, ops.LimitAuth, ops.LoginGuard)
			group.Bind(auth.NewV1())
		})
		// Logged-in routes check the session before looking at the body: an
		// anonymous request is 401 whatever it carries.
		group.Group("/", func(group *ghttp.RouterGroup) {
			group.Middleware(mw.Auth)
			group.Group("/", func(group *ghttp.RouterGroup) {
				group.Middleware(mw.Body)
				group.Bind(me.NewV1())
			})
			a.chatRoutes(group)
		})
	})
}
