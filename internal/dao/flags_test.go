package dao_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/gogf/gf/contrib/drivers/sqlite/v2"
	"github.com/gogf/gf/v2/database/gdb"
	"github.com/gogf/gf/v2/frame/g"

	"gptbot/internal/dao"
	"gptbot/internal/library/migrate"
	"gptbot/internal/model/do"
	"gptbot/internal/model/entity"
)

// TestMain points the default database group at a fresh, migrated SQLite
// file, configured as the app configures it.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "gptbot-dao-")
	if err != nil {
		panic(err)
	}
	err = gdb.SetConfig(gdb.Config{gdb.DefaultGroupName: gdb.ConfigGroup{{
		Type: "sqlite", Name: filepath.Join(dir, "dao.db"),
		Extra: "busy_timeout=5000&journal_mode=WAL&foreign_keys=1",
	}}})
	if err == nil {
		_, err = migrate.Up(context.Background(), g.DB())
	}
	if err != nil {
		panic(err)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// stored reads a flag column as SQLite keeps it: its storage class and value.
func stored(t *testing.T, ctx context.Context, table, column string, id int64) (typ string, v int64) {
	t.Helper()
	r, err := g.DB().GetOne(ctx, "SELECT typeof("+column+") AS t, "+column+" AS v FROM "+table+" WHERE id = ?", id)
	if err != nil {
		t.Fatal(err)
	}
	if r.IsEmpty() {
		t.Fatalf("%s %d: no row", table, id)
	}
	return r["t"].String(), r["v"].Int64()
}

// The 0/1 flag columns are Go bools in the generated models: a bool written
// through do.* is stored as the integer 0 or 1 (what raw SQL, the migrations'
// defaults and older rows use), reads back into entity.* as the same bool,
// and filters rows when used in a Where.
func TestFlagColumnsAreStoredAsZeroOrOne(t *testing.T) {
	ctx := context.Background()
	for _, flag := range []bool{false, true} {
		uid, err := dao.Users.Ctx(ctx).Data(do.Users{Username: "u", UsernameKey: g.NewVar(flag).String() + "-user",
			PasswordHash: "x", Disabled: flag}).InsertAndGetId()
		if err != nil {
			t.Fatal(err)
		}
		convId, err := dao.Conversations.Ctx(ctx).Data(do.Conversations{UserId: uid}).InsertAndGetId()
		if err != nil {
			t.Fatal(err)
		}
		msgId, err := dao.Messages.Ctx(ctx).Data(do.Messages{ConversationId: convId, Role: "assistant",
			Estimated: flag}).InsertAndGetId()
		if err != nil {
			t.Fatal(err)
		}
		ledgerId, err := dao.UsageLedger.Ctx(ctx).Data(do.UsageLedger{UserId: uid, Kind: "grant", Tokens: 0,
			MessageId: msgId, Estimated: flag}).InsertAndGetId()
		if err != nil {
			t.Fatal(err)
		}
		want := int64(0)
		if flag {
			want = 1
		}
		for _, c := range []struct {
			table, column string
			id            int64
		}{
			{dao.Users.Table(), dao.Users.Columns().Disabled, uid},
			{dao.Messages.Table(), dao.Messages.Columns().Estimated, msgId},
			{dao.UsageLedger.Table(), dao.UsageLedger.Columns().Estimated, ledgerId},
		} {
			if typ, v := stored(t, ctx, c.table, c.column, c.id); typ != "integer" || v != want {
				t.Errorf("%s.%s written as %v: stored %s %d, want integer %d", c.table, c.column, flag, typ, v, want)
			}
		}

		var u entity.Users
		if err := dao.Users.Ctx(ctx).WherePri(uid).Scan(&u); err != nil {
			t.Fatal(err)
		}
		var m entity.Messages
		if err := dao.Messages.Ctx(ctx).WherePri(msgId).Scan(&m); err != nil {
			t.Fatal(err)
		}
		var l entity.UsageLedger
		if err := dao.UsageLedger.Ctx(ctx).WherePri(ledgerId).Scan(&l); err != nil {
			t.Fatal(err)
		}
		if u.Id != uid || u.Disabled != flag || m.Estimated != flag || l.Estimated != flag {
			t.Errorf("written %v: read back user %d disabled %v, message estimated %v, ledger estimated %v",
				flag, u.Id, u.Disabled, m.Estimated, l.Estimated)
		}

		n, err := dao.Users.Ctx(ctx).Where(do.Users{Id: uid, Disabled: flag}).Count()
		if err != nil {
			t.Fatal(err)
		}
		other, err := dao.Users.Ctx(ctx).Where(do.Users{Id: uid, Disabled: !flag}).Count()
		if err != nil {
			t.Fatal(err)
		}
		if n != 1 || other != 0 {
			t.Errorf("user with disabled=%v: Where disabled=%v finds %d, Where disabled=%v finds %d", flag, flag, n, !flag, other)
		}
	}
}

// A row written by raw SQL with 0/1 (the migrations' defaults, the tests'
// fixtures) reads as the matching bool.
func TestFlagColumnsReadRawIntegers(t *testing.T) {
	ctx := context.Background()
	for _, v := range []int{0, 1} {
		res, err := g.DB().Exec(ctx, "INSERT INTO users (username, username_key, password_hash, disabled) VALUES ('r', ?, 'x', ?)",
			"raw-"+g.NewVar(v).String(), v)
		if err != nil {
			t.Fatal(err)
		}
		id, err := res.LastInsertId()
		if err != nil {
			t.Fatal(err)
		}
		var u entity.Users
		if err := dao.Users.Ctx(ctx).WherePri(id).Scan(&u); err != nil {
			t.Fatal(err)
		}
		if u.Disabled != (v == 1) {
			t.Errorf("disabled stored as %d reads as %v", v, u.Disabled)
		}
	}
}
