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
	if state := databaseState(ctx); state != "ok" {
		checks["database"], failed = state, append(failed, "database")
	}
	if len(failed) > 0 {
		r.Response.WriteStatus(http.StatusServiceUnavailable)
		r.Response.ClearBuffer()
		r.Response.WriteJson(g.Map{"code": http.StatusServiceUnavailable,
			"message": "not ready: " + describe(failed, checks), "data": checks})
		return
	}
	r.Response.WriteJson(g.Map{"code": 0, "message": "OK", "data": checks})
}

// databaseState is "ok" when the database can be read and written,
// "unavailable" when it cannot be read and "not writable" when it can be
// read but not written (a full disk, a read-only file): every request that
// saves anything would fail then.
func databaseState(ctx context.Context) string {
	// A real read of the schema, not SELECT 1: SQLite answers SELECT 1
	// without touching its file. count(*) always has a value, and GoFrame
	// can report some SQLite failures as an empty result with no error.
	if v, err := g.DB().GetValue(ctx, "SELECT count(*) FROM schema_migrations"); err != nil || v.IsNil() {
		g.Log().Warningf(ctx, "readyz: database: %v", gerror.Cause(err))
		return "unavailable"
	}
	// A committed write that changes nothing: both engines write the row
	// (SQLite its page, PostgreSQL a new row version), so a full disk or a
	// read-only database fails here.
	_, err := g.DB().Exec(ctx, "UPDATE schema_migrations SET version = version "+
		"WHERE version = (SELECT max(version) FROM schema_migrations)")
	if err != nil {
		g.Log().Warningf(ctx, "readyz: database write: %v", gerror.Cause(err))
		return "not writable"
	}
	return "ok"
}

// describe names each failed check with its state.
func describe(failed []string, checks g.MapStrStr) string {
	parts := make([]string, len(failed))
	for i, name := range failed {
		parts[i] = name + " " + checks[name]
	}
	return strings.Join(parts, ", ")
}
