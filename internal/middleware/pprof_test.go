package middleware

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gogf/gf/v2/net/ghttp"

	"gptbot/internal/testutil"
)

// pprof answers only with debug on and only to a direct loopback peer; the
// peer address is what the kernel reports, so requests are handed to the
// server with chosen RemoteAddrs.
func TestPprofOnlyForLoopbackWithDebugOn(t *testing.T) {
	for _, debug := range []bool{true, false} {
		mw := New(Deps{Debug: debug})
		var srv *ghttp.Server
		testutil.StartServer(t, func(s *ghttp.Server) {
			srv = s
			s.BindHandler("/debug/pprof/*any", mw.Pprof)
		})
		for remote, loopback := range map[string]bool{
			"127.0.0.1:50000": true, "[::1]:50000": true,
			"203.0.113.9:50000": false, "10.0.0.2:50000": false, "garbage": false,
		} {
			req := httptest.NewRequest(http.MethodGet, "/debug/pprof/cmdline", nil)
			req.RemoteAddr = remote
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, req)
			want := http.StatusNotFound
			if debug && loopback {
				want = http.StatusOK
			}
			if rec.Code != want {
				t.Errorf("debug=%v remote=%s: status %d, want %d", debug, remote, rec.Code, want)
			}
		}
	}
}

// A reverse proxy on the same host connects from loopback: a request that
// carries any forwarding or client-address header is refused, whatever its
// value, spelling or case.
func TestPprofRefusesProxiedRequests(t *testing.T) {
	mw := New(Deps{Debug: true})
	var srv *ghttp.Server
	testutil.StartServer(t, func(s *ghttp.Server) {
		srv = s
		s.BindHandler("/debug/pprof/*any", mw.Pprof)
	})
	get := func(header, value string) int {
		req := httptest.NewRequest(http.MethodGet, "/debug/pprof/cmdline", nil)
		req.RemoteAddr = "127.0.0.1:50000"
		if header != "" {
			req.Header[header] = []string{value}
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		return rec.Code
	}
	if code := get("", ""); code != http.StatusOK {
		t.Fatalf("direct loopback request: %d", code)
	}
	for _, h := range []string{
		"X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Forwarded-Port", "X-Forwarded-Prefix",
		"X-Forwarded-Server", "Forwarded", "Via", "X-Real-Ip", "X-Real-IP", "x-real-ip", "X_Forwarded_For",
		"True-Client-Ip", "Cf-Connecting-Ip", "X-Client-Ip", "Fastly-Client-Ip", "X-Cluster-Client-Ip",
	} {
		for _, v := range []string{"127.0.0.1", "", "for=127.0.0.1", "1.1 nginx"} {
			if code := get(h, v); code != http.StatusNotFound {
				t.Errorf("%s: %q: status %d, want 404", h, v, code)
			}
		}
	}
	for _, h := range []string{"User-Agent", "X-Request-Id", "Accept"} {
		if code := get(h, "x"); code != http.StatusOK {
			t.Errorf("%s: status %d, want 200", h, code)
		}
	}
}
