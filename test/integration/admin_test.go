package integration

import (
	"fmt"
	"strings"
	"testing"
)

func TestAdminUsersGrantDisable(t *testing.T) {
	app := StartApp(t, Options{NewUserTokens: 100})
	if out, err := runCLI(t, app, "admin-password\n", "user", "create", "--username", "boss", "--password-stdin", "--admin"); err != nil {
		t.Fatalf("create admin: %v\n%s", err, out)
	}
	admin := app.Client()
	Expect(t, admin.Login("boss", "admin-password"), 200, "admin login")
	alice := signUp(t, app, "alice_a")
	aliceOther := app.Client() // a second device
	Expect(t, aliceOther.Login("alice_a", "password-alice_a"), 200, "second login")
	aliceID := userID(t, alice)
	adminID := userID(t, admin)

	// Not for ordinary users, nor for nobody.
	for _, tc := range []struct {
		method, path string
		body         any
	}{
		{"GET", "/api/v1/admin/users", nil},
		{"POST", fmt.Sprintf("/api/v1/admin/users/%d/grant", aliceID), map[string]any{"tokens": 5}},
		{"POST", fmt.Sprintf("/api/v1/admin/users/%d/disable", adminID), nil},
		{"POST", fmt.Sprintf("/api/v1/admin/users/%d/enable", aliceID), nil},
	} {
		Expect(t, alice.Do(tc.method, tc.path, tc.body), 403, "user: "+tc.path)
		Expect(t, app.Client().Do(tc.method, tc.path, tc.body), 401, "anonymous: "+tc.path)
	}
	if balance(t, alice) != 100 {
		t.Fatal("a user granted themselves tokens")
	}

	r := admin.Do("GET", "/api/v1/admin/users?page=1&size=10", nil)
	Expect(t, r, 200, "list users")
	var page struct {
		List []struct {
			Id           int64  `json:"id"`
			Username     string `json:"username"`
			Role         string `json:"role"`
			TokenBalance int64  `json:"tokenBalance"`
			Disabled     bool   `json:"disabled"`
		} `json:"list"`
		Total int `json:"total"`
	}
	mustJSON(t, r.Data, &page)
	if page.Total != 2 || len(page.List) != 2 || page.List[0].Username != "boss" || page.List[0].Role != "admin" ||
		page.List[1].Username != "alice_a" || page.List[1].TokenBalance != 100 || page.List[1].Disabled {
		t.Fatalf("users: %s", r.Raw)
	}
	if strings.Contains(strings.ToLower(r.Raw), "hash") || strings.Contains(r.Raw, "argon2") {
		t.Fatalf("password hashes listed: %s", r.Raw)
	}
	Expect(t, admin.Do("GET", "/api/v1/admin/users?size=500", nil), 400, "size too big")

	// Grant: writes the ledger, names the admin.
	grant := fmt.Sprintf("/api/v1/admin/users/%d/grant", aliceID)
	r = admin.Do("POST", grant, map[string]any{"tokens": 250})
	Expect(t, r, 200, "grant")
	if !strings.Contains(r.Raw, `"tokenBalance":350`) || balance(t, alice) != 350 {
		t.Fatalf("grant: %s", r.Raw)
	}
	var note string
	mustScan(t, app.DB().QueryRow("SELECT note FROM usage_ledger WHERE user_id = ? AND kind = 'grant' ORDER BY id DESC LIMIT 1", aliceID), &note)
	if !strings.Contains(note, "boss") {
		t.Fatalf("grant note %q", note)
	}
	for _, bad := range []any{map[string]any{}, map[string]any{"tokens": 0}, map[string]any{"tokens": -5},
		map[string]any{"tokens": "lots"}, map[string]any{"tokens": 2000000000}, map[string]any{"tokens": 1.5}} {
		r := admin.Do("POST", grant, bad)
		Expect(t, r, 400, fmt.Sprintf("grant %v", bad))
		if !strings.Contains(r.Message, "tokens") {
			t.Fatalf("grant %v: message %q", bad, r.Message)
		}
	}
	Expect(t, admin.Do("POST", "/api/v1/admin/users/999999/grant", map[string]any{"tokens": 5}), 404, "grant to nobody")
	Expect(t, admin.Do("POST", "/api/v1/admin/users/abc/grant", map[string]any{"tokens": 5}), 400, "grant to a bad id")

	// Disable: every session of the user ends at once, and login is refused.
	Expect(t, admin.Do("POST", fmt.Sprintf("/api/v1/admin/users/%d/disable", adminID), nil), 409, "disable yourself")
	r = admin.Do("POST", fmt.Sprintf("/api/v1/admin/users/%d/disable", aliceID), nil)
	Expect(t, r, 200, "disable")
	var dis struct {
		Disabled        bool `json:"disabled"`
		RevokedSessions int  `json:"revokedSessions"`
	}
	mustJSON(t, r.Data, &dis)
	if !dis.Disabled || dis.RevokedSessions != 2 {
		t.Fatalf("disable: %s", r.Raw)
	}
	Expect(t, alice.Do("GET", "/api/v1/me", nil), 401, "disabled user's session")
	Expect(t, aliceOther.Do("GET", "/api/v1/me", nil), 401, "disabled user's other session")
	Expect(t, alice.Login("alice_a", "password-alice_a"), 403, "disabled user logs in")
	Expect(t, admin.Do("POST", "/api/v1/admin/users/999999/disable", nil), 404, "disable nobody")

	r = admin.Do("POST", fmt.Sprintf("/api/v1/admin/users/%d/enable", aliceID), nil)
	Expect(t, r, 200, "enable")
	if !strings.Contains(r.Raw, `"disabled":false`) {
		t.Fatalf("enable: %s", r.Raw)
	}
	Expect(t, alice.Login("alice_a", "password-alice_a"), 200, "enabled user logs in")

	// The CLI grant writes the same ledger.
	if out, err := runCLI(t, app, "", "user", "grant", "--username", "alice_a", "--tokens", "50"); err != nil || !strings.Contains(out, "balance 400") {
		t.Fatalf("cli grant: %v\n%s", err, out)
	}
	checkLedger(t, app)
}
