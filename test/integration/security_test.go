package integration

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

func TestCrossSiteStateChangesAreRefused(t *testing.T) {
	app := StartApp(t, Options{})
	c := app.Client()
	c.MustSignUp("victim", "password123")
	id := c.SessionCookie()

	cross := [][]string{
		{"Sec-Fetch-Site", "cross-site"},
		{"Origin", "https://evil.example"},
		{"Sec-Fetch-Site", "same-site", "Origin", "https://sub.evil.example"},
	}
	for _, h := range cross {
		r := c.Do("POST", "/api/v1/me/sessions/revoke-others", nil, h...)
		Expect(t, r, 403, "cross-site POST "+strings.Join(h, "="))
		r = c.Do("POST", "/api/v1/auth/logout", nil, h...)
		Expect(t, r, 403, "cross-site logout "+strings.Join(h, "="))
		r = c.Do("POST", "/api/v1/auth/login", `{"username":"victim","password":"password123"}`, h...)
		Expect(t, r, 403, "cross-site login "+strings.Join(h, "="))
	}
	if c.SessionCookie() != id {
		t.Fatal("a refused request changed the session")
	}
	Expect(t, c.Do("GET", "/api/v1/me", nil), 200, "still logged in")

	// Same-origin browsers and header-less clients (curl, scripts) pass.
	Expect(t, c.Do("POST", "/api/v1/me/sessions/revoke-others", nil, "Sec-Fetch-Site", "same-origin", "Origin", app.URL), 200, "same-origin")
	Expect(t, c.Do("POST", "/api/v1/me/sessions/revoke-others", nil, "Origin", app.URL), 200, "same Origin")
	Expect(t, c.Do("POST", "/api/v1/me/sessions/revoke-others", nil), 200, "no browser headers")
	// Reads are not state changes.
	Expect(t, c.Do("GET", "/api/v1/me", nil, "Sec-Fetch-Site", "cross-site"), 200, "cross-site GET")
}

func TestSecurityHeadersAndNoWildcardCORS(t *testing.T) {
	app := StartApp(t, Options{})
	c := app.Client()
	r := c.Do("GET", "/api/v1/me", nil, "Origin", "https://evil.example")
	h := r.Header
	if !strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") ||
		strings.Contains(h.Get("Content-Security-Policy"), "unsafe-inline") ||
		h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") == "" {
		t.Fatalf("security headers missing: %v", h)
	}
	if h.Get("Access-Control-Allow-Origin") != "" || h.Get("Access-Control-Allow-Credentials") != "" {
		t.Fatalf("CORS headers echoed for a foreign origin: %v", h)
	}
}

