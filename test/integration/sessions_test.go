package integration

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"gptbot/internal/library/llm/llmtest"
	"gptbot/internal/library/sessionstore"
)

func TestSessionIdsAreLongAndRandom(t *testing.T) {
	app := StartApp(t, Options{})
	c := app.Client()
	c.MustSignUp("ids_user", "password123")
	seen := map[string]bool{}
	for i := 0; i < 20; i++ {
		Expect(t, c.Login("ids_user", "password123"), 200, "login")
		id := c.SessionCookie()
		raw, err := base64.RawURLEncoding.DecodeString(id)
		if err != nil || len(raw) < 16 {
			t.Fatalf("session id %q is not ≥128 bits of base64url: %v", id, err)
		}
		if seen[id] {
			t.Fatalf("session id repeated: %s", id)
		}
		seen[id] = true
	}
	// Each login replaced the previous session: one session is left.
	if keys := app.SessionKeys(); len(keys) != 1 {
		t.Fatalf("want 1 live session after re-logins, have %d", len(keys))
	}
}

func TestSessionCookieFlags(t *testing.T) {
	app := StartApp(t, Options{TrustedProxies: []string{"127.0.0.1"}})
	c := app.Client()
	Expect(t, c.Register("flags", "password123"), 200, "register")

	sc := setCookieHeader(c.Login("flags", "password123"))
	for _, want := range []string{"HttpOnly", "SameSite=Lax", "Path=/"} {
		if !strings.Contains(sc, want) {
			t.Fatalf("Set-Cookie %q lacks %s", sc, want)
		}
	}
	if strings.Contains(sc, "Secure") {
		t.Fatalf("plain http without a proxy must not get Secure (cookie would be dropped): %q", sc)
	}
	// A trusted proxy saying https: Secure.
	r := c.Do("POST", "/api/v1/auth/login", `{"username":"flags","password":"password123"}`, "X-Forwarded-Proto", "https")
	if sc := setCookieHeader(r); !strings.Contains(sc, "Secure") {
		t.Fatalf("behind a trusted https proxy the cookie must be Secure: %q", sc)
	}

	// The same header from an untrusted peer changes nothing.
	app2 := StartApp(t, Options{})
	c2 := app2.Client()
	Expect(t, c2.Register("flags", "password123"), 200, "register")
	r = c2.Do("POST", "/api/v1/auth/login", `{"username":"flags","password":"password123"}`, "X-Forwarded-Proto", "https")
	if sc := setCookieHeader(r); strings.Contains(sc, "Secure") || sc == "" {
		t.Fatalf("untrusted X-Forwarded-Proto was believed: %q", sc)
	}

	// cookieSecure: true forces it.
	app3 := StartApp(t, Options{CookieSecure: "true"})
	c3 := app3.Client()
	Expect(t, c3.Register("flags", "password123"), 200, "register")
	if sc := setCookieHeader(c3.Login("flags", "password123")); !strings.Contains(sc, "Secure") {
		t.Fatalf("cookieSecure=true: %q", sc)
	}
}

func TestSessionIdOnlyFromCookie(t *testing.T) {
	app := StartApp(t, Options{})
	c := app.Client()
	c.MustSignUp("hdr_user", "password123")
	id := c.SessionCookie()
	Expect(t, c.Do("GET", "/api/v1/me", nil), 200, "cookie works")

	bare := app.Client()
	Expect(t, bare.Do("GET", "/api/v1/me", nil, "gptbot_session", id), 401, "id in a request header")
}

func TestUnknownIdsAreNeverAdopted(t *testing.T) {
	app := StartApp(t, Options{})
	c := app.Client()
	Expect(t, c.Register("fixation", "password123"), 200, "register")

	cases := map[string]string{
		"attacker-chosen id of the right shape": sessionstore.NewID(),
		"attacker-chosen id made for the user":  sessionstore.NewUserID(1),
		"garbage":                               "garbage!@#$",
		"very long":                             strings.Repeat("A", 3500),
		"empty-ish":                             "x",
	}
	for name, planted := range cases {
		t.Run(name, func(t *testing.T) {
			v := app.Client()
			v.SetSessionCookie(planted)
			r := v.Do("GET", "/api/v1/me", nil)
			Expect(t, r, 401, "me with planted id")
			if sc := setCookieHeader(r); !strings.Contains(sc, "Max-Age=0") {
				t.Fatalf("planted cookie not cleared: %q", sc)
			}
			v.SetSessionCookie(planted)
			Expect(t, v.Login("fixation", "password123"), 200, "login with planted id")
			if got := v.SessionCookie(); got == planted || !sessionstore.ValidID(got) {
				t.Fatalf("login kept the planted id %q", got)
			}
			if strings.Contains(strings.Join(app.SessionKeys(), ","), sessionstore.Handle(planted)) {
				t.Fatal("the planted id exists in Redis")
			}
		})
	}
}

