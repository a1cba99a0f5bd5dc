package integration

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// Nothing private is stored by a browser or proxy cache: every API answer
// (successes and errors alike, 401 and 429 included), every page and every
// export carries Cache-Control: no-store. Only public static files opt out
// (revalidated with an ETag), and the reply stream keeps the no-cache the
// spec names for it.
func TestPrivateAnswersAreNotStored(t *testing.T) {
	app, _ := startChatApp(t, Options{
		BodyLimit: "2KB",
		Policies: `    chat: {limit: 100000, period: "1m"}
    auth: {limit: 100000, period: "1m"}
    login-user: {limit: 2, period: "15m"}
    api: {limit: 100000, period: "1m"}
`,
	}, "")
	if out, err := runCLI(t, app, "admin-password\n", "user", "create", "--username", "boss", "--password-stdin", "--admin"); err != nil {
		t.Fatalf("create admin: %v\n%s", err, out)
	}
	admin := app.Client()
	Expect(t, admin.Login("boss", "admin-password"), 200, "admin login")
	user := signUp(t, app, "cache_user")
	anon := app.Client()
	conv := newConversation(t, user, nil)
	Expect(t, sendJSON(t, user, conv, map[string]any{"content": "hello"}), 200, "first message")
	for i := 0; i < 3; i++ {
		anon.Login("cache_user", "wrong-password")
	}

	type row struct {
		client       *Client
		method, path string
		body         any
		status       int
		headers      []string
	}
	c := fmt.Sprint(conv)
	rows := []row{
		{user, "GET", "/api/v1/me", nil, 200, nil},
		{user, "GET", "/api/v1/me/sessions", nil, 200, nil},
		{user, "GET", "/api/v1/models", nil, 200, nil},
		{user, "GET", "/api/v1/conversations", nil, 200, nil},
		{user, "GET", "/api/v1/conversations/" + c, nil, 200, nil},
		{user, "GET", "/api/v1/conversations/" + c + "/export?format=md", nil, 200, nil},
		{user, "GET", "/api/v1/conversations/" + c + "/export?format=json", nil, 200, nil},
		{user, "GET", "/api/v1/usage", nil, 200, nil},
		{user, "POST", "/api/v1/conversations", map[string]any{"title": "t"}, 200, nil},
		{user, "PATCH", "/api/v1/conversations/" + c, map[string]any{"title": "u"}, 200, nil},
		{user, "POST", "/api/v1/conversations/" + c + "/messages", map[string]any{"content": "hi"}, 200, []string{"Accept", "application/json"}},
		{user, "POST", "/api/v1/render/markdown", map[string]any{"items": []string{"*hi*"}}, 200, nil},
		{user, "GET", "/api/v1/conversations/999999", nil, 404, nil},
		{user, "GET", "/api/v1/conversations/abc", nil, 400, nil},
		{user, "POST", "/api/v1/conversations", strings.Repeat("x", 4096), 413, nil},
		{user, "GET", "/api/v1/admin/users", nil, 403, nil},
		{user, "GET", "/api/v1/no-such-route", nil, 404, nil},
		{admin, "GET", "/api/v1/admin/users", nil, 200, nil},
		{anon, "GET", "/api/v1/me", nil, 401, nil},
		{anon, "GET", "/api/v1/conversations", nil, 401, nil},
		{anon, "POST", "/api/v1/auth/login", map[string]string{"username": "cache_user", "password": "wrong-password"}, 429, nil},
		{anon, "POST", "/api/v1/auth/register", map[string]string{"username": "x", "password": "short"}, 400, nil},
		{app.Client(), "POST", "/api/v1/auth/register", map[string]string{"username": "cache_new", "password": "password-new"}, 200, nil},
		{app.Client(), "POST", "/api/v1/auth/login", map[string]string{"username": "boss", "password": "admin-password"}, 200, nil},
		{user, "GET", "/", nil, 200, nil},
		{user, "GET", "/settings", nil, 200, nil},
		{user, "GET", "/usage", nil, 200, nil},
		{user, "GET", "/admin", nil, 403, nil},
		{admin, "GET", "/admin", nil, 200, nil},
		{anon, "GET", "/login", nil, 200, nil},
		{anon, "GET", "/healthz", nil, 200, nil},
		{anon, "GET", "/api.json", nil, 200, nil},
	}
	for _, r := range rows {
		resp := r.client.Do(r.method, r.path, r.body, r.headers...)
		if resp.Status != r.status {
			t.Errorf("%s %s: status %d, want %d; body %.200s", r.method, r.path, resp.Status, r.status, resp.Raw)
		}
		if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("%s %s (%d): Cache-Control %q, want no-store", r.method, r.path, resp.Status, cc)
		}
	}

	// A logged-out browser is redirected, and the redirect is not stored
	// either (it would send the user back to /login after logging in).
	noFollow := app.Client()
	noFollow.HTTP.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	for _, path := range []string{"/", "/settings", "/usage", "/admin"} {
		resp := noFollow.Do("GET", path, nil)
		if resp.Status != 303 || resp.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("anonymous %s: %d, Cache-Control %q", path, resp.Status, resp.Header.Get("Cache-Control"))
		}
	}

	// The exceptions: a public, revalidated asset, and the reply stream.
	static := anon.Do("GET", "/static/css/app.css", nil)
	if static.Status != 200 || static.Header.Get("Cache-Control") != "no-cache" || static.Header.Get("ETag") == "" {
		t.Errorf("static asset: %d, Cache-Control %q, ETag %q", static.Status, static.Header.Get("Cache-Control"), static.Header.Get("ETag"))
	}
	s := openSSE(t, user, streamPath(conv), map[string]any{"content": "stream"})
	if s.Resp.StatusCode != 200 || s.Resp.Header.Get("Cache-Control") != "no-cache" {
		t.Errorf("stream: %d, Cache-Control %q", s.Resp.StatusCode, s.Resp.Header.Get("Cache-Control"))
	}
	s.All()
}
