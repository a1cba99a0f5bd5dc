package integration

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"gptbot/internal/testutil"
)

const nginxBinary = "/usr/sbin/nginx"

// startNginx runs nginx in the foreground with the given http{} body and
// stops it when the test ends.
func startNginx(t *testing.T, httpBlock string, ports ...int) {
	t.Helper()
	if _, err := os.Stat(nginxBinary); err != nil {
		t.Fatalf("nginx is required for this test (apt-get install nginx): %v", err)
	}
	dir := t.TempDir()
	conf := fmt.Sprintf(`worker_processes 1;
daemon off;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path %[1]s/body;
  proxy_temp_path %[1]s/proxy;
  fastcgi_temp_path %[1]s/fastcgi;
  uwsgi_temp_path %[1]s/uwsgi;
  scgi_temp_path %[1]s/scgi;
%[2]s
}
`, dir, httpBlock)
	confPath := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	cmd := exec.Command(nginxBinary, "-p", dir, "-e", filepath.Join(dir, "error.log"), "-c", confPath)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start nginx: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_, _ = cmd.Process.Wait()
	})
	for _, port := range ports {
		deadline := time.Now().Add(10 * time.Second)
		for {
			resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/", port))
			if err == nil {
				resp.Body.Close()
				break
			}
			if time.Now().After(deadline) {
				log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
				t.Fatalf("nginx did not listen on %d: %v\n%s\n%s", port, err, out.String(), log)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}

func statusOf(t *testing.T, url string, header ...string) int {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := oneShot().Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// With debug on, pprof is reachable only on its own loopback listener and
// only by a direct client: a same-host reverse proxy (whose requests come
// from loopback) reaches neither it through the app's port, even with
// nginx's default of adding no forwarding headers at all, nor through
// pprof's own port when it forwards as proxies usually do.
func TestPprofNotReachableThroughSameHostProxy(t *testing.T) {
	pprofPort := testutil.FreePort(t)
	app := startAppWith(t, Options{Debug: true}, map[string]string{
		"debug": fmt.Sprintf("  pprofAddress: \"127.0.0.1:%d\"\n", pprofPort),
	})
	direct := fmt.Sprintf("http://127.0.0.1:%d/debug/pprof/cmdline", pprofPort)
	if code := statusOf(t, direct); code != 200 {
		t.Fatalf("pprof to a direct loopback client: %d", code)
	}
	if code := statusOf(t, app.URL+"/debug/pprof/cmdline"); code != 404 {
		t.Fatalf("pprof on the app's own port: %d", code)
	}
	for _, h := range []string{"X-Forwarded-For", "X-Real-IP", "Forwarded", "Via", "X-Forwarded-Host"} {
		if code := statusOf(t, direct, h, "127.0.0.1"); code != 404 {
			t.Errorf("pprof with %s: %d", h, code)
		}
	}

	appProxy, pprofProxy := testutil.FreePort(t), testutil.FreePort(t)
	startNginx(t, fmt.Sprintf(`
  server {
    listen 127.0.0.1:%d;
    location / { proxy_pass http://127.0.0.1:%d; }
  }
  server {
    listen 127.0.0.1:%d;
    location / {
      proxy_pass http://127.0.0.1:%d;
      proxy_set_header X-Real-IP $remote_addr;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
    }
  }`, appProxy, app.port, pprofProxy, pprofPort), appProxy, pprofProxy)

	viaApp := fmt.Sprintf("http://127.0.0.1:%d", appProxy)
	if code := statusOf(t, viaApp+"/healthz"); code != 200 {
		t.Fatalf("/healthz through nginx: %d", code)
	}
	for _, path := range []string{"/debug/pprof/", "/debug/pprof/cmdline", "/debug/pprof/heap", "/debug/pprof/goroutine?debug=2"} {
		if code := statusOf(t, viaApp+path); code != 404 {
			t.Errorf("%s through nginx to the app's port: %d, want 404", path, code)
		}
		if code := statusOf(t, fmt.Sprintf("http://127.0.0.1:%d%s", pprofProxy, path)); code != 404 {
			t.Errorf("%s through nginx to pprof's port: %d, want 404", path, code)
		}
	}
}
