package integration

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strings"
	"testing"
)

// pathRoute is one API route with a path parameter: path is built with the
// object the request names; other is an object of the same owner that a
// repeated parameter could point the request at instead.
type pathRoute struct {
	method, tmpl string // tmpl as /api.json lists it
	param        string
	own, other   string
	client       *Client
	body         map[string]any // the route's own, valid body fields
	query        string         // the route's own query, without "?"
	headers      []string
	// verify checks, after the valid request, that it acted on own only.
	verify func()
}

func (p pathRoute) path() string {
	return strings.Replace(p.tmpl, "{"+p.param+"}", url.PathEscape(p.own), 1)
}

// carrier repeats the path parameter somewhere else in the request.
type carrier struct {
	name string
	// build returns the query to add, the body (nil: none) and its content type.
	build func(p pathRoute) (query string, body string, contentType string)
}

// keyVariants are spellings GoFrame's struct binding folds onto the same
// field: case and the symbols - _ . and space do not count.
func keyVariants(param string) map[string]string {
	return map[string]string{
		"exact":      param,
		"upper":      strings.ToUpper(param),
		"title":      strings.ToUpper(param[:1]) + param[1:],
		"underscore": param[:1] + "_" + param[1:],
		"dash":       param[:1] + "-" + param[1:],
		"dot":        strings.ToUpper(param[:1]) + "." + param[1:],
	}
}

func jsonWith(p pathRoute, key string, value any) string {
	m := map[string]any{}
	for k, v := range p.body {
		m[k] = v
	}
	m[key] = value
	b, _ := json.Marshal(m)
	return string(b)
}

func ownBody(p pathRoute) string {
	if p.body == nil {
		return ""
	}
	b, _ := json.Marshal(p.body)
	return string(b)
}

func carriers(param string) []carrier {
	var out []carrier
	variants := keyVariants(param)
	names := make([]string, 0, len(variants))
	for n := range variants {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		key := variants[n]
		out = append(out,
			carrier{"json body " + n, func(p pathRoute) (string, string, string) {
				return "", jsonWith(p, key, p.other), "application/json"
			}},
			carrier{"query " + n, func(p pathRoute) (string, string, string) {
				return url.QueryEscape(key) + "=" + url.QueryEscape(p.other), ownBody(p), "application/json"
			}},
		)
	}
	return append(out,
		carrier{"json body number", func(p pathRoute) (string, string, string) {
			var n json.Number = json.Number(p.other)
			if _, err := n.Int64(); err != nil {
				return "", jsonWith(p, param, p.other), "application/json"
			}
			return "", jsonWith(p, param, n), "application/json"
		}},
		carrier{"json body equal value", func(p pathRoute) (string, string, string) {
			return "", jsonWith(p, param, p.own), "application/json"
		}},
		carrier{"query duplicate", func(p pathRoute) (string, string, string) {
			return param + "=" + url.QueryEscape(p.own) + "&" + param + "=" + url.QueryEscape(p.other), ownBody(p), "application/json"
		}},
		carrier{"query array", func(p pathRoute) (string, string, string) {
			return param + "[]=" + url.QueryEscape(p.other), ownBody(p), "application/json"
		}},
		carrier{"json body sent as a form", func(p pathRoute) (string, string, string) {
			return "", jsonWith(p, param, p.other), "application/x-www-form-urlencoded"
		}},
		carrier{"form body", func(p pathRoute) (string, string, string) {
			v := url.Values{}
			for k, val := range p.body {
				v.Set(k, fmt.Sprint(val))
			}
			v.Set(param, p.other)
			return "", v.Encode(), "application/x-www-form-urlencoded"
		}},
	)
}

// send makes the request with a raw body ("": none) and content type.
func (c *Client) send(method, path, body, contentType string, headers ...string) *Response {
	c.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	return c.request(method, path, rd, contentType, headers...)
}