func TestLoginRegeneratesAndDeletesOld(t *testing.T) {
	app := StartApp(t, Options{})
	c := app.Client()
	c.MustSignUp("regen", "password123")
	first := c.SessionCookie()
	Expect(t, c.Login("regen", "password123"), 200, "second login")
	second := c.SessionCookie()
	if first == second {
		t.Fatal("login kept the session id")
	}
	old := app.Client()
	old.SetSessionCookie(first)
	Expect(t, old.Do("GET", "/api/v1/me", nil), 401, "old id after re-login")
	Expect(t, c.Do("GET", "/api/v1/me", nil), 200, "new id")
}

func TestLogoutDeletesSessionInRedis(t *testing.T) {
	app := StartApp(t, Options{})
	c := app.Client()
	c.MustSignUp("logout_user", "password123")
	id := c.SessionCookie()
	if len(app.SessionKeys()) != 1 {
		t.Fatal("no session in Redis after login")
	}
	r := c.Do("POST", "/api/v1/auth/logout", nil)
	Expect(t, r, 200, "logout")
	if !strings.Contains(setCookieHeader(r), "Max-Age=0") {
		t.Fatalf("logout did not clear the cookie: %q", setCookieHeader(r))
	}
	if keys := app.SessionKeys(); len(keys) != 0 {
		t.Fatalf("session still in Redis after logout: %v", keys)
	}
	// A copy of the cookie taken before logout is dead.
	replay := app.Client()
	replay.SetSessionCookie(id)
	Expect(t, replay.Do("GET", "/api/v1/me", nil), 401, "replayed cookie after logout")
}

func TestPasswordChangeRotatesAndRevokes(t *testing.T) {
	app := StartApp(t, Options{})
	laptop := app.Client()
	laptop.MustSignUp("rotate", "old-password")
	phone := app.Client()
	Expect(t, phone.Login("rotate", "old-password"), 200, "second device")
	before := laptop.SessionCookie()

	Expect(t, laptop.Do("POST", "/api/v1/me/password", map[string]string{"oldPassword": "wrong-password", "newPassword": "new-password"}), 400, "wrong old password")
	Expect(t, laptop.Do("POST", "/api/v1/me/password", map[string]string{"oldPassword": "old-password", "newPassword": "short"}), 400, "short new password")
	Expect(t, phone.Do("GET", "/api/v1/me", nil), 200, "failed changes revoke nothing")

	r := laptop.Do("POST", "/api/v1/me/password", map[string]string{"oldPassword": "old-password", "newPassword": "new-password"})
	Expect(t, r, 200, "change password")
	if !strings.Contains(r.Raw, `"revokedSessions":1`) {
		t.Fatalf("change password: %s", r.Raw)
	}
	after := laptop.SessionCookie()
	if after == before || after == "" {
		t.Fatal("password change did not issue a new session id")
	}
	Expect(t, laptop.Do("GET", "/api/v1/me", nil), 200, "this device stays logged in")
	Expect(t, phone.Do("GET", "/api/v1/me", nil), 401, "other device revoked")
	old := app.Client()
	old.SetSessionCookie(before)
	Expect(t, old.Do("GET", "/api/v1/me", nil), 401, "old id of this device")
	Expect(t, app.Client().Login("rotate", "old-password"), 401, "old password")
	Expect(t, app.Client().Login("rotate", "new-password"), 200, "new password")
}

type sessionRow struct {
	Handle     string `json:"handle"`
	CreatedAt  string `json:"createdAt"`
	LastSeenAt string `json:"lastSeenAt"`
	Ip         string `json:"ip"`
	UserAgent  string `json:"userAgent"`
	Current    bool   `json:"current"`
}

func listSessions(t *testing.T, c *Client) []sessionRow {
	t.Helper()
	r := c.Do("GET", "/api/v1/me/sessions", nil)
	Expect(t, r, 200, "list sessions")
	var rows []sessionRow
	if err := json.Unmarshal(r.Data, &rows); err != nil {
		t.Fatalf("sessions: %s", r.Raw)
	}
	return rows
}

