package integration

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"gptbot/internal/testutil"
)

// makeRun runs hack/run.sh (what `make run` runs) against a config whose
// Redis and HTTP ports are free ones, in its own process group so that a
// Ctrl-C can be imitated.
type makeRun struct {
	cmd      *exec.Cmd
	exited   chan struct{} // closed once run.sh has exited
	out      *syncBuffer
	url      string
	redis    string
	redisDir string
}

func startMakeRun(t *testing.T, redisPort int) *makeRun {
	t.Helper()
	a := &App{t: t, port: testutil.FreePort(t), Redis: &testutil.RedisServer{Addr: fmt.Sprintf("127.0.0.1:%d", redisPort)}}
	dir := t.TempDir()
	a.DBPath, a.cfgPath = filepath.Join(dir, "gptbot.db"), filepath.Join(dir, "config.yaml")
	// An API key and a base URL keep the dev model (a fixed port) out of the
	// way; nothing here calls the model.
	a.writeConfig(Options{ExtraYAML: chatYAML("http://127.0.0.1:9/v1", "")})
	m := &makeRun{out: &syncBuffer{}, exited: make(chan struct{}), url: fmt.Sprintf("http://127.0.0.1:%d", a.port),
		redis: a.Redis.Addr, redisDir: filepath.Join(dir, "redis")}
	m.cmd = exec.Command("bash", filepath.Join(testutil.ModuleRoot(t), "hack", "run.sh"))
	m.cmd.Env = append(os.Environ(), "GF_GCFG_FILE="+a.cfgPath, "GPTBOT_REDIS_DIR="+m.redisDir,
		"OPENAI_API_KEY=sk-test-not-used")
	m.cmd.Stdout, m.cmd.Stderr = m.out, m.out
	m.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := m.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = m.cmd.Wait(); close(m.exited) }()
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("make run output:\n%s", m.out.String())
		}
		select {
		case <-m.exited:
		default:
			_ = syscall.Kill(-m.cmd.Process.Pid, syscall.SIGKILL)
			<-m.exited
		}
		// Never leave a daemonized redis behind, whatever the test found.
		_ = redis.NewClient(&redis.Options{Addr: m.redis}).Shutdown(context.Background()).Err()
	})
	return m
}

// wait waits for run.sh to exit and returns its exit code.
func (m *makeRun) wait(t *testing.T, d time.Duration) int {
	t.Helper()
	select {
	case <-m.exited:
		return m.cmd.ProcessState.ExitCode()
	case <-time.After(d):
		t.Fatalf("make run did not exit within %s; output:\n%s", d, m.out.String())
		return -1
	}
}

// processRuns is false for a process that is gone or a zombie (a daemon
// nobody has reaped yet in a container without init).
func processRuns(pid int) bool {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	fields := bytes.Fields(stat[bytes.LastIndexByte(stat, ')')+1:])
	return len(fields) > 0 && string(fields[0]) != "Z"
}

func redisAnswers(addr string) bool {
	c := redis.NewClient(&redis.Options{Addr: addr, DialTimeout: 200 * time.Millisecond, MaxRetries: -1})
	defer c.Close()
	return c.Ping(context.Background()).Err() == nil
}

// Ctrl-C on `make run` stops the redis-server it started, not only the app.
func TestMakeRunStopsTheRedisItStarted(t *testing.T) {
	port := testutil.FreePort(t)
	m := startMakeRun(t, port)
	waitFor(t, 3*time.Minute, "make run to serve", func() bool {
		select {
		case <-m.exited:
			t.Fatalf("make run exited early")
		default:
		}
		resp, err := http.Get(m.url + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	})
	if !redisAnswers(m.redis) {
		t.Fatalf("make run serves, but no redis answers on %s", m.redis)
	}
	pid, err := os.ReadFile(filepath.Join(m.redisDir, "redis.pid"))
	if err != nil {
		t.Fatalf("make run started no redis of its own: %v\n%s", err, m.out.String())
	}

	// What a terminal does on Ctrl-C: SIGINT to the foreground process group.
	if err := syscall.Kill(-m.cmd.Process.Pid, syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	m.wait(t, time.Minute)
	waitFor(t, 10*time.Second, "the redis make run started to stop", func() bool { return !redisAnswers(m.redis) })
	if n, err := strconv.Atoi(string(bytes.TrimSpace(pid))); err == nil && processRuns(n) {
		t.Fatalf("redis-server (pid %d) still runs after make run ended", n)
	}
}

// A Redis that answers but refuses writes (here: its last save failed, as
// after its data directory was deleted) is not reused silently.
func TestMakeRunRefusesARedisThatCannotWrite(t *testing.T) {
	port := testutil.FreePort(t)
	dataDir := filepath.Join(t.TempDir(), "old-redis")
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		t.Fatal(err)
	}
	srv := exec.Command("redis-server", "--port", strconv.Itoa(port), "--bind", "127.0.0.1",
		"--dir", dataDir, "--save", "60 1", "--appendonly", "no")
	if err := srv.Start(); err != nil {
		t.Fatalf("redis-server is required: %v", err)
	}
	t.Cleanup(func() { _ = srv.Process.Kill(); _, _ = srv.Process.Wait() })
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	if err := testutil.WaitListening(addr, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	c := redis.NewClient(&redis.Options{Addr: addr})
	defer c.Close()
	ctx := context.Background()
	if err := os.RemoveAll(dataDir); err != nil {
		t.Fatal(err)
	}
	_ = c.BgSave(ctx).Err()
	waitFor(t, 10*time.Second, "redis to refuse writes after a failed save", func() bool {
		return c.Set(ctx, "k", "v", 0).Err() != nil
	})

	m := startMakeRun(t, port)
	code := m.wait(t, 3*time.Minute)
	out := m.out.String()
	if code == 0 {
		t.Fatalf("make run exited 0 with a Redis that refuses writes:\n%s", out)
	}
	for _, want := range []string{"refuses writes", "MISCONF", "shutdown nosave"} {
		if !bytes.Contains([]byte(out), []byte(want)) {
			t.Fatalf("make run's message lacks %q:\n%s", want, out)
		}
	}
	if bytes.Contains([]byte(out), []byte("serving http")) {
		t.Fatalf("make run went on to serve:\n%s", out)
	}
}
