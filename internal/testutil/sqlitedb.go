package testutil

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/gogf/gf/contrib/drivers/sqlite/v2" // the sqlite driver of GoFrame's database layer
	"github.com/gogf/gf/v2/database/gdb"
	"github.com/gogf/gf/v2/frame/g"

	"gptbot/internal/library/migrate"
)

// SQLiteOptions are the connection options the app sets on its SQLite
// file that matter to correctness: waiting out another writer's lock,
// readers beside the writer, and enforced foreign keys.
const SQLiteOptions = "busy_timeout=5000&journal_mode=WAL&foreign_keys=1"

// RunWithSQLite runs a package's tests (from TestMain) with GoFrame's
// default database group on a fresh, migrated SQLite file in a temporary
// directory, and returns the exit code for os.Exit. GoFrame keeps one
// database instance per group and process, so the package's tests share
// the file: each should use its own users.
func RunWithSQLite(m *testing.M, name string) int {
	dir, err := os.MkdirTemp("", "gptbot-"+name+"-")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	err = gdb.SetConfig(gdb.Config{gdb.DefaultGroupName: gdb.ConfigGroup{{
		Type: "sqlite", Name: filepath.Join(dir, name+".db"), Extra: SQLiteOptions,
	}}})
	if err == nil {
		_, err = migrate.Up(context.Background(), g.DB())
	}
	if err != nil {
		panic(fmt.Sprintf("test database: %v", err))
	}
	return m.Run()
}

// AssertLedger checks the ledger invariant on the default database group
// for every user: sum(grant) − sum(charge) + sum(refund) == token_balance,
// and no balance below zero. It returns uid's balance (uid must exist).
// It reads the tables directly, not through the code under test.
func AssertLedger(t testing.TB, ctx context.Context, uid int64) int64 {
	t.Helper()
	var rows []struct {
		Id      int64 `orm:"id"`
		Balance int64 `orm:"balance"`
		Ledger  int64 `orm:"ledger"`
	}
	// The schema allows three kinds: grant, charge, refund.
	err := g.DB().GetScan(ctx, &rows, `SELECT u.id, u.token_balance AS balance,
		coalesce((SELECT sum(CASE l.kind WHEN 'charge' THEN -l.tokens ELSE l.tokens END)
		          FROM usage_ledger l WHERE l.user_id = u.id), 0) AS ledger
		FROM users u ORDER BY u.id`)
	if err != nil {
		t.Fatalf("read the ledger: %v", err)
	}
	balance, found, broken := int64(0), false, false
	for _, r := range rows {
		if r.Balance < 0 || r.Balance != r.Ledger {
			t.Errorf("user %d: balance %d, grants − charges + refunds = %d", r.Id, r.Balance, r.Ledger)
			broken = true
		}
		if r.Id == uid {
			balance, found = r.Balance, true
		}
	}
	if !found {
		t.Fatalf("user %d not found", uid)
	}
	if broken {
		t.FailNow()
	}
	return balance
}
