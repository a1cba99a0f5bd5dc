package cmd

import (
	"context"

	"github.com/gogf/gf/v2/frame/g"
	"github.com/gogf/gf/v2/os/gcmd"

	"gptbot/internal/controller/health"
	"gptbot/internal/controller/pages"
	"gptbot/internal/router"
)

func serve(ctx context.Context, _ *gcmd.Parser) error {
	a, err := boot(ctx)
	if err != nil {
		return err
	}
	if a.cfg.Debug.Enabled {
		g.Log().Warning(ctx, "debug mode is on: per-request debug log lines, pprof on debug.pprofAddress")
	}
	pg, err := pages.New()
	if err != nil {
		return err
	}
	s := g.Server()
	// The storage must be set in code: an interface cannot come from YAML.
	s.SetSessionStorage(a.store)
	prepareShutdown(s, a.limits.ShutdownGrace)
	a.startChat(ctx)
	if err = a.listen(ctx, s); err != nil {
		return err
	}
	router.Bind(s, router.Deps{
		Middleware:    a.mw,
		Metrics:       a.metrics,
		MetricsConfig: a.cfg.Metrics,
		Health:        &health.Controller{Redis: a.redis},
		Pages:         pg,
		APIDoc:        a.doc.serve,
	})
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
// otherwise the router mounts it on the main server.
func (a *app) metricsServer() error {
	if a.cfg.Metrics.Address == "" {
		return nil
	}
	ms := g.Server("metrics")
	ms.SetAddr(a.cfg.Metrics.Address)
	ms.SetDumpRouterMap(false)
	router.Metrics(ms, a.metrics, a.cfg.Metrics)
	return ms.Start()
}
