// Package migrate applies the embedded, versioned schema migrations once each,
// recording them in schema_migrations.
package migrate

import (
	"context"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/gogf/gf/v2/database/gdb"
	"github.com/gogf/gf/v2/errors/gerror"
	"github.com/gogf/gf/v2/os/gtime"

	schema "gptbot/manifest/sql"
)

const table = "schema_migrations"

// Migration is one versioned SQL file.
type Migration struct {
	Version string // file name without .sql, e.g. "0001_users"
	SQL     string
}

// Load returns the migrations of a dialect in version order.
func Load(dialect string) ([]Migration, error) {
	entries, err := fs.ReadDir(schema.FS, dialect)
	if err != nil {
		return nil, gerror.Wrapf(err, "no migrations for dialect %q", dialect)
	}
	var out []Migration
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		b, err := fs.ReadFile(schema.FS, path.Join(dialect, e.Name()))
		if err != nil {
			return nil, gerror.Wrapf(err, "read migration %s", e.Name())
		}
		out = append(out, Migration{Version: strings.TrimSuffix(e.Name(), ".sql"), SQL: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

// Up applies every migration not yet recorded, each in its own transaction,
// and returns the versions it applied. Running it again is a no-op.
func Up(ctx context.Context, db gdb.DB) ([]string, error) {
	dialect := db.GetConfig().Type
	if dialect == "" {
		dialect = "sqlite"
	}
	migrations, err := Load(dialect)
	if err != nil {
		return nil, err
	}
	if _, err = db.Exec(ctx, `CREATE TABLE IF NOT EXISTS `+table+` (
		version    VARCHAR(128) PRIMARY KEY,
		applied_at VARCHAR(32)  NOT NULL
	)`); err != nil {
		return nil, gerror.Wrap(err, "create schema_migrations")
	}
	var applied []string
	for _, m := range migrations {
		n, err := db.Model(table).Ctx(ctx).Where("version", m.Version).Count()
		if err != nil {
			return applied, gerror.Wrap(err, "read schema_migrations")
		}
		if n > 0 {
			continue
		}
		err = db.Transaction(ctx, func(ctx context.Context, tx gdb.TX) error {
			for _, stmt := range Statements(m.SQL) {
				if _, err := tx.Exec(stmt); err != nil {
					return gerror.Wrapf(err, "migration %s", m.Version)
				}
			}
			_, err := tx.Model(table).Data(gdb.Map{"version": m.Version, "applied_at": gtime.Now().String()}).Insert()
			return err
		})
		if err != nil {
			return applied, err
		}
		applied = append(applied, m.Version)
	}
	return applied, nil
}

// Statements splits a migration file into statements on semicolons that end
// a line, dropping comment-only lines. Migrations keep to that shape.
func Statements(sqlText string) []string {
	var (
		out []string
		cur strings.Builder
	)
	for _, line := range strings.Split(sqlText, "\n") {
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "--") {
			continue
		}
		cur.WriteString(line)
		cur.WriteString("\n")
		if strings.HasSuffix(trimmed, ";") {
			out = append(out, strings.TrimSuffix(strings.TrimSpace(cur.String()), ";"))
			cur.Reset()
		}
	}
	if s := strings.TrimSpace(cur.String()); s != "" {
		out = append(out, s)
	}
	return out
}
