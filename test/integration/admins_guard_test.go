package integration

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

func enabledAdmins(t *testing.T, app *App) int {
	t.Helper()
	var n int
	if err := app.DB().QueryRow("SELECT count(*) FROM users WHERE role = 'admin' AND disabled = 0").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func createAdmin(t *testing.T, app *App, name string) {
	t.Helper()
	if out, err := runCLI(t, app, "admin-password\n", "user", "create", "--username", name, "--password-stdin", "--admin"); err != nil {
		t.Fatalf("create admin %s: %v\n%s", name, err, out)
	}
}

// Two administrators disabling each other at the same moment: one wins, the
// other is refused, and an enabled administrator always remains.
func TestAdminsDisablingEachOtherKeepOneEnabled(t *testing.T) {
	app := StartApp(t, Options{})
	createAdmin(t, app, "admin_a")
	createAdmin(t, app, "admin_b")
	a, b := app.Client(), app.Client()
	Expect(t, a.Login("admin_a", "admin-password"), 200, "login a")
	Expect(t, b.Login("admin_b", "admin-password"), 200, "login b")
	idA, idB := userID(t, a), userID(t, b)

	for round := 0; round < 20; round++ {
		var wg sync.WaitGroup
		var ra, rb *Response
		start := make(chan struct{})
		wg.Add(2)
		go func() {
			defer wg.Done()
			<-start
			ra = a.Do("POST", fmt.Sprintf("/api/v1/admin/users/%d/disable", idB), nil)
		}()
		go func() {
			defer wg.Done()
			<-start
			rb = b.Do("POST", fmt.Sprintf("/api/v1/admin/users/%d/disable", idA), nil)
		}()
		close(start)
		wg.Wait()
		if n := enabledAdmins(t, app); n != 1 {
			t.Fatalf("round %d: %d enabled admins (a: %d %s; b: %d %s)", round, n, ra.Status, ra.Raw, rb.Status, rb.Raw)
		}
		// One succeeded; the other was refused as the last admin (409), or
		// was already disabled by the time its request was authenticated.
		won, lost := ra, rb
		if rb.Status == 200 {
			won, lost = rb, ra
		}
		if won.Status != 200 || (lost.Status != 409 && lost.Status != 401 && lost.Status != 403) {
			t.Fatalf("round %d: a %d %s; b %d %s", round, ra.Status, ra.Raw, rb.Status, rb.Raw)
		}
		if lost.Status == 409 && !strings.Contains(lost.Message, "last enabled administrator") {
			t.Fatalf("round %d: refusal %q", round, lost.Message)
		}
		// The CLI brings the disabled one back for the next round.
		disabled := "admin_b"
		if won == rb {
			disabled = "admin_a"
		}
		if out, err := runCLI(t, app, "", "user", "enable", "--username", disabled); err != nil {
			t.Fatalf("enable %s: %v\n%s", disabled, err, out)
		}
		for _, c := range []struct {
			cl   *Client
			name string
		}{{a, "admin_a"}, {b, "admin_b"}} {
			if c.cl.Do("GET", "/api/v1/me", nil).Status != 200 {
				Expect(t, c.cl.Login(c.name, "admin-password"), 200, "login again after enable")
			}
		}
	}
}

// A disabled administrator does not count as one: the last enabled
// administrator can be neither disabled nor demoted, whoever else holds
// the role.
func TestLastEnabledAdminCannotBeDisabled(t *testing.T) {
	app := StartApp(t, Options{})
	createAdmin(t, app, "boss")
	createAdmin(t, app, "deputy")
	boss := app.Client()
	Expect(t, boss.Login("boss", "admin-password"), 200, "login boss")
	deputy := app.Client()
	Expect(t, deputy.Login("deputy", "admin-password"), 200, "login deputy")
	idBoss, idDeputy := userID(t, boss), userID(t, deputy)

	Expect(t, boss.Do("POST", fmt.Sprintf("/api/v1/admin/users/%d/disable", idDeputy), nil), 200, "disable deputy")
	Expect(t, boss.Do("POST", fmt.Sprintf("/api/v1/admin/users/%d/disable", idDeputy), nil), 200, "disable a disabled admin again")
	// The deputy is back (CLI) and demoted to a user: boss is the only admin.
	if out, err := runCLI(t, app, "", "user", "enable", "--username", "deputy"); err != nil || !strings.Contains(out, "enabled user deputy") {
		t.Fatalf("enable: %v\n%s", err, out)
	}
	if out, err := runCLI(t, app, "", "user", "promote", "--username", "deputy", "--demote"); err != nil || !strings.Contains(out, "role user") {
		t.Fatalf("demote: %v\n%s", err, out)
	}
	Expect(t, deputy.Login("deputy", "admin-password"), 200, "deputy logs in")
	Expect(t, deputy.Do("GET", "/api/v1/admin/users", nil), 403, "a demoted admin")
	// The only admin cannot be demoted either.
	if out, err := runCLI(t, app, "", "user", "promote", "--username", "boss", "--demote"); err == nil || !strings.Contains(out, "last enabled administrator") {
		t.Fatalf("demoting the last admin: %v\n%s", err, out)
	}
	if enabledAdmins(t, app) != 1 {
		t.Fatal("no enabled admin left")
	}
	// Promoted again, the deputy can act as an admin.
	if out, err := runCLI(t, app, "", "user", "promote", "--username", "DEPUTY"); err != nil || !strings.Contains(out, "role admin") {
		t.Fatalf("promote: %v\n%s", err, out)
	}
	Expect(t, deputy.Do("GET", "/api/v1/admin/users", nil), 200, "a promoted user")
	Expect(t, deputy.Do("POST", fmt.Sprintf("/api/v1/admin/users/%d/disable", idBoss), nil), 200, "disable boss: deputy remains")
	Expect(t, boss.Do("GET", "/api/v1/me", nil), 401, "disabled boss's session")
}

// A database left without an enabled administrator (by an older version,
// or by hand) is repaired from the CLI.
func TestUserCLIEnableAndPromote(t *testing.T) {
	app := StartApp(t, Options{})
	createAdmin(t, app, "only_admin")
	signUp(t, app, "plain_user")
	if _, err := app.DB().Exec("UPDATE users SET disabled = 1"); err != nil {
		t.Fatal(err)
	}
	Expect(t, app.Client().Login("only_admin", "admin-password"), 403, "disabled admin")
	if out, err := runCLI(t, app, "", "user", "enable", "--username", "only_admin"); err != nil {
		t.Fatalf("enable: %v\n%s", err, out)
	}
	admin := app.Client()
	Expect(t, admin.Login("only_admin", "admin-password"), 200, "re-enabled admin")
	Expect(t, admin.Do("GET", "/api/v1/admin/users", nil), 200, "admin again")

	if out, err := runCLI(t, app, "", "user", "enable", "--username", "plain_user"); err != nil {
		t.Fatalf("enable: %v\n%s", err, out)
	}
	if out, err := runCLI(t, app, "", "user", "promote", "--username", "plain_user"); err != nil {
		t.Fatalf("promote: %v\n%s", err, out)
	}
	u := app.Client()
	Expect(t, u.Login("plain_user", "password-plain_user"), 200, "login")
	Expect(t, u.Do("GET", "/api/v1/admin/users", nil), 200, "promoted user is an admin")

	for _, bad := range [][]string{
		{"user", "enable", "--username", "ghost"},
		{"user", "enable"},
		{"user", "promote", "--username", "ghost"},
		{"user", "promote"},
	} {
		if out, err := runCLI(t, app, "", bad...); err == nil {
			t.Fatalf("%v accepted:\n%s", bad, out)
		}
	}
}

// --tokens takes plain decimal digits only: anything GoFrame's number
// conversion would read some other way (a fraction, hex, an exponent) or
// that is not a positive amount within the grant bound is refused, and
// nothing reaches the ledger.
func TestGrantTokensAcceptsDecimalIntegersOnly(t *testing.T) {
	app := StartApp(t, Options{NewUserTokens: 100})
	signUp(t, app, "granted")
	for _, bad := range []string{
		"1.9", "0x10", "0X10", "1e3", "1E3", "0b101", "0o17", "+5", "-5", "- 5", " 5", "5 ", "5\n",
		"", "0", "1_000", "1,000", "٣", "５", "10abc", "abc", "NaN", "Inf", "1.0",
		"9223372036854775808", "99999999999999999999", "1000000001",
	} {
		for _, args := range [][]string{
			{"user", "grant", "--username", "granted", "--tokens", bad},
			{"user", "grant", "--username", "granted", "--tokens=" + bad},
		} {
			if out, err := runCLI(t, app, "", args...); err == nil {
				t.Fatalf("%q accepted:\n%s", args, out)
			}
		}
	}
	if out, err := runCLI(t, app, "", "user", "grant", "--username", "granted"); err == nil || !strings.Contains(out, "--tokens") {
		t.Fatalf("missing --tokens: %v\n%s", err, out)
	}
	var grants int
	if err := app.DB().QueryRow("SELECT count(*) FROM usage_ledger WHERE kind = 'grant' AND note = 'cli grant'").Scan(&grants); err != nil || grants != 0 {
		t.Fatalf("refused grants reached the ledger: %d %v", grants, err)
	}
	for _, good := range []string{"5", "007", "1000000000"} {
		if out, err := runCLI(t, app, "", "user", "grant", "--username", "granted", "--tokens", good); err != nil {
			t.Fatalf("%q refused: %v\n%s", good, err, out)
		}
	}
	out, err := runCLI(t, app, "", "user", "grant", "--username", "GRANTED", "--tokens=1")
	if err != nil || !strings.Contains(out, fmt.Sprintf("balance %d", 100+5+7+1000000000+1)) {
		t.Fatalf("balance after grants: %v\n%s", err, out)
	}
	checkLedger(t, app)
}
