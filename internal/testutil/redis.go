// Package testutil starts the real dependencies integration tests run against.
package testutil

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// RedisServer is a redis-server process owned by one test.
type RedisServer struct {
	Addr string
	Port int
	dir  string
	cmd  *exec.Cmd
	t    testing.TB
}

// FreePort asks the kernel for a free TCP port on loopback.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// StartRedis starts a private redis-server on a free port and stops it when
// the test ends. A missing redis-server fails the test: integration tests
// must never silently skip.
func StartRedis(t testing.TB) *RedisServer {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Fatalf("redis-server is not installed (apt-get install -y redis-server): %v", err)
	}
	rs := &RedisServer{Port: FreePort(t), dir: t.TempDir(), t: t}
	rs.Addr = fmt.Sprintf("127.0.0.1:%d", rs.Port)
	rs.Start()
	t.Cleanup(rs.Stop)
	return rs
}

// Start (re)starts the server on its port, keeping its data directory.
func (rs *RedisServer) Start() {
	rs.t.Helper()
	rs.cmd = exec.Command("redis-server",
		"--port", strconv.Itoa(rs.Port), "--bind", "127.0.0.1",
		"--dir", rs.dir, "--save", "", "--appendonly", "no",
		"--logfile", filepath.Join(rs.dir, "redis.log"))
	if err := rs.cmd.Start(); err != nil {
		rs.t.Fatalf("start redis-server: %v", err)
	}
	if err := WaitListening(rs.Addr, 10*time.Second); err != nil {
		log, _ := os.ReadFile(filepath.Join(rs.dir, "redis.log"))
		rs.t.Fatalf("redis-server: %v\n%s", err, log)
	}
}

// Stop kills the server; Start brings it back on the same port.
func (rs *RedisServer) Stop() {
	if rs.cmd == nil || rs.cmd.Process == nil {
		return
	}
	_ = rs.cmd.Process.Kill()
	_, _ = rs.cmd.Process.Wait()
	rs.cmd = nil
}
