package migrate

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/gogf/gf/contrib/drivers/sqlite/v2"
	"github.com/gogf/gf/v2/database/gdb"
)

func TestUpIsIdempotentAndRecordsVersions(t *testing.T) {
	db, err := gdb.New(gdb.ConfigNode{Type: "sqlite", Name: filepath.Join(t.TempDir(), "m.db"), Extra: "foreign_keys=1"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	all, err := Load("sqlite")
	if err != nil {
		t.Fatal(err)
	}
	applied, err := Up(ctx, db)
	if err != nil || len(applied) != len(all) || len(all) < 2 {
		t.Fatalf("first run applied %v (of %d): %v", applied, len(all), err)
	}
	again, err := Up(ctx, db)
	if err != nil || len(again) != 0 {
		t.Fatalf("second run applied %v: %v", again, err)
	}
	n, err := db.Model(table).Count()
	if err != nil || n != len(all) {
		t.Fatalf("schema_migrations has %d rows, want %d (%v)", n, len(all), err)
	}
	// The username key is unique: the schema, not only the code, refuses duplicates.
	if _, err = db.Exec(ctx, "INSERT INTO users (username, username_key, password_hash) VALUES ('A','a','x')"); err != nil {
		t.Fatal(err)
	}
	if _, err = db.Exec(ctx, "INSERT INTO users (username, username_key, password_hash) VALUES ('a','a','x')"); err == nil {
		t.Fatal("duplicate username_key accepted")
	}
	if _, err = db.Exec(ctx, "UPDATE users SET token_balance = -1"); err == nil {
		t.Fatal("negative balance accepted")
	}
}

func TestStatements(t *testing.T) {
	got := Statements("-- comment\nCREATE TABLE a (x INT);\n\nCREATE INDEX i\n  ON a (x);\n")
	if len(got) != 2 || !strings.HasPrefix(got[1], "CREATE INDEX i") || strings.HasSuffix(got[0], ";") {
		t.Fatalf("%q", got)
	}
}