func TestDevicesListAndRevoke(t *testing.T) {
	app := StartApp(t, Options{})
	a := app.Client()
	a.MustSignUp("devices", "password123")
	b := app.Client()
	Expect(t, b.Do("POST", "/api/v1/auth/login", `{"username":"devices","password":"password123"}`, "User-Agent", "PhoneBrowser/1.0"), 200, "login b")
	c := app.Client()
	Expect(t, c.Login("devices", "password123"), 200, "login c")

	rows := listSessions(t, a)
	if len(rows) != 3 {
		t.Fatalf("want 3 sessions, got %d", len(rows))
	}
	current, phone := 0, ""
	for _, row := range rows {
		if row.Current {
			current++
		}
		if row.UserAgent == "PhoneBrowser/1.0" {
			phone = row.Handle
		}
		for _, id := range []string{a.SessionCookie(), b.SessionCookie(), c.SessionCookie()} {
			if row.Handle == id {
				t.Fatal("a handle is a session id")
			}
		}
		if row.Ip != "127.0.0.1" || row.CreatedAt == "" || row.LastSeenAt == "" {
			t.Fatalf("row %+v", row)
		}
	}
	if current != 1 || phone == "" {
		t.Fatalf("current=%d phone=%q", current, phone)
	}

	// Another user cannot revoke (or learn of) these sessions.
	mallory := app.Client()
	mallory.MustSignUp("mallory", "password123")
	Expect(t, mallory.Do("DELETE", "/api/v1/me/sessions/"+phone, nil), 404, "foreign handle")
	Expect(t, mallory.Do("DELETE", "/api/v1/me/sessions/not-a-handle", nil), 404, "garbage handle")
	Expect(t, mallory.Do("DELETE", "/api/v1/me/sessions/"+strings.Repeat("z", 64), nil), 404, "non-hex handle")
	Expect(t, b.Do("GET", "/api/v1/me", nil), 200, "b untouched")

	Expect(t, a.Do("DELETE", "/api/v1/me/sessions/"+phone, nil), 200, "revoke phone")
	Expect(t, b.Do("GET", "/api/v1/me", nil), 401, "phone after revoke")
	Expect(t, a.Do("DELETE", "/api/v1/me/sessions/"+phone, nil), 404, "revoke twice")

	r := a.Do("POST", "/api/v1/me/sessions/revoke-others", nil)
	Expect(t, r, 200, "revoke others")
	if !strings.Contains(r.Raw, `"revokedSessions":1`) {
		t.Fatalf("revoke-others: %s", r.Raw)
	}
	Expect(t, c.Do("GET", "/api/v1/me", nil), 401, "c after revoke-others")
	Expect(t, a.Do("GET", "/api/v1/me", nil), 200, "a keeps its session")
	if rows := listSessions(t, a); len(rows) != 1 || !rows[0].Current {
		t.Fatalf("after revoke-others: %+v", rows)
	}
	Expect(t, mallory.Do("GET", "/api/v1/me", nil), 200, "other users untouched")
}

func TestSessionSurvivesRestartAndIsShared(t *testing.T) {
	app := StartApp(t, Options{})
	c := app.Client()
	c.MustSignUp("survivor", "password123")

	// A second instance on the same Redis accepts the cookie.
	other := app.Sibling()
	Expect(t, c.For(other).Do("GET", "/api/v1/me", nil), 200, "second instance")

	app.Stop()
	app.Start()
	Expect(t, c.Do("GET", "/api/v1/me", nil), 200, "after restart")
}

func TestIdleTimeoutSlides(t *testing.T) {
	app := StartApp(t, Options{Idle: "2s", Absolute: "1h"})
	c := app.Client()
	c.MustSignUp("idle_user", "password123")
	for i := 0; i < 5; i++ { // 5 s of activity, far past one idle period
		time.Sleep(time.Second)
		Expect(t, c.Do("GET", "/api/v1/me", nil), 200, "active session")
	}
	ttl, _ := app.RedisClient().PTTL(context.Background(), app.SessionKeys()[0]).Result()
	if ttl <= 0 || ttl > 2*time.Second {
		t.Fatalf("idle TTL in Redis is %v, want (0, 2s]", ttl)
	}
	time.Sleep(2500 * time.Millisecond)
	Expect(t, c.Do("GET", "/api/v1/me", nil), 401, "after idling")
}

func TestAbsoluteTimeoutIsEnforced(t *testing.T) {
	app := StartApp(t, Options{Idle: "2s", Absolute: "3s"})
	c := app.Client()
	c.MustSignUp("abs_user", "password123")
	deadline := time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline.Add(-700 * time.Millisecond)) {
		Expect(t, c.Do("GET", "/api/v1/me", nil), 200, "within absolute timeout")
		time.Sleep(500 * time.Millisecond)
	}
	time.Sleep(time.Until(deadline) + 300*time.Millisecond)
	Expect(t, c.Do("GET", "/api/v1/me", nil), 401, "past absolute timeout despite activity")
}

