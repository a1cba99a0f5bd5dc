// Package safedb keeps SQL arguments out of errors and logs.
//
// GoFrame's gdb wraps every failed statement's error with the statement
// formatted WITH its arguments (password hashes, message text, tokens), and
// that error then reaches every log line that prints it, GoFrame's own
// server error log included. Wrapping the drivers here replaces that text
// with the statement and its placeholders, once, for every path; and the
// per-statement debug log, which prints arguments too, stays off.
package safedb

import (
	"context"
	"database/sql"
	"errors"

	"github.com/gogf/gf/v2/database/gdb"
	"github.com/gogf/gf/v2/errors/gcode"
	"github.com/gogf/gf/v2/errors/gerror"
)

// Wrap re-registers the named drivers (already registered by their
// packages' init) so that their errors carry no SQL arguments.
func Wrap(driver gdb.Driver, names ...string) error {
	for _, name := range names {
		if err := gdb.Register(name, &safeDriver{inner: driver}); err != nil {
			return gerror.Wrapf(err, "wrap database driver %s", name)
		}
	}
	return nil
}

type safeDriver struct {
	inner gdb.Driver
}

func (d *safeDriver) New(core *gdb.Core, node *gdb.ConfigNode) (gdb.DB, error) {
	db, err := d.inner.New(core, node)
	if err != nil {
		return nil, err
	}
	return &safeDB{DB: db}, nil
}

// safeDB is the driver's DB with errors scrubbed of arguments.
type safeDB struct {
	gdb.DB
}

// DoCommit is where gdb runs every statement and wraps its error.
func (d *safeDB) DoCommit(ctx context.Context, in gdb.DoCommitInput) (gdb.DoCommitOutput, error) {
	out, err := d.DB.DoCommit(ctx, in)
	return out, Scrub(err, in.Sql)
}

// GetDebug is false whatever the configuration says: gdb's debug log
// prints every statement with its arguments.
func (d *safeDB) GetDebug() bool { return false }

// Scrub replaces gdb's statement-with-arguments text on err by statement
// (placeholders only), keeping the database error code and the driver's
// own error as the cause.
func Scrub(err error, statement string) error {
	if err == nil || errors.Is(err, sql.ErrNoRows) {
		return err
	}
	return gerror.WrapCode(gcode.CodeDbOperationError, gerror.Cause(err), statement)
}
