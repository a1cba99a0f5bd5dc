package cmd

import (
	"context"
	"os"
	"path/filepath"

	"github.com/gogf/gf/contrib/drivers/sqlite/v2"
	"github.com/gogf/gf/contrib/nosql/redis/v2"
	"github.com/gogf/gf/v2/errors/gerror"
	"github.com/gogf/gf/v2/frame/g"
	goredis "github.com/redis/go-redis/v9"

	"gptbot/internal/config"
	"gptbot/internal/library/migrate"
	"gptbot/internal/library/safedb"
	"gptbot/internal/service"
)

// The database drivers gptbot uses, wrapped so that no error or log line
// ever carries a statement's arguments.
func init() {
	if err := safedb.Wrap(sqlite.New(), "sqlite"); err != nil {
		panic(err)
	}
}

// openDatabase makes sure the SQLite directory exists and migrates.
func openDatabase(ctx context.Context, cfg *config.Config) error {
	db := g.DB()
	if db.GetConfig().Type == "sqlite" {
		if dir := filepath.Dir(db.GetConfig().Name); dir != "" {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return gerror.Wrapf(err, "create database directory %s", dir)
			}
		}
	}
	applied, err := migrate.Up(ctx, db)
	if err != nil {
		return gerror.Wrap(err, "migrate database")
	}
	if len(applied) > 0 {
		g.Log().Infof(ctx, "database migrated: %v", applied)
	}
	service.User().SetNewUserTokens(cfg.Quota.NewUserTokens)
	return nil
}

// redisClient returns the go-redis client behind GoFrame's redis.default
// configuration, for Lua scripts and pipelines.
func redisClient() (goredis.UniversalClient, error) {
	r := g.Redis()
	if r == nil {
		return nil, gerror.New("redis.default is not configured")
	}
	adapter, ok := r.GetAdapter().(*redis.Redis)
	if !ok {
		return nil, gerror.New("redis adapter is not the go-redis contrib")
	}
	client, ok := adapter.Client().(goredis.UniversalClient)
	if !ok {
		return nil, gerror.New("redis client is not a go-redis UniversalClient")
	}
	return client, nil
}
