package router

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/gogf/gf/v2/debug/gdebug"
	"github.com/gogf/gf/v2/net/ghttp"

	"gptbot/internal/config"
	"gptbot/internal/controller/health"
	"gptbot/internal/controller/pages"
	"gptbot/internal/library/metrics"
	"gptbot/internal/middleware"
	"gptbot/internal/testutil"
)

// routes starts a server with every route bound and returns, per
// "METHOD path", the names of the middleware its group runs (the server's
// global middleware left out).
func routes(t *testing.T) map[string][]string {
	t.Helper()
	pg, err := pages.New()
	if err != nil {
		t.Fatal(err)
	}
	var srv *ghttp.Server
	testutil.StartServer(t, func(s *ghttp.Server) {
		srv = s
		Bind(s, Deps{
			Middleware:    middleware.New(middleware.Deps{}),
			Metrics:       metrics.New(),
			MetricsConfig: config.Metrics{Path: "/metrics"},
			Health:        &health.Controller{},
			Pages:         pg,
			APIDoc:        func(r *ghttp.Request) {},
		})
	})
	out := map[string][]string{}
	for _, item := range srv.GetRoutes() {
		if item.Type == ghttp.HandlerTypeMiddleware || item.Type == ghttp.HandlerTypeHook {
			continue
		}
		names := []string{}
		for _, mw := range item.Handler.Middleware {
			name := gdebug.FuncName(mw)
			name = strings.TrimSuffix(name[strings.LastIndex(name, ".")+1:], "-fm")
			names = append(names, name)
		}
		out[item.Method+" "+item.Route] = names
	}
	return out
}

// Each API route runs exactly the middleware of its sub-group: the auth
// limit on register and login only, the login outcome metric on login
// only, the drain guard and the chat limit on the two routes that call the
// model only, the admin check on the admin routes only. No middleware
// picks its routes itself, so this list is the whole truth.
func TestEveryRouteRunsItsGroupsMiddleware(t *testing.T) {
	got := routes(t)
	api := []string{"Response", "LimitAPI", "CrossOrigin", "Session"}
	chain := func(extra ...string) []string { return append(append([]string{}, api...), extra...) }
	want := map[string][]string{
		"POST /api/v1/auth/logout":                   chain("Body"),
		"POST /api/v1/auth/register":                 chain("Body", "LimitAuth"),
		"POST /api/v1/auth/login":                    chain("Body", "LimitAuth", "LoginOutcome"),
		"POST /api/v1/conversations/{id}/messages":   chain("Auth", "Body", "Drain", "LimitChat"),
		"POST /api/v1/conversations/{id}/regenerate": chain("Auth", "Body", "Drain", "LimitChat"),
		"GET /api/v1/admin/users":                    chain("Auth", "Admin", "Body"),
		"POST /api/v1/admin/users/{id}/grant":        chain("Auth", "Admin", "Body"),
		"POST /api/v1/admin/users/{id}/disable":      chain("Auth", "Admin", "Body"),
		"POST /api/v1/admin/users/{id}/enable":       chain("Auth", "Admin", "Body"),
		"GET /static/*path":                          {},
		"HEAD /static/*path":                         {},
		"GET /healthz":                               {},
		"GET /readyz":                                {},
		"GET /api.json":                              {},
		"GET /metrics":                               {},
	}
	for _, p := range []string{"/", "/login", "/register", "/settings", "/usage", "/admin", "/swagger"} {
		want["GET "+p] = []string{"Errors", "Session"}
	}
	for _, route := range apiRoutes(t) {
		if _, ok := want[route]; !ok {
			want[route] = chain("Auth", "Body") // logged in
		}
	}
	for route, w := range want {
		g, ok := got[route]
		if !ok {
			t.Errorf("%s is not bound", route)
			continue
		}
		if !reflect.DeepEqual(g, w) {
			t.Errorf("%s runs %v, want %v", route, g, w)
		}
	}
	for route := range got {
		if _, ok := want[route]; !ok {
			t.Errorf("%s is bound but not expected", route)
		}
	}
}

var metaTag = regexp.MustCompile(`path:"([^"]+)"\s+method:"([^"]+)"`)

// apiRoutes lists "METHOD /api/v1/path" of every request struct in
// api/<module>/v1, read from the source: a route added there and not bound
// fails the test above.
func apiRoutes(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("../../api/*/v1/*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("no api sources: %v", err)
	}
	var out []string
	fset := token.NewFileSet()
	for _, f := range files {
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			field, ok := n.(*ast.Field)
			if !ok || field.Tag == nil || len(field.Names) != 0 {
				return true
			}
			if m := metaTag.FindStringSubmatch(field.Tag.Value); m != nil {
				out = append(out, strings.ToUpper(m[2])+" /api/v1"+m[1])
			}
			return true
		})
	}
	sort.Strings(out)
	if len(out) < 20 {
		t.Fatalf("only %d API routes found in api/: %v", len(out), out)
	}
	return out
}

// The API's types are what clients build against: they must not drag in
// the server's metrics or Redis client.
func TestAPIPackagesDependOnNeitherPrometheusNorRedis(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "gptbot/api/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.Contains(dep, "prometheus") || strings.Contains(dep, "go-redis") || strings.Contains(dep, "redis/go-redis") {
			t.Errorf("api depends on %s", dep)
		}
	}
}
