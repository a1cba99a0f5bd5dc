package safedb_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gogf/gf/contrib/drivers/sqlite/v2"
	"github.com/gogf/gf/v2/database/gdb"
	"github.com/gogf/gf/v2/errors/gcode"
	"github.com/gogf/gf/v2/errors/gerror"

	"gptbot/internal/library/safedb"
)

func TestFailedStatementsCarryNoArguments(t *testing.T) {
	if err := safedb.Wrap(sqlite.New(), "sqlite"); err != nil {
		t.Fatal(err)
	}
	db, err := gdb.New(gdb.ConfigNode{Type: "sqlite", Link: "sqlite::@file(" + filepath.Join(t.TempDir(), "t.db") + ")"})
	if err != nil {
		t.Fatal(err)
	}
	db.SetDebug(true) // would log every statement with its arguments
	ctx := context.Background()
	if _, err = db.Exec(ctx, "CREATE TABLE users (name TEXT UNIQUE, hash TEXT NOT NULL)"); err != nil {
		t.Fatal(err)
	}
	const secret = "$argon2id$v=19$m=19456,t=2,p=1$c2VjcmV0$SECRET"
	if _, err = db.Model("users").Ctx(ctx).Data(gdb.Map{"name": "alice", "hash": secret}).Insert(); err != nil {
		t.Fatal(err)
	}
	if db.GetDebug() {
		t.Fatal("the statement debug log (arguments included) can be switched on")
	}

	failures := map[string]func() error{
		"insert": func() error {
			_, err := db.Model("users").Ctx(ctx).Data(gdb.Map{"name": "alice", "hash": secret}).Insert()
			return err
		},
		"update": func() error {
			_, err := db.Model("users").Ctx(ctx).Data(gdb.Map{"hash": nil}).Where("name", "alice").Update()
			return err
		},
		"raw exec": func() error {
			_, err := db.Exec(ctx, "INSERT INTO users (name, hash) VALUES (?, ?)", "alice", secret)
			return err
		},
		"query": func() error {
			_, err := db.GetAll(ctx, "SELECT * FROM missing WHERE hash = ?", secret)
			return err
		},
		"transaction": func() error {
			return db.Transaction(ctx, func(ctx context.Context, tx gdb.TX) error {
				_, err := tx.Model("users").Data(gdb.Map{"name": "alice", "hash": secret}).Insert()
				return err
			})
		},
	}
	for name, fail := range failures {
		t.Run(name, func(t *testing.T) {
			err := fail()
			if err == nil {
				t.Fatal("the statement did not fail")
			}
			for _, text := range []string{err.Error(), fmt.Sprintf("%+v", err)} {
				if strings.Contains(text, "SECRET") || strings.Contains(text, "alice") {
					t.Fatalf("the error carries an argument: %s", text)
				}
			}
			if gerror.Code(err) != gcode.CodeDbOperationError {
				t.Fatalf("code %v, want the database error code", gerror.Code(err))
			}
			if name != "transaction" && !strings.Contains(err.Error(), "?") {
				t.Fatalf("the error lost its statement: %v", err)
			}
		})
	}
}