func TestRedisDownMeans503NeverFalseSuccess(t *testing.T) {
	app := StartApp(t, Options{})
	c := app.Client()
	Expect(t, c.Register("outage", "password123"), 200, "register")
	Expect(t, c.Login("outage", "password123"), 200, "login")

	app.Redis.Stop()
	fresh := app.Client()
	r := fresh.Login("outage", "password123")
	Expect(t, r, 503, "login while redis is down")
	if setCookieHeader(r) != "" {
		t.Fatalf("a failed login set a cookie: %q", setCookieHeader(r))
	}
	if strings.Contains(r.Raw, "127.0.0.1:") || strings.Contains(r.Raw, "dial") {
		t.Fatalf("503 leaks the cause: %s", r.Raw)
	}
	Expect(t, c.Do("GET", "/api/v1/me", nil), 503, "authenticated request while redis is down")
	ready := c.Do("GET", "/readyz", nil)
	if ready.Status != http.StatusServiceUnavailable || !strings.Contains(ready.Message, "redis") {
		t.Fatalf("readyz while redis is down: %d %s", ready.Status, ready.Raw)
	}

	app.Redis.Start() // same app process, no restart
	deadline := time.Now().Add(10 * time.Second)
	for {
		r = fresh.Login("outage", "password123")
		if r.Status == 200 || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	Expect(t, r, 200, "login after redis is back")
	Expect(t, fresh.Do("GET", "/api/v1/me", nil), 200, "me after redis is back")
	Expect(t, c.Do("GET", "/readyz", nil), 200, "readyz after redis is back")
}

func TestSessionHoldsOnlySmallTypedData(t *testing.T) {
	app := StartApp(t, Options{})
	c := app.Client()
	c.MustSignUp("small", "password123")
	fields, err := app.RedisClient().HGetAll(context.Background(), app.SessionKeys()[0]).Result()
	if err != nil {
		t.Fatal(err)
	}
	allowed := map[string]bool{"uid": true, "created": true, "seen": true, "abs": true, "ip": true, "ua": true, "data": true}
	size := 0
	for k, v := range fields {
		if !allowed[k] {
			t.Errorf("unexpected session field %q", k)
		}
		size += len(k) + len(v)
		if strings.Contains(v, "password") {
			t.Errorf("session field %q holds %q", k, v)
		}
	}
	if size > 1024 {
		t.Fatalf("session is %d bytes", size)
	}
	if strings.Contains(strings.Join(app.SessionKeys(), ","), c.SessionCookie()) {
		t.Fatal("the raw session id is a Redis key")
	}
}

// GoFrame's default id (guid.S) shares its MAC-hash and PID parts between
// ids of one process. Ids of 256 random bits share no telling prefix or
// suffix.
func TestSessionIdsShareNoStructure(t *testing.T) {
	app := StartApp(t, Options{})
	c := app.Client()
	c.MustSignUp("structure", "password123")
	var ids []string
	for i := 0; i < 24; i++ {
		Expect(t, c.Login("structure", "password123"), 200, "login")
		ids = append(ids, c.SessionCookie())
	}
	for i := range ids {
		if raw, err := base64.RawURLEncoding.DecodeString(ids[i]); err != nil || len(raw) != 32 {
			t.Fatalf("id %q is not 32 bytes of base64url", ids[i])
		}
		for j := i + 1; j < len(ids); j++ {
			a, b := ids[i], ids[j]
			if a[:4] == b[:4] || a[len(a)-4:] == b[len(b)-4:] {
				t.Fatalf("ids %q and %q share structure", a, b)
			}
		}
	}
}

// The session is not locked while the model answers: the same browser can
// use the app while its reply is still being generated.
func TestSessionIsUsableWhileAReplyStreams(t *testing.T) {
	app, up := startChatApp(t, Options{}, "")
	up.Use(llmtest.New(t, llmtest.Reply("one ", "two ", "three ", "four ", "five ", "six").WithDelay(400*time.Millisecond)))
	c := signUp(t, app, "parallel")
	conv := newConversation(t, c, nil)
	stream := openSSE(t, c, streamPath(conv), map[string]any{"content": "take your time"})
	defer stream.Close()
	start, ok := stream.Next()
	if !ok || start.Name != "start" {
		t.Fatalf("stream did not start: %+v", start)
	}
	Expect(t, c.Do("GET", "/api/v1/me", nil), 200, "me during the stream")
	Expect(t, c.Do("GET", "/api/v1/me/sessions", nil), 200, "sessions during the stream")
	Expect(t, c.Do("GET", "/api/v1/conversations", nil), 200, "list during the stream")
	// Those answers came while the reply was still being generated.
	if m, ok := loadMessage(t, app, start.num("messageId")); !ok || m.Status != "streaming" {
		t.Fatalf("the reply was no longer streaming (%+v): the other requests waited for it", m)
	}
	evs := stream.All()
	if find(t, evs, "done").Name != "done" {
		t.Fatalf("stream did not finish: %s", names(evs))
	}
}
