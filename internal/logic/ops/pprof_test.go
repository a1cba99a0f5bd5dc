package ops

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gogf/gf/v2/net/ghttp"

	"gptbot/internal/model"
	"gptbot/internal/testutil"
)

// pprof answers only with debug on and only to a direct loopback peer; the
// peer address is what the kernel reports, so requests are handed to the
// server with chosen RemoteAddrs.
func TestPprofOnlyForLoopbackWithDebugOn(t *testing.T) {
	for _, debug := range []bool{true, false} {
		ops := New()
		ops.Configure(model.OpsDeps{Debug: debug})
		var srv *ghttp.Server
		testutil.StartServer(t, func(s *ghttp.Server) {
			srv = s
			s.BindHandler("/debug/pprof/*any", ops.Pprof)
		})
		for remote, loopback := range map[string]bool{
			"127.0.0.1:50000": true, "[::1]:50000": true,
			"203.0.113.9:50000": false, "10.0.0.2:50000": false, "garbage": false,
		} {
			req := httptest.NewRequest(http.MethodGet, "/debug/pprof/cmdline", nil)
			req.RemoteAddr = remote
			req.Header.Set("X-Forwarded-For", "127.0.0.1") // must not help
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