// appState is everything a request could change: conversations, messages,
// users, the ledger and the sessions in Redis.
func appState(t *testing.T, app *App) string {
	t.Helper()
	var b strings.Builder
	db := app.DB()
	for _, q := range []string{
		"SELECT id, user_id, title, model, system_prompt, updated_at FROM conversations ORDER BY id",
		"SELECT id, conversation_id, role, content, status FROM messages ORDER BY id",
		"SELECT id, token_balance, disabled, role, updated_at FROM users ORDER BY id",
		"SELECT id, user_id, kind, tokens FROM usage_ledger ORDER BY id",
	} {
		rows, err := db.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintln(&b, vals...)
		}
		rows.Close()
	}
	keys, err := app.RedisClient().Keys(context.Background(), "gptbot:*").Result()
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if strings.Contains(k, "rl:") {
			continue // rate-limit counters move with every request
		}
		fmt.Fprintln(&b, k)
	}
	return b.String()
}

// A path parameter is never overridden by the query or the body, whatever
// the spelling of the key or the way it is carried: every route with a
// path parameter answers 400 and changes nothing.
func TestPathParamsCannotBeOverridden(t *testing.T) {
	app, _ := startChatApp(t, Options{NewUserTokens: 1000}, "")
	if out, err := runCLI(t, app, "admin-password\n", "user", "create", "--username", "boss", "--password-stdin", "--admin"); err != nil {
		t.Fatalf("create admin: %v\n%s", err, out)
	}
	admin := app.Client()
	Expect(t, admin.Login("boss", "admin-password"), 200, "admin login")
	alice := signUp(t, app, "alice_p")
	phone, tablet := app.Client(), app.Client()
	Expect(t, phone.Do("POST", "/api/v1/auth/login", map[string]string{"username": "alice_p", "password": "password-alice_p"}, "User-Agent", "Phone/1"), 200, "phone login")
	Expect(t, tablet.Do("POST", "/api/v1/auth/login", map[string]string{"username": "alice_p", "password": "password-alice_p"}, "User-Agent", "Tablet/1"), 200, "tablet login")
	bob := signUp(t, app, "bob_p")
	carol := signUp(t, app, "carol_p")
	aliceID, bobID, carolID := userID(t, alice), userID(t, bob), userID(t, carol)
	Expect(t, admin.Do("POST", fmt.Sprintf("/api/v1/admin/users/%d/disable", carolID), nil), 200, "disable carol")

	convA := newConversation(t, alice, map[string]any{"title": "A"})
	convB := newConversation(t, alice, map[string]any{"title": "B"})
	for _, conv := range []int64{convA, convB} {
		Expect(t, sendJSON(t, alice, conv, map[string]any{"content": "hello"}), 200, "first exchange")
	}
	handles := map[string]string{}
	for _, row := range listSessions(t, alice) {
		handles[row.UserAgent] = row.Handle
	}
	if handles["Phone/1"] == "" || handles["Tablet/1"] == "" {
		t.Fatalf("sessions: %v", handles)
	}

	a, b := fmt.Sprint(convA), fmt.Sprint(convB)
	acceptJSON := []string{"Accept", "application/json"}
	convExists := func(id int64) bool {
		var n int
		mustScan(t, app.DB().QueryRow("SELECT count(*) FROM conversations WHERE id = ?", id), &n)
		return n == 1
	}
	titleOf := func(id int64) string {
		var title string
		mustScan(t, app.DB().QueryRow("SELECT title FROM conversations WHERE id = ?", id), &title)
		return title
	}
	messagesIn := func(id int64) int {
		var n int
		mustScan(t, app.DB().QueryRow("SELECT count(*) FROM messages WHERE conversation_id = ?", id), &n)
		return n
	}
	routes := []pathRoute{
		{method: "GET", tmpl: "/api/v1/conversations/{id}", param: "id", own: a, other: b, client: alice},
		{method: "GET", tmpl: "/api/v1/conversations/{id}/export", param: "id", own: a, other: b, client: alice, query: "format=json"},
		{method: "PATCH", tmpl: "/api/v1/conversations/{id}", param: "id", own: a, other: b, client: alice,
			body: map[string]any{"title": "renamed"}, verify: func() {
				if titleOf(convA) != "renamed" || titleOf(convB) != "B" {
					t.Errorf("rename: A %q, B %q", titleOf(convA), titleOf(convB))
				}
			}},
		{method: "POST", tmpl: "/api/v1/conversations/{id}/messages", param: "id", own: a, other: b, client: alice,
			body: map[string]any{"content": "again"}, headers: acceptJSON, verify: func() {
				if messagesIn(convA) != 4 || messagesIn(convB) != 2 {
					t.Errorf("send: A has %d messages, B %d", messagesIn(convA), messagesIn(convB))
				}
			}},
		{method: "POST", tmpl: "/api/v1/conversations/{id}/regenerate", param: "id", own: a, other: b, client: alice,
			body: map[string]any{}, headers: acceptJSON},
		{method: "DELETE", tmpl: "/api/v1/conversations/{id}", param: "id", own: a, other: b, client: alice,
			verify: func() {
				if convExists(convA) || !convExists(convB) {
					t.Errorf("delete: A exists %v, B exists %v", convExists(convA), convExists(convB))
				}
			}},
		{method: "DELETE", tmpl: "/api/v1/me/sessions/{handle}", param: "handle", own: handles["Phone/1"], other: handles["Tablet/1"], client: alice,
			verify: func() {
				Expect(t, tablet.Do("GET", "/api/v1/me", nil), 200, "the tablet's session survives")
				Expect(t, phone.Do("GET", "/api/v1/me", nil), 401, "the phone's session was the one revoked")
			}},
		{method: "POST", tmpl: "/api/v1/admin/users/{id}/grant", param: "id", own: fmt.Sprint(aliceID), other: fmt.Sprint(bobID), client: admin,
			body: map[string]any{"tokens": 5}, verify: func() {
				if got := balance(t, bob); got != 1000 {
					t.Errorf("grant: bob's balance is %d", got)
				}
			}},
		{method: "POST", tmpl: "/api/v1/admin/users/{id}/enable", param: "id", own: fmt.Sprint(aliceID), other: fmt.Sprint(carolID), client: admin,
			verify: func() {
				Expect(t, app.Client().Login("carol_p", "password-carol_p"), 403, "carol stays disabled")
			}},
		{method: "POST", tmpl: "/api/v1/admin/users/{id}/disable", param: "id", own: fmt.Sprint(aliceID), other: fmt.Sprint(bobID), client: admin,
			verify: func() {
				Expect(t, bob.Do("GET", "/api/v1/me", nil), 200, "bob stays enabled")
				Expect(t, alice.Do("GET", "/api/v1/me", nil), 401, "alice is disabled: her sessions are gone")
			}},
	}

	// The table covers every route with a path parameter the API has.
	doc := app.Client().Do("GET", "/api.json", nil)
	var api struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal([]byte(doc.Raw), &api); err != nil {
		t.Fatalf("/api.json: %v", err)
	}
	covered := map[string]bool{}
	for _, p := range routes {
		covered[p.method+" "+p.tmpl] = true
	}
	for path, ops := range api.Paths {
		if !strings.Contains(path, "{") {
			continue
		}
		for method := range ops {
			if key := strings.ToUpper(method) + " " + path; !covered[key] {
				t.Errorf("route %s has a path parameter but no row in this test", key)
			}
		}
	}

	for _, p := range routes {
		for _, c := range carriers(p.param) {
			query, body, ct := c.build(p)
			target := p.path()
			if q := strings.Trim(p.query+"&"+query, "&"); q != "" {
				target += "?" + q
			}
			before := appState(t, app)
			r := p.client.send(p.method, target, body, ct, p.headers...)
			if r.Status != 400 || r.Code != 400 {
				t.Errorf("%s %s (%s): status %d, want 400; body %s", p.method, p.tmpl, c.name, r.Status, r.Raw)
			} else if strings.HasPrefix(ct, "application/json") && !strings.Contains(r.Message, p.param+" is given in the path") {
				t.Errorf("%s %s (%s): message %q does not name the path parameter", p.method, p.tmpl, c.name, r.Message)
			}
			if after := appState(t, app); after != before {
				t.Errorf("%s %s (%s) changed the data:\nbefore:\n%s\nafter:\n%s", p.method, p.tmpl, c.name, before, after)
			}
		}
		// The same request without the repetition is valid: the 400s above
		// came from the repetition alone.
		target := p.path()
		if p.query != "" {
			target += "?" + p.query
		}
		r := p.client.send(p.method, target, ownBody(p), "application/json", p.headers...)
		if r.Status != 200 {
			t.Errorf("%s %s without repetition: status %d; body %s", p.method, p.tmpl, r.Status, r.Raw)
		} else if p.verify != nil {
			p.verify()
		}
	}
	checkLedger(t, app)
}