// runCLI runs the gptbot binary with the app's config.
func runCLI(t *testing.T, app *App, stdin string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append(os.Environ(), "GF_GCFG_FILE="+app.cfgPath)
	cmd.Stdin = strings.NewReader(stdin)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

func TestUserCLI(t *testing.T) {
	app := StartApp(t, Options{NewUserTokens: 100})
	out, err := runCLI(t, app, "admin-password\n", "user", "create", "--username", "root_admin", "--password-stdin", "--admin")
	if err != nil || !strings.Contains(out, "role admin") {
		t.Fatalf("user create: %v\n%s", err, out)
	}
	c := app.Client()
	Expect(t, c.Login("root_admin", "admin-password"), 200, "login as CLI-created admin")
	if r := c.Do("GET", "/api/v1/me", nil); !strings.Contains(r.Raw, `"role":"admin"`) {
		t.Fatalf("me: %s", r.Raw)
	}

	if out, err = runCLI(t, app, "short\n", "user", "create", "--username", "weak", "--password-stdin"); err == nil {
		t.Fatalf("a 5-character password was accepted:\n%s", out)
	}
	if out, err = runCLI(t, app, "", "user", "create", "--username", "nopass", "--password-stdin"); err == nil {
		t.Fatalf("an empty stdin was accepted:\n%s", out)
	}
	if out, err = runCLI(t, app, "admin-password\n", "user", "create", "--username", "ROOT_ADMIN", "--password-stdin"); err == nil || !strings.Contains(out, "taken") {
		t.Fatalf("duplicate username: %v\n%s", err, out)
	}
	if out, err = runCLI(t, app, "", "user", "create", "--username", "x_user", "--password", "on-the-command-line"); err == nil {
		t.Fatalf("password without --password-stdin accepted:\n%s", out)
	}

	out, err = runCLI(t, app, "", "user", "grant", "--username", "Root_Admin", "--tokens", "250")
	if err != nil || !strings.Contains(out, "balance 350") {
		t.Fatalf("user grant: %v\n%s", err, out)
	}
	for _, bad := range [][]string{{"--username", "root_admin", "--tokens", "-5"}, {"--username", "root_admin", "--tokens", "abc"}, {"--username", "root_admin", "--tokens", "9223372036854775807"}, {"--username", "ghost", "--tokens", "5"}} {
		if out, err = runCLI(t, app, "", append([]string{"user", "grant"}, bad...)...); err == nil {
			t.Fatalf("grant %v accepted:\n%s", bad, out)
		}
	}
	var grants, balance int64
	db := app.DB()
	mustScan(t, db.QueryRow("SELECT coalesce(sum(tokens),0) FROM usage_ledger l JOIN users u ON u.id=l.user_id WHERE u.username='root_admin' AND kind='grant'"), &grants)
	mustScan(t, db.QueryRow("SELECT token_balance FROM users WHERE username='root_admin'"), &balance)
	if grants != 350 || balance != 350 {
		t.Fatalf("ledger grants %d, balance %d; want 350 each", grants, balance)
	}
}

func TestAPIReferenceWorksOffline(t *testing.T) {
	app := StartApp(t, Options{})
	c := app.Client()
	r := c.Do("GET", "/swagger", nil)
	if r.Status != 200 || !strings.Contains(r.Raw, `src="/static/js/apidoc.js"`) {
		t.Fatalf("/swagger: %d %s", r.Status, r.Raw)
	}
	if strings.Contains(r.Raw, "https://") || strings.Contains(r.Raw, "http://") {
		t.Fatal("/swagger loads something from another origin")
	}
	// The description is built right after the server starts; until then
	// the endpoint says so with a 503.
	spec := c.Do("GET", "/api.json", nil)
	for i := 0; spec.Status == 503 && i < 100; i++ {
		Expect(t, spec, 503, "api.json while it is built")
		time.Sleep(50 * time.Millisecond)
		spec = c.Do("GET", "/api.json", nil)
	}
	if spec.Status != 200 || !strings.Contains(spec.Raw, `"/api/v1/auth/login"`) || !strings.Contains(spec.Raw, `"/api/v1/conversations/{id}/messages"`) {
		t.Fatalf("/api.json: %d", spec.Status)
	}
}

func TestReadyzNamesTheDatabase(t *testing.T) {
	app := StartApp(t, Options{})
	c := app.Client()
	Expect(t, c.Do("GET", "/readyz", nil), 200, "ready")
	db := app.DB()
	// Break the schema under the running app: its readiness read fails.
	if _, err := db.Exec("ALTER TABLE schema_migrations RENAME TO schema_migrations_away"); err != nil {
		t.Fatal(err)
	}
	r := c.Do("GET", "/readyz", nil)
	if r.Status != 503 || !strings.Contains(r.Message, "database") || strings.Contains(r.Message, "redis") {
		t.Fatalf("readyz with a broken database: %d %s", r.Status, r.Raw)
	}
	if !strings.Contains(r.Raw, `"redis":"ok"`) || strings.Contains(r.Raw, "schema_migrations") {
		t.Fatalf("readyz body: %s", r.Raw)
	}
	if _, err := db.Exec("ALTER TABLE schema_migrations_away RENAME TO schema_migrations"); err != nil {
		t.Fatal(err)
	}
	Expect(t, c.Do("GET", "/readyz", nil), 200, "ready again")
}
