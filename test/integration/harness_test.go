// Package integration runs the real gptbot binary against a real
// redis-server and a real SQLite file, and talks to it over HTTP.
package integration

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/glebarez/go-sqlite"
	"github.com/redis/go-redis/v9"

	"gptbot/internal/testutil"
)

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "gptbot-it-")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "gptbot")
	args := []string{"build", "-o", binary}
	if os.Getenv("GPTBOT_TEST_RACE") != "" {
		args = append(args, "-race") // the server's own data races fail the tests (see Stop)
	}
	build := exec.Command("go", append(args, "gptbot")...)
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building gptbot failed:", err)
		os.Exit(1)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// Options override parts of the generated config.yaml.
type Options struct {
	Idle           string // server.sessionMaxAge
	Absolute       string // session.absoluteTimeout
	CookieSecure   string
	TrustedProxies []string
	NewUserTokens  int64
	BodyLimit      string
	ExtraYAML      string // appended to config.yaml: top-level sections such as openai:
	// Policies replaces the generous test policies (ratelimit.policies YAML,
	// indented four spaces), e.g. "    auth: {limit: 3, period: \"1m\"}\n".
	Policies string
	Debug    bool
	Env      []string // extra environment for the process, e.g. OPENAI_API_KEY=...
}

// generousPolicies keep limits out of the way of tests about other things.
const generousPolicies = `    chat: {limit: 100000, period: "1m"}
    auth: {limit: 100000, period: "1m"}
    login-user: {limit: 100000, period: "1m"}
    api: {limit: 100000, period: "1m"}
`

// App is one running gptbot process.
type App struct {
	t       testing.TB
	URL     string
	Redis   *testutil.RedisServer
	DBPath  string
	cfgPath string
	port    int
	cmd     *exec.Cmd
	logBuf  *syncBuffer
	env     []string
}

// syncBuffer collects the process's output; the copy goroutine of exec
// writes while tests read.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// StartApp starts redis (unless given) and gptbot with a fresh database.
func StartApp(t testing.TB, o Options, rs ...*testutil.RedisServer) *App {
	t.Helper()
	a := &App{t: t, port: testutil.FreePort(t), env: o.Env}
	if len(rs) > 0 {
		a.Redis = rs[0]
	} else {
		a.Redis = testutil.StartRedis(t)
	}
	dir := t.TempDir()
	a.DBPath = filepath.Join(dir, "gptbot.db")
	a.cfgPath = filepath.Join(dir, "config.yaml")
	a.writeConfig(o)
	a.URL = fmt.Sprintf("http://127.0.0.1:%d", a.port)
	a.Start()
	t.Cleanup(a.Stop)
	t.Cleanup(a.logOnFailure)
	return a
}

// logOnFailure prints the end of the server's log when the test failed:
// the cause of a 5xx is there, not in the response.
func (a *App) logOnFailure() {
	if !a.t.Failed() || a.logBuf == nil {
		return
	}
	log := a.logBuf.String()
	if len(log) > 8000 {
		log = "…" + log[len(log)-8000:]
	}
	a.t.Logf("server log (%s):\n%s", a.URL, log)
}

// Sibling starts a second instance on the same Redis and database.
func (a *App) Sibling() *App {
	b := &App{t: a.t, port: testutil.FreePort(a.t), Redis: a.Redis, DBPath: a.DBPath}
	b.cfgPath = filepath.Join(a.t.TempDir(), "config.yaml")
	cfg, _ := os.ReadFile(a.cfgPath)
	cfg = bytes.Replace(cfg, []byte(fmt.Sprintf(":%d\"", a.port)), []byte(fmt.Sprintf(":%d\"", b.port)), 1)
	if err := os.WriteFile(b.cfgPath, cfg, 0o600); err != nil {
		a.t.Fatal(err)
	}
	b.URL = fmt.Sprintf("http://127.0.0.1:%d", b.port)
	b.Start()
	a.t.Cleanup(b.Stop)
	return b
}

