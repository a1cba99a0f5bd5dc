package integration

import (
	"bytes"
	"fmt"
	"math/rand"
	"net/http"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"gptbot/internal/testutil"
)

const tightAuth = `    auth: {limit: 5, period: "1m"}
    login-user: {limit: 100000, period: "1m"}
    api: {limit: 100000, period: "1m"}
    chat: {limit: 100000, period: "1m"}
`

func TestAuthLimitIsExactUnderConcurrency(t *testing.T) {
	app := StartApp(t, Options{Policies: tightAuth})
	const n = 5
	var wg sync.WaitGroup
	results := make(chan *Response, 2*n)
	for i := 0; i < 2*n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			results <- app.Client().Login(fmt.Sprintf("nobody%d", i), "password123")
		}(i)
	}
	wg.Wait()
	close(results)
	passed, limited := 0, 0
	for r := range results {
		if r.Header.Get("RateLimit-Policy") != "5;w=60" || !strings.HasPrefix(r.Header.Get("RateLimit"), "limit=5, remaining=") {
			t.Errorf("rate-limit headers missing: %v", r.Header)
		}
		switch r.Status {
		case 401:
			passed++
		case 429:
			limited++
			secs, err := strconv.Atoi(r.Header.Get("Retry-After"))
			if err != nil || secs < 1 || r.Code != 429 {
				t.Errorf("429 without a sane Retry-After: %q %s", r.Header.Get("Retry-After"), r.Raw)
			}
		default:
			t.Errorf("unexpected %d %s", r.Status, r.Raw)
		}
	}
	if passed != n || limited != n {
		t.Fatalf("passed %d, limited %d; want exactly %d each", passed, limited, n)
	}
	// Other routes are not under the auth policy.
	Expect(t, app.Client().Do("GET", "/api/v1/me", nil), 401, "me is not auth-limited")
}

func TestTwoInstancesShareOneBudget(t *testing.T) {
	app := StartApp(t, Options{Policies: tightAuth})
	other := app.Sibling()
	passed := 0
	for i := 0; i < 10; i++ {
		target := app
		if i%2 == 1 {
			target = other
		}
		if target.Client().Login("nobody", "password123").Status != 429 {
			passed++
		}
	}
	if passed != 5 {
		t.Fatalf("%d logins passed across two instances; the shared budget is 5", passed)
	}
}

func TestForwardedForIsTrustedOnlyFromProxies(t *testing.T) {
	apiTight := `    api: {limit: 3, period: "1m"}
    auth: {limit: 100000, period: "1m"}
    login-user: {limit: 100000, period: "1m"}
    chat: {limit: 100000, period: "1m"}
`
	// No trusted proxies: a fresh X-Forwarded-For per request changes nothing.
	app := StartApp(t, Options{Policies: apiTight})
	c := app.Client()
	limited := 0
	for i := 0; i < 6; i++ {
		r := c.Do("GET", "/api/v1/me", nil, "X-Forwarded-For", fmt.Sprintf("198.51.100.%d", i))
		if r.Status == 429 {
			limited++
		}
	}
	if limited != 3 {
		t.Fatalf("spoofed X-Forwarded-For: %d of 6 limited, want 3", limited)
	}

	// Loopback is a trusted proxy: each forwarded client has its own budget.
	proxied := StartApp(t, Options{Policies: apiTight, TrustedProxies: []string{"127.0.0.0/8"}})
	pc := proxied.Client()
	for i := 0; i < 6; i++ {
		r := pc.Do("GET", "/api/v1/me", nil, "X-Forwarded-For", fmt.Sprintf("198.51.100.%d", i))
		if r.Status == 429 {
			t.Fatalf("client %d behind a trusted proxy was limited", i)
		}
	}
	for i := 0; i < 3; i++ {
		pc.Do("GET", "/api/v1/me", nil, "X-Forwarded-For", "203.0.113.7")
	}
	// The client cannot escape by prepending its own hop.
	r := pc.Do("GET", "/api/v1/me", nil, "X-Forwarded-For", "1.2.3.4, 203.0.113.7")
	Expect(t, r, 429, "same client with a forged first hop")
}

func TestFailedLoginsPerUsername(t *testing.T) {
	policies := `    login-user: {limit: 3, period: "1m"}
    auth: {limit: 100000, period: "1m"}
    api: {limit: 100000, period: "1m"}
    chat: {limit: 100000, period: "1m"}
`
	app := StartApp(t, Options{Policies: policies, TrustedProxies: []string{"127.0.0.0/8"}})
	c := app.Client()
	Expect(t, c.Register("target", "the-password"), 200, "register")
	Expect(t, c.Register("bystander", "the-password"), 200, "register")
	// Successful logins do not spend the budget.
	for i := 0; i < 5; i++ {
		Expect(t, app.Client().Login("target", "the-password"), 200, "good login")
	}
	// Three failures from three different addresses...
	for i := 0; i < 3; i++ {
		r := app.Client().Do("POST", "/api/v1/auth/login", `{"username":"TARGET","password":"guess"}`, "X-Forwarded-For", fmt.Sprintf("198.51.100.%d", i))
		Expect(t, r, 401, "failed login")
	}
	// ...lock the username, even for the right password, from anywhere.
	r := app.Client().Do("POST", "/api/v1/auth/login", `{"username":"target","password":"the-password"}`, "X-Forwarded-For", "203.0.113.99")
	Expect(t, r, 429, "username locked")
	if r.Header.Get("Retry-After") == "" {
		t.Fatal("no Retry-After")
	}
	Expect(t, app.Client().Login("bystander", "the-password"), 200, "another username")
}

