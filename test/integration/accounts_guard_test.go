package integration

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// loginUserPolicy is the generous test policies with login-user set to
// limit per hour: an hour refills one unit every 60/limit minutes, far longer
// than a test runs, so the budget is exact.
func loginUserPolicy(limit int) string {
	return fmt.Sprintf(`    login-user: {limit: %d, period: "1h"}
    auth: {limit: 100000, period: "1m"}
    api: {limit: 100000, period: "1m"}
    chat: {limit: 100000, period: "1m"}
`, limit)
}

// A locked username stays locked however the request spells the field:
// GoFrame binds keys case-insensitively, ignoring '_', '-' and spaces, from
// the query as well as the body, so the budget must be spent on the name the
// handler actually checks, never on a key read by hand.
func TestLoginLockoutHoldsForEverySpellingOfTheUsername(t *testing.T) {
	app := StartApp(t, Options{Policies: loginUserPolicy(3)})
	const pw = "alice-password"
	Expect(t, app.Client().Register("alice", pw), 200, "register alice")
	Expect(t, app.Client().Register("bob", "bob-password"), 200, "register bob")
	Expect(t, app.Client().Register("carol", "carol-password"), 200, "register carol")
	for i := 0; i < 3; i++ {
		Expect(t, app.Client().Login("alice", "wrong-guess"), 401, "wrong password")
	}
	login := "/api/v1/auth/login"
	jsonCT := []string{"Content-Type", "application/json"}

	// Each binds alice (with her right password): 429, never a session.
	for _, tc := range []struct{ path, body string }{
		{login, `{"username":"alice","password":"` + pw + `"}`},
		{login, `{"USERNAME":"alice","password":"` + pw + `"}`},
		{login, `{"Username":"alice","password":"` + pw + `"}`},
		{login, `{"userName":"alice","password":"` + pw + `"}`},
		{login, `{"uSeRnAmE":"alice","password":"` + pw + `"}`},
		{login, `{"\u0055SERNAME":"alice","password":"` + pw + `"}`},
		{login, `{"username":"ALICE","password":"` + pw + `"}`},
		{login, `{"USERNAME":"Alice","PASSWORD":"` + pw + `"}`},
		{login + "?username=alice", `{"password":"` + pw + `"}`},
		{login + "?USERNAME=alice", `{"password":"` + pw + `"}`},
		{login + "?user_name=alice", `{"password":"` + pw + `"}`},
		{login + "?User-Name=alice", `{"password":"` + pw + `"}`},
		{login + "?username=alice&password=" + pw, ``},
	} {
		r := app.Client().Do("POST", tc.path, tc.body, jsonCT...)
		Expect(t, r, 429, tc.path+" "+tc.body)
		if secs, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || secs < 1 {
			t.Fatalf("%s %s: Retry-After %q", tc.path, tc.body, r.Header.Get("Retry-After"))
		}
	}

	// Two spellings at once, or a body GoFrame may read differently: whichever
	// name the handler checks, alice's right password never logs in. (A
	// check of bob with alice's password is a wrong guess at bob.)
	for _, tc := range []struct{ path, body, ct string }{
		{login, `{"username":"bob","USERNAME":"alice","password":"` + pw + `"}`, "application/json"},
		{login, `{"USERNAME":"alice","username":"bob","password":"` + pw + `"}`, "application/json"},
		{login, `{"Username":"alice","userName":"bob","password":"` + pw + `"}`, "application/json"},
		{login + "?username=alice", `{"username":"bob","password":"` + pw + `"}`, "application/json"},
		{login + "?username=bob", `{"username":"alice","password":"` + pw + `"}`, "application/json"},
		{login, "username=alice&password=" + pw, "application/x-www-form-urlencoded"},
		{login, "--b\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\nalice\r\n--b\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\n" + pw + "\r\n--b--\r\n", "multipart/form-data; boundary=b"},
	} {
		r := app.Client().Do("POST", tc.path, tc.body, "Content-Type", tc.ct)
		if r.Status == 200 || r.Status >= 500 {
			t.Fatalf("%s %q (%s): %d %s", tc.path, tc.body, tc.ct, r.Status, r.Raw)
		}
	}
	Expect(t, app.Client().Login("carol", "carol-password"), 200, "another account is not locked")
}