func (a *App) writeConfig(o Options) {
	def := func(v, d string) string {
		if v == "" {
			return d
		}
		return v
	}
	proxies := "[]"
	if len(o.TrustedProxies) > 0 {
		proxies = `["` + strings.Join(o.TrustedProxies, `","`) + `"]`
	}
	if o.NewUserTokens == 0 {
		o.NewUserTokens = 1000
	}
	cfg := fmt.Sprintf(`server:
  address: "127.0.0.1:%d"
  sessionIdName: "gptbot_session"
  sessionMaxAge: "%s"
  sessionCookieOutput: false
  clientMaxBodySize: "%s"
  errorLogEnabled: false
  dumpRouterMap: false
  accessLogEnabled: false
logger:
  level: "info"
  stdout: true
redis:
  default:
    address: "%s"
    dialTimeout: "500ms"
    readTimeout: "500ms"
    writeTimeout: "500ms"
database:
  default:
    link: "sqlite::@file(%s)"
    extra: "busy_timeout=5000&journal_mode=WAL&foreign_keys=1"
session:
  storage: "redis"
  prefix: "gptbot:"
  absoluteTimeout: "%s"
  cookieSecure: "%s"
quota:
  newUserTokens: %d
ratelimit:
  trustedProxies: %s
  policies:
%s
debug:
  enabled: %v
`, a.port, def(o.Idle, "2h"), def(o.BodyLimit, "1MB"), a.Redis.Addr, a.DBPath,
		def(o.Absolute, "168h"), def(o.CookieSecure, "auto"), o.NewUserTokens, proxies,
		strings.TrimRight(def(o.Policies, generousPolicies), "\n"), o.Debug)
	cfg += o.ExtraYAML
	if err := os.WriteFile(a.cfgPath, []byte(cfg), 0o600); err != nil {
		a.t.Fatal(err)
	}
}

// Start launches the process and waits until /healthz answers.
func (a *App) Start() {
	a.t.Helper()
	a.logBuf = &syncBuffer{}
	a.cmd = exec.Command(binary)
	a.cmd.Env = append(append(os.Environ(), "GF_GCFG_FILE="+a.cfgPath, "OPENAI_API_KEY="), a.env...)
	a.cmd.Dir = filepath.Dir(a.cfgPath)
	a.cmd.Stdout, a.cmd.Stderr = a.logBuf, a.logBuf
	if err := a.cmd.Start(); err != nil {
		a.t.Fatalf("start gptbot: %v", err)
	}
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(a.URL + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	a.t.Fatalf("gptbot did not become healthy; log:\n%s", a.logBuf.String())
}

// Stop kills the process; a data race it reported (race builds) fails the test.
func (a *App) Stop() {
	if a.cmd == nil || a.cmd.Process == nil {
		return
	}
	_ = a.cmd.Process.Kill()
	_, _ = a.cmd.Process.Wait()
	a.cmd = nil
	if strings.Contains(a.logBuf.String(), "WARNING: DATA RACE") {
		a.t.Errorf("the server reported a data race:\n%s", a.logBuf.String())
	}
}

// Log is what the process printed.
func (a *App) Log() string { return a.logBuf.String() }

// RedisClient connects the test to the app's Redis.
func (a *App) RedisClient() *redis.Client {
	c := redis.NewClient(&redis.Options{Addr: a.Redis.Addr})
	a.t.Cleanup(func() { c.Close() })
	return c
}

// SessionKeys lists the session hashes in Redis.
func (a *App) SessionKeys() []string {
	keys, err := a.RedisClient().Keys(context.Background(), "gptbot:s:*").Result()
	if err != nil {
		a.t.Fatal(err)
	}
	return keys
}

// DB opens the app's SQLite file.
func (a *App) DB() *sql.DB {
	db, err := sql.Open("sqlite", a.DBPath+"?_pragma=busy_timeout(5000)")
	if err != nil {
		a.t.Fatal(err)
	}
	a.t.Cleanup(func() { db.Close() })
	return db
}

// CountUsers counts rows in users.
func (a *App) CountUsers() int {
	var n int
	if err := a.DB().QueryRow("SELECT count(*) FROM users").Scan(&n); err != nil {
		a.t.Fatal(err)
	}
	return n
}

// Client is a browser-like client with its own cookie jar.
type Client struct {
	t    testing.TB
	base string
	HTTP *http.Client
	Jar  *cookiejar.Jar
}

// Client returns a new client for this app.
func (a *App) Client() *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{t: a.t, base: a.URL, Jar: jar, HTTP: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
}

// For points the client (and its cookies) at another instance.
func (c *Client) For(a *App) *Client {
	jar, _ := cookiejar.New(nil)
	u, _ := url.Parse(a.URL)
	old, _ := url.Parse(c.base)
	jar.SetCookies(u, c.Jar.Cookies(old))
	return &Client{t: c.t, base: a.URL, Jar: jar, HTTP: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
}

// Response is a decoded answer.
type Response struct {
	Status  int
	Header  http.Header
	Code    int             `json:"code"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data"`
	Raw     string
}

// Do sends a request; body may be a string (sent as is) or a value (JSON).
func (c *Client) Do(method, path string, body any, headers ...string) *Response {
	c.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, _ := json.Marshal(b)
		rd = bytes.NewReader(j)
	}
	return c.request(method, path, rd, "application/json", headers...)
}

// request sends body (nil: none) with contentType and decodes a JSON answer.
func (c *Client) request(method, path string, body io.Reader, contentType string, headers ...string) *Response {
	c.t.Helper()
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	out := &Response{Status: resp.StatusCode, Header: resp.Header, Raw: string(raw)}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(raw, out); err != nil {
			c.t.Fatalf("%s %s: bad JSON %q: %v", method, path, raw, err)
		}
	}
	return out
}

