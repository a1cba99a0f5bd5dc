package cmd

import (
	"context"
	"os"
	"path/filepath"

	"github.com/gogf/gf/contrib/drivers/sqlite/v2"
	"github.com/gogf/gf/v2/errors/gerror"
	"github.com/gogf/gf/v2/frame/g"

	"gptbot/internal/config"
	"gptbot/internal/library/migrate"
	"gptbot/internal/library/safedb"
)

// The database drivers gptbot uses, wrapped so that no error or log line
// ever carries a statement's arguments.
func init() {
	if err := safedb.Wrap(sqlite.New(), "sqlite"); err != nil {
		panic(err)
	}
}

// boot loads the configuration, opens and migrates the database and wires
// the services: what the server and every account command start with.
func boot(ctx context.Context) (*app, error) {
	cfg, err := config.Load(ctx)
	if err != nil {
		return nil, err
	}
	if err = openDatabase(ctx); err != nil {
		return nil, err
	}
	return wire(ctx, cfg)
}

// openDatabase makes sure the SQLite directory exists and migrates.
func openDatabase(ctx context.Context) error {
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
	return nil
}
