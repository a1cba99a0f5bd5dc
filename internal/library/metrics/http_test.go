package metrics

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"testing"

	"github.com/gogf/gf/v2/net/ghttp"
)

// serve starts a GoFrame server instrumented the way the app is: the metrics
// middleware first, via s.Use, so it sees every request.
func serve(t *testing.T, m *Metrics) string {
	t.Helper()
	return startServer(t, func(s *ghttp.Server) {
		s.Use(m.HTTPMiddleware)
		s.Group("/api/v1", func(g *ghttp.RouterGroup) {
			g.GET("/items/{id}", func(r *ghttp.Request) { r.Response.Write("item " + r.Get("id").String()) })
			g.POST("/items", func(r *ghttp.Request) {
				r.Response.WriteHeader(http.StatusCreated)
				r.Response.Write("created")
			})
			g.ALL("/any", func(r *ghttp.Request) { r.Response.Write("any") })
			g.GET("/boom", func(r *ghttp.Request) { panic("boom") })
			g.GET("/inflight", func(r *ghttp.Request) {
				r.Response.Writef("%v", value(t, m, "http_requests_in_flight", nil))
			})
		})
		s.BindHandler("GET:/readyz", func(r *ghttp.Request) { r.Response.WriteStatus(http.StatusServiceUnavailable, "redis: down") })
		s.BindHandler("GET:/metrics", ghttp.WrapH(m.Handler("")))
	})
}

func TestHTTPMiddlewareLabels(t *testing.T) {
	m := New()
	base := serve(t, m)
	c := &http.Client{}

	for _, id := range []string{"1", "2", "three"} {
		if code, body := do(t, c, "GET", base+"/api/v1/items/"+id, nil); code != 200 || body != "item "+id {
			t.Fatalf("GET item %s: %d %q", id, code, body)
		}
	}
	do(t, c, "POST", base+"/api/v1/items", nil)
	do(t, c, "GET", base+"/api/v1/boom", nil)
	do(t, c, "GET", base+"/readyz", nil)
	do(t, c, "GET", base+"/no/such/page", nil)
	do(t, c, "BREW", base+"/api/v1/any", nil)       // matched by an ALL route
	do(t, c, "DELETE", base+"/api/v1/items/1", nil) // path exists, method does not
	if _, body := do(t, c, "GET", base+"/api/v1/inflight", nil); body != "1" {
		t.Fatalf("http_requests_in_flight inside a request = %s, want 1", body)
	}

	for _, tc := range []struct {
		method, route, code string
		want                float64
	}{
		{"GET", "/api/v1/items/{id}", "200", 3},
		{"POST", "/api/v1/items", "201", 1},
		{"GET", "/api/v1/boom", "500", 1},
		{"GET", "/readyz", "503", 1},
		{"GET", RouteUnmatched, "404", 1},
		{"OTHER", "/api/v1/any", "200", 1},
		{"DELETE", RouteUnmatched, "404", 1},
	} {
		l := map[string]string{"method": tc.method, "route": tc.route, "code": tc.code}
		if got := value(t, m, "http_requests_total", l); got != tc.want {
			t.Errorf("http_requests_total%v = %v, want %v", l, got, tc.want)
		}
	}
	if got := value(t, m, "http_request_duration_seconds", map[string]string{"method": "GET", "route": "/api/v1/items/{id}"}); got != 3 {
		t.Errorf("duration samples for the item route = %v, want 3", got)
	}
	if got := value(t, m, "http_requests_in_flight", nil); got != 0 {
		t.Errorf("http_requests_in_flight after all requests = %v", got)
	}
	// The raw path never becomes a label value.
	for _, s := range families(t, m)["http_requests_total"].GetMetric() {
		for _, lp := range s.GetLabel() {
			if lp.GetName() == "route" && (lp.GetValue() == "/no/such/page" || lp.GetValue() == "/api/v1/items/1") {
				t.Errorf("raw path in route label: %v", s)
			}
		}
	}
}

// Anyone can send requests to random paths with random methods; that must
// not grow the number of series.
func TestRandomPathsAddNoSeries(t *testing.T) {
	m := New()
	base := serve(t, m)
	c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 8}}
	methods := []string{"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "PROPFIND", "X-EVIL", "get"}

	// Warm up the one series each method has for unmatched requests.
	for _, meth := range methods {
		do(t, c, meth, base+"/warm-up", nil)
	}
	before := seriesCount(t, m)

	const n = 1000
	var wg sync.WaitGroup
	paths := make(chan string)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range paths {
				meth := methods[rand.IntN(len(methods))]
				do(t, c, meth, base+p, nil)
			}
		}()
	}
	for i := range n {
		switch i % 4 {
		case 0:
			paths <- fmt.Sprintf("/%x", rand.Uint64())
		case 1:
			paths <- fmt.Sprintf("/api/v1/%x/%d?q=%d", rand.Uint64(), i, i)
		case 2:
			paths <- fmt.Sprintf("/api/v1/items/%d/extra/%x", i, rand.Uint32())
		default:
			paths <- fmt.Sprintf("/static/%%2e%%2e/%x.js", rand.Uint64())
		}
	}
	close(paths)
	wg.Wait()

	if after := seriesCount(t, m); after != before {
		t.Fatalf("series grew from %d to %d after %d random requests", before, after, n)
	}
	var total float64
	for _, s := range families(t, m)["http_requests_total"].GetMetric() {
		total += s.GetCounter().GetValue()
	}
	if total != n+float64(len(methods)) {
		t.Fatalf("counted %v requests, want %d", total, n+len(methods))
	}
}