func TestRateLimitFailsClosedForAuthWhenRedisIsDown(t *testing.T) {
	app := StartApp(t, Options{})
	c := app.Client()
	Expect(t, c.Register("closed", "password123"), 200, "register")
	app.Redis.Stop()
	Expect(t, app.Client().Login("closed", "password123"), 503, "login with redis down")
	Expect(t, app.Client().Register("closed2", "password123"), 503, "register with redis down")
	app.Redis.Start()
}

func TestRequestIdAndDebugLog(t *testing.T) {
	app := StartApp(t, Options{Debug: true})
	c := app.Client()
	c.MustSignUp("debugger", "secret-password-123")
	sessionID := c.SessionCookie()
	r := c.Do("GET", "/api/v1/me", nil, "X-Request-Id", "trace-abc.123")
	if r.Header.Get("X-Request-Id") != "trace-abc.123" {
		t.Fatalf("sane incoming request id not kept: %q", r.Header.Get("X-Request-Id"))
	}
	r = c.Do("GET", "/api/v1/me", nil, "X-Request-Id", "bad id\twith spaces and "+strings.Repeat("x", 100))
	if id := r.Header.Get("X-Request-Id"); id == "" || strings.Contains(id, " ") || len(id) > 64 {
		t.Fatalf("insane request id echoed: %q", id)
	}
	if app.Client().Do("GET", "/healthz", nil).Header.Get("X-Request-Id") == "" {
		t.Fatal("no X-Request-Id on /healthz")
	}
	c.Do("POST", "/api/v1/me/password", map[string]string{"oldPassword": "secret-password-123", "newPassword": "another-secret-456"})
	time.Sleep(200 * time.Millisecond)
	log := app.Log()
	if !strings.Contains(log, "route=/api/v1/me ") || !strings.Contains(log, "request_id=trace-abc.123") ||
		!strings.Contains(log, "status=200") || !strings.Contains(log, "session_keys={authAt=") {
		t.Fatalf("debug lines missing:\n%s", log)
	}
	for _, secret := range []string{"secret-password-123", "another-secret-456", sessionID, c.SessionCookie()} {
		if strings.Contains(log, secret) {
			t.Fatalf("debug log leaks %q", secret)
		}
	}
	// pprof is never on the main listener, debug or not (it has its own:
	// TestPprofNotReachableThroughSameHostProxy)...
	resp, err := http.Get(app.URL + "/debug/pprof/cmdline")
	if err != nil || resp.StatusCode != 404 {
		t.Fatalf("pprof on the main listener with debug on: %v %v", resp, err)
	}
	resp.Body.Close()

	// ...and nowhere when it is off; nor does the debug log appear.
	off := StartApp(t, Options{})
	oc := off.Client()
	oc.MustSignUp("quiet", "secret-password-123")
	oc.Do("GET", "/api/v1/me", nil)
	if strings.Contains(off.Log(), "debug request_id=") || strings.Contains(off.Log(), "secret-password-123") {
		t.Fatalf("debug off but log has:\n%s", off.Log())
	}
	resp, err = http.Get(off.URL + "/debug/pprof/cmdline")
	if err != nil || resp.StatusCode != 404 {
		t.Fatalf("pprof with debug off: %v %v", resp, err)
	}
	resp.Body.Close()
}

func metricsText(t *testing.T, url string, token string) string {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	_, _ = b.ReadFrom(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, b.String())
	}
	return b.String()
}

func TestMetricsEndpoint(t *testing.T) {
	app := StartApp(t, Options{})
	c := app.Client()
	c.MustSignUp("metered", "password123")
	c.Login("metered", "wrong-password")
	for i := 0; i < 300; i++ {
		c.Do("GET", fmt.Sprintf("/random/%d/%d", i, rand.Int()), nil)
	}
	text := metricsText(t, app.URL+"/metrics", "")
	for _, want := range []string{
		`gptbot_logins_total{result="success"} 1`,
		`gptbot_logins_total{result="failed"} 1`,
		`http_requests_total{code="200",method="POST",route="/api/v1/auth/login"} 1`,
		`http_requests_total{code="404",method="GET",route="unmatched"} 300`,
		`gsession_operations_total{operation="create",status="ok"} 1`,
		`gsession_operations_total{operation="regenerate",status="ok"} 1`,
		`gsession_operations_total{operation="load",status="ok"}`,
		`http_requests_in_flight`, `go_goroutines`, `process_resident_memory_bytes`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(text, "/random/") {
		t.Fatal("a raw path became a label value")
	}
	cmd := exec.Command("promtool", "check", "metrics")
	cmd.Stdin = strings.NewReader(text)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("promtool check metrics: %v\n%s", err, out)
	}
}

func TestMetricsOnSeparateAddressWithToken(t *testing.T) {
	port := freePortT(t)
	t.Setenv("GPTBOT_METRICS_TOKEN", "metrics-s3cret")
	app := StartApp(t, Options{ExtraYAML: fmt.Sprintf("metrics:\n  path: \"/metrics\"\n  address: \"127.0.0.1:%d\"\n", port)})
	_ = app
	resp, err := http.Get(app.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Fatalf("/metrics still on the main listener: %d", resp.StatusCode)
	}
	for _, token := range []string{"", "wrong"} {
		req, _ := http.NewRequest("GET", fmt.Sprintf("http://127.0.0.1:%d/metrics", port), nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 401 {
			t.Fatalf("metrics with token %q: %d, want 401", token, resp.StatusCode)
		}
	}
	text := metricsText(t, fmt.Sprintf("http://127.0.0.1:%d/metrics", port), "metrics-s3cret")
	if !strings.Contains(text, "http_requests_total") {
		t.Fatal("separate metrics listener serves no metrics")
	}
}

func freePortT(t *testing.T) int { return testutil.FreePort(t) }
