package integration

import (
	"os"
	"strings"
	"testing"
)

// failWrites makes SQLite refuse a kind of write on a table, the way a full
// disk or a read-only file does, until the returned func is called.
func failWrites(t *testing.T, app *App, event, table string) (restore func()) {
	t.Helper()
	db := app.DB()
	name := "fail_" + strings.ToLower(event) + "_" + table
	stmt := "CREATE TRIGGER " + name + " BEFORE " + event + " ON " + table +
		" BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"
	if _, err := db.Exec(stmt); err != nil {
		t.Fatal(err)
	}
	return func() {
		if _, err := db.Exec("DROP TRIGGER " + name); err != nil {
			t.Fatal(err)
		}
	}
}

// withGoFrameErrorLog restarts the app with GoFrame's own server error log
// on (the production default), which logs every request error itself.
func withGoFrameErrorLog(t *testing.T, app *App) {
	t.Helper()
	app.Stop()
	cfg, err := os.ReadFile(app.cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	cfg = []byte(strings.Replace(string(cfg), "errorLogEnabled: false", "errorLogEnabled: true\n  errorStack: true", 1))
	if err = os.WriteFile(app.cfgPath, cfg, 0o600); err != nil {
		t.Fatal(err)
	}
	app.Start()
}

// No failed write, on any path, puts a statement's arguments (a password
// hash, a message's text, a username) into the log.
func TestFailedWritesLogNoSQLArguments(t *testing.T) {
	app, up := startChatApp(t, Options{}, "")
	withGoFrameErrorLog(t, app)
	_ = up
	owner := signUp(t, app, "owner")
	conv := newConversation(t, owner, map[string]any{})

	restore := failWrites(t, app, "INSERT", "users")
	r := app.Client().Register("victim-name", "Victim-Password-1")
	Expect(t, r, 503, "register while users cannot be written")
	restore()

	restore = failWrites(t, app, "UPDATE", "users")
	r = owner.Do("POST", "/api/v1/me/password", map[string]string{
		"oldPassword": "password-owner", "newPassword": "Changed-Password-2"})
	Expect(t, r, 503, "password change while users cannot be written")
	restore()

	restore = failWrites(t, app, "INSERT", "messages")
	r = sendJSON(t, owner, conv, map[string]any{"content": "MESSAGE-TEXT-MARKER"})
	Expect(t, r, 503, "message while messages cannot be written")
	restore()

	log := app.Log()
	if !strings.Contains(log, "database") {
		t.Fatalf("the failures were not logged at all:\n%s", log)
	}
	for _, secret := range []string{"$argon2id$", "argon2id", "victim-name", "MESSAGE-TEXT-MARKER",
		"Victim-Password", "Changed-Password"} {
		if strings.Contains(log, secret) {
			t.Fatalf("the log carries %q:\n%s", secret, log)
		}
	}
}

// /readyz writes, not only reads: a database that answers reads but refuses
// writes is not ready, and says so.
func TestReadyzFailsWhenTheDatabaseCannotBeWritten(t *testing.T) {
	app := StartApp(t, Options{})
	c := app.Client()
	Expect(t, c.Do("GET", "/readyz", nil), 200, "ready")
	restore := failWrites(t, app, "UPDATE", "schema_migrations")
	r := c.Do("GET", "/readyz", nil)
	if r.Status != 503 || !strings.Contains(r.Message, "database not writable") ||
		!strings.Contains(r.Raw, `"database":"not writable"`) || !strings.Contains(r.Raw, `"redis":"ok"`) {
		t.Fatalf("readyz with a database that refuses writes: %d %s", r.Status, r.Raw)
	}
	restore()
	Expect(t, c.Do("GET", "/readyz", nil), 200, "ready again")
}