// Fifty concurrent wrong guesses at one account check at most the budget of
// passwords: the unit is spent before the password is checked.
func TestConcurrentWrongLoginsCheckAtMostTheBudget(t *testing.T) {
	const limit, burst = 5, 50
	app := StartApp(t, Options{Policies: loginUserPolicy(limit)})
	Expect(t, app.Client().Register("victim", "victim-password"), 200, "register")

	statuses := make(chan *Response, burst)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 0; i < burst; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			c := app.Client()
			<-start
			statuses <- c.Login("victim", fmt.Sprintf("guess-%d", i))
		}(i)
	}
	close(start)
	wg.Wait()
	close(statuses)
	checked, limited := 0, 0
	for r := range statuses {
		switch r.Status {
		case 401:
			checked++
		case 429:
			limited++
			if r.Header.Get("Retry-After") == "" || r.Code != 429 {
				t.Errorf("429 without Retry-After: %v %s", r.Header, r.Raw)
			}
		default:
			t.Errorf("unexpected %d %s", r.Status, r.Raw)
		}
	}
	if checked != limit || limited != burst-limit {
		t.Fatalf("%d passwords checked, %d limited; want %d and %d", checked, limited, limit, burst-limit)
	}
	Expect(t, app.Client().Login("victim", "victim-password"), 429, "right password while locked")
	text := metricsText(t, app.URL+"/metrics", "")
	for _, want := range []string{
		fmt.Sprintf(`gptbot_logins_total{result="failed"} %d`, limit),
		fmt.Sprintf(`gptbot_logins_total{result="rate_limited"} %d`, burst-limit+1),
		fmt.Sprintf(`gptbot_rate_limited_total{policy="login-user"} %d`, burst-limit+1),
	} {
		if !strings.Contains(text, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

// Right passwords give their unit back: the real user logs in after a few
// typos, as often as they like, while the budget lasts.
func TestRightPasswordAfterTyposStillLogsIn(t *testing.T) {
	app := StartApp(t, Options{Policies: loginUserPolicy(5)})
	Expect(t, app.Client().Register("typist", "typist-password"), 200, "register")
	for i := 0; i < 4; i++ {
		Expect(t, app.Client().Login("typist", "typo"), 401, "typo")
	}
	for i := 0; i < 3; i++ {
		Expect(t, app.Client().Login("Typist", "typist-password"), 200, "right password after typos")
	}
	Expect(t, app.Client().Login("typist", "typo"), 401, "fifth typo")
	Expect(t, app.Client().Login("typist", "typist-password"), 429, "budget spent")
	// Unknown users spend a budget too (same answer as a wrong password).
	for i := 0; i < 5; i++ {
		Expect(t, app.Client().Login("nobody_here", "x"), 401, "unknown user")
	}
	Expect(t, app.Client().Login("nobody_here", "x"), 429, "unknown user's budget")
}

// Wrong old passwords on /me/password spend the same per-account budget as
// failed logins (both are guesses at one password); a burst checks at most
// the budget.
func TestPasswordChangeGuessesAreLimited(t *testing.T) {
	const limit = 3
	app := StartApp(t, Options{Policies: loginUserPolicy(limit)})
	c := signUp(t, app, "changer")
	change := func(c *Client, old string) *Response {
		return c.Do("POST", "/api/v1/me/password", map[string]string{"oldPassword": old, "newPassword": "a-new-password"})
	}
	// A typo, then the right password: the change works, and only the typo counted.
	Expect(t, change(c, "typo"), 400, "wrong old password")
	Expect(t, change(c, "password-changer"), 200, "right old password")
	for i := 0; i < limit-1; i++ {
		Expect(t, change(c, "guess"), 400, "wrong old password")
	}
	r := change(c, "guess")
	Expect(t, r, 429, "guess beyond the budget")
	if secs, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || secs < 1 || r.Header.Get("RateLimit-Policy") != fmt.Sprintf("%d;w=3600", limit) {
		t.Fatalf("429 headers: %v", r.Header)
	}
	Expect(t, change(c, "a-new-password"), 429, "right password while locked")
	Expect(t, app.Client().Login("changer", "a-new-password"), 429, "login shares the budget")
	Expect(t, c.Do("GET", "/api/v1/me", nil), 200, "the session itself is untouched")

	// A stolen cookie and a burst of guesses: at most the budget is checked.
	thief := signUp(t, app, "robbed")
	statuses := make(chan int, 50)
	var wg sync.WaitGroup
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			statuses <- change(thief, fmt.Sprintf("guess-%d", i)).Status
		}(i)
	}
	wg.Wait()
	close(statuses)
	checked := 0
	for st := range statuses {
		switch st {
		case 400:
			checked++
		case 429:
		default:
			t.Errorf("unexpected status %d", st)
		}
	}
	if checked != limit {
		t.Fatalf("%d old passwords checked in a burst of 50; the budget is %d", checked, limit)
	}
}

// peakRSS is the process's high-water resident set size in KiB.
func peakRSS(t *testing.T, pid int) int64 {
	t.Helper()
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatal("no VmHWM in /proc status")
	return 0
}

// Argon2id takes 19 MiB per computation: a burst of 100 password checks
// (registrations, logins of known and unknown users, password changes) must
// not hold 100 × 19 MiB at once.
func TestBurstOfPasswordChecksIsBoundedInMemory(t *testing.T) {
	app := StartApp(t, Options{})
	const users = 25
	clients := make([]*Client, users)
	for i := range clients {
		clients[i] = signUp(t, app, fmt.Sprintf("burst%d", i))
	}
	before := peakRSS(t, app.cmd.Process.Pid)

	statuses := make(chan int, 4*users)
	var wg sync.WaitGroup
	start := make(chan struct{})
	run := func(f func() *Response) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			statuses <- f().Status
		}()
	}
	for i := 0; i < users; i++ {
		c := clients[i]
		name := fmt.Sprintf("burst%d", i)
		run(func() *Response { return app.Client().Register(fmt.Sprintf("fresh%d", i), "a-long-password") })
		run(func() *Response { return app.Client().Login(name, "password-"+name) })
		run(func() *Response { return app.Client().Login(fmt.Sprintf("ghost%d", i), "whatever-pass") })
		run(func() *Response {
			return c.Do("POST", "/api/v1/me/password", map[string]string{"oldPassword": "wrong", "newPassword": "a-new-password"})
		})
	}
	close(start)
	wg.Wait()
	close(statuses)
	count := map[int]int{}
	for st := range statuses {
		count[st]++
	}
	// Right answers, or a 503 from a full hashing queue; nothing else.
	if count[200]+count[400]+count[401]+count[503] != 4*users || count[200] < users {
		t.Fatalf("statuses %v", count)
	}
	grown := peakRSS(t, app.cmd.Process.Pid) - before
	t.Logf("peak RSS grew by %d MiB during %d concurrent password checks (statuses %v)", grown/1024, 4*users, count)
	// Unbounded, 100 computations hold about 1.9 GiB at once; a bound of
	// one per CPU holds a few tens of MiB (a race build several times that).
	if limit := int64(600 * 1024); grown > limit {
		t.Fatalf("peak RSS grew by %d MiB; want < %d MiB", grown/1024, limit/1024)
	}
}
