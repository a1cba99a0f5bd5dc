// Package health answers liveness and readiness probes.
package health

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/gogf/gf/v2/errors/gerror"
	"github.com/gogf/gf/v2/frame/g"
	"github.com/gogf/gf/v2/net/ghttp"
	"github.com/redis/go-redis/v9"
)

// Controller checks the app's dependencies.
type Controller struct {
	Redis redis.UniversalClient
}

// Healthz is 200 while the process serves.
func (c *Controller) Healthz(r *ghttp.Request) {
	r.Response.WriteJson(g.Map{"code": 0, "message": "OK", "data": g.Map{"status": "ok"}})
}

// Readyz is 200 only when Redis and the database answer; otherwise 503
// naming what failed.
func (c *Controller) Readyz(r *ghttp.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	checks := g.MapStrStr{"redis": "ok", "database": "ok"}
	var failed []string
	if err := c.Redis.Ping(ctx).Err(); err != nil {
		g.Log().Warningf(ctx, "readyz: redis: %v", err)
		checks["redis"], failed = "unavailable", append(failed, "redis")
	}
	// A real read of the schema, not SELECT 1: SQLite answers SELECT 1
	// without touching its file. count(*) always has a value, and GoFrame
	// can report some SQLite failures as an empty result with no error.
	if v, err := g.DB().GetValue(ctx, "SELECT count(*) FROM schema_migrations"); err != nil || v.IsNil() {
		g.Log().Warningf(ctx, "readyz: database: %v", gerror.Cause(err))
		checks["database"], failed = "unavailable", append(failed, "database")
	}
	if len(failed) > 0 {
		r.Response.WriteStatus(http.StatusServiceUnavailable)
		r.Response.ClearBuffer()
		r.Response.WriteJson(g.Map{"code": http.StatusServiceUnavailable,
			"message": "not ready: " + strings.Join(failed, ", ") + " unavailable", "data": checks})
		return
	}
	r.Response.WriteJson(g.Map{"code": 0, "message": "OK", "data": checks})
}