// SessionCookie is the client's session id, "" when none.
func (c *Client) SessionCookie() string {
	u, _ := url.Parse(c.base)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == "gptbot_session" {
			return ck.Value
		}
	}
	return ""
}

// SetSessionCookie plants a cookie value.
func (c *Client) SetSessionCookie(v string) {
	u, _ := url.Parse(c.base)
	c.Jar.SetCookies(u, []*http.Cookie{{Name: "gptbot_session", Value: v, Path: "/"}})
}

// Register and Login are the common steps.
func (c *Client) Register(user, pw string) *Response {
	c.t.Helper()
	return c.Do("POST", "/api/v1/auth/register", map[string]string{"username": user, "password": pw})
}

func (c *Client) Login(user, pw string) *Response {
	c.t.Helper()
	return c.Do("POST", "/api/v1/auth/login", map[string]string{"username": user, "password": pw})
}

// MustSignUp registers and logs in.
func (c *Client) MustSignUp(user, pw string) {
	c.t.Helper()
	if r := c.Register(user, pw); r.Status != 200 {
		c.t.Fatalf("register %s: %d %s", user, r.Status, r.Raw)
	}
	if r := c.Login(user, pw); r.Status != 200 {
		c.t.Fatalf("login %s: %d %s", user, r.Status, r.Raw)
	}
}

// Expect fails unless the response has status (and, for errors, the
// envelope code equal to the status).
func Expect(t testing.TB, r *Response, status int, what string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("%s: status %d, want %d; body %s", what, r.Status, status, r.Raw)
	}
	if status >= 400 && r.Code != status {
		t.Fatalf("%s: envelope code %d, want %d; body %s", what, r.Code, status, r.Raw)
	}
	if status == 200 && r.Code != 0 {
		t.Fatalf("%s: envelope code %d on success; body %s", what, r.Code, r.Raw)
	}
}

// setCookieHeader returns the raw Set-Cookie for the session cookie.
func setCookieHeader(r *Response) string {
	for _, v := range r.Header.Values("Set-Cookie") {
		if strings.HasPrefix(v, "gptbot_session=") {
			return v
		}
	}
	return ""
}
