package testutil

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// clusterMasters is how many masters StartRedisCluster runs: the fewest
// redis-cli accepts for a cluster, so keys of different users really land
// on different servers.
const clusterMasters = 3

// RedisCluster is a Redis Cluster of three masters and no replicas, owned
// by one test.
type RedisCluster struct {
	Addrs []string
	dirs  []string
	cmds  []*exec.Cmd
}

// StartRedisCluster starts three cluster-enabled redis-server processes on
// free ports under t.TempDir(), joins them with redis-cli --cluster create
// and waits until every node reports cluster_state:ok. It stops them when
// the test ends. Missing redis-server or redis-cli fails the test: cluster
// checks must never silently skip.
func StartRedisCluster(t testing.TB) *RedisCluster {
	t.Helper()
	for _, bin := range []string{"redis-server", "redis-cli"} {
		if _, err := exec.LookPath(bin); err != nil {
			t.Fatalf("%s is not installed (apt-get install -y redis-server redis-tools): %v", bin, err)
		}
	}
	c := &RedisCluster{}
	for i := 0; i < clusterMasters; i++ {
		c.dirs = append(c.dirs, t.TempDir())
	}
	// Registered after the temporary directories, so it runs before their
	// removal: the servers write there until they are killed.
	t.Cleanup(c.stop)
	for _, dir := range c.dirs {
		port := FreePort(t)
		// The bus port is set explicitly: the default, port+10000, may be
		// taken or out of range for a kernel-chosen port.
		cmd := exec.Command("redis-server",
			"--port", strconv.Itoa(port), "--bind", "127.0.0.1",
			"--cluster-enabled", "yes", "--cluster-port", strconv.Itoa(FreePort(t)),
			"--cluster-config-file", filepath.Join(dir, "nodes.conf"),
			"--dir", dir, "--save", "", "--appendonly", "no",
			"--logfile", filepath.Join(dir, "redis.log"))
		if err := cmd.Start(); err != nil {
			t.Fatalf("start redis-server: %v", err)
		}
		addr := fmt.Sprintf("127.0.0.1:%d", port)
		c.Addrs, c.cmds = append(c.Addrs, addr), append(c.cmds, cmd)
		if err := WaitListening(addr, 10*time.Second); err != nil {
			t.Fatalf("redis-server: %v\n%s", err, c.logs())
		}
	}
	args := append([]string{"--cluster", "create"}, c.Addrs...)
	args = append(args, "--cluster-replicas", "0", "--cluster-yes")
	if out, err := exec.Command("redis-cli", args...).CombinedOutput(); err != nil {
		t.Fatalf("redis-cli --cluster create: %v\n%s\n%s", err, out, c.logs())
	}
	deadline := time.Now().Add(30 * time.Second)
	for _, addr := range c.Addrs {
		for {
			host, port, _ := strings.Cut(addr, ":")
			out, err := exec.Command("redis-cli", "-h", host, "-p", port, "cluster", "info").Output()
			if err == nil && strings.Contains(string(out), "cluster_state:ok") {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("cluster node %s not ok after 30s: %v\n%s\n%s", addr, err, out, c.logs())
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	return c
}

// Client returns a go-redis cluster client on c, closed when the test ends.
func (c *RedisCluster) Client(t testing.TB) *redis.ClusterClient {
	t.Helper()
	rdb := redis.NewClusterClient(&redis.ClusterOptions{Addrs: c.Addrs})
	t.Cleanup(func() { _ = rdb.Close() })
	if err := rdb.ForEachShard(context.Background(), func(ctx context.Context, n *redis.Client) error {
		return n.Ping(ctx).Err()
	}); err != nil {
		t.Fatalf("cluster client: %v", err)
	}
	return rdb
}

// KeysPerMaster counts the keys each master holds, to show that a test's
// keys really spread over several servers.
func (c *RedisCluster) KeysPerMaster(t testing.TB) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, addr := range c.Addrs {
		n := redis.NewClient(&redis.Options{Addr: addr})
		size, err := n.DBSize(context.Background()).Result()
		_ = n.Close()
		if err != nil {
			t.Fatalf("DBSIZE on %s: %v", addr, err)
		}
		out[addr] = size
	}
	return out
}

func (c *RedisCluster) logs() string {
	var b strings.Builder
	for _, dir := range c.dirs {
		log, _ := os.ReadFile(filepath.Join(dir, "redis.log"))
		fmt.Fprintf(&b, "--- %s\n%s", dir, log)
	}
	return b.String()
}

func (c *RedisCluster) stop() {
	for _, cmd := range c.cmds {
		if cmd.Process != nil {
			_ = cmd.Process.Kill()
			_, _ = cmd.Process.Wait()
		}
	}
}

// LuaScripts returns the Lua scripts of the Go package in dir: every string
// literal of its non-test files that calls redis.call or redis.pcall, keyed
// by file:line. A script added later is checked without being listed.
func LuaScripts(t testing.TB, dir string) map[string]string {
	t.Helper()
	fset := token.NewFileSet()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatalf("parse %s: %v", name, err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err == nil && (strings.Contains(s, "redis.call(") || strings.Contains(s, "redis.pcall(")) {
				p := fset.Position(lit.Pos())
				out[fmt.Sprintf("%s:%d", filepath.Base(p.Filename), p.Line)] = s
			}
			return true
		})
	}
	return out
}

// scriptKeyArgs says which arguments of a Redis command are keys: "none",
// "first" (the argument after the command name) or "all". A command missing
// here fails CheckScriptKeys until it is added.
var scriptKeyArgs = map[string]string{
	"TIME": "none",
	"DEL":  "all", "EXISTS": "all", "UNLINK": "all", "MGET": "all",
	"GET": "first", "SET": "first", "INCRBY": "first",
	"EXPIRE": "first", "PEXPIRE": "first", "TTL": "first", "PTTL": "first",
	"HGET": "first", "HSET": "first", "HMGET": "first", "HGETALL": "first", "HDEL": "first",
	"ZADD": "first", "ZREM": "first", "ZRANGE": "first", "ZSCORE": "first", "ZCARD": "first",
	"ZREMRANGEBYSCORE": "first",
}

var keysArg = regexp.MustCompile(`^KEYS\[[^\]]+\]$`)

// CheckScriptKeys fails t unless every key the Lua script src passes to
// redis.call or redis.pcall is written KEYS[...]. A key built inside a
// script (from ARGV, by concatenation, or read from another key) is
// invisible to a Redis Cluster, which routes a script by its KEYS and
// answers CROSSSLOT for a key in another slot.
func CheckScriptKeys(t testing.TB, name, src string) {
	t.Helper()
	calls := 0
	for _, open := range []string{"redis.call(", "redis.pcall("} {
		rest := src
		for {
			i := strings.Index(rest, open)
			if i < 0 {
				break
			}
			rest = rest[i+len(open):]
			args := luaArgs(rest)
			calls++
			if len(args) == 0 {
				t.Errorf("%s: %s) without a command", name, open)
				continue
			}
			a := args[0]
			if len(a) < 2 || (a[0] != '\'' && a[0] != '"') || a[len(a)-1] != a[0] {
				t.Errorf("%s: command %s is not a literal", name, a)
				continue
			}
			cmd := strings.ToUpper(a[1 : len(a)-1])
			var keys []string
			switch scriptKeyArgs[cmd] {
			case "none":
			case "first":
				keys = args[1:min(2, len(args))]
				if len(keys) == 0 {
					t.Errorf("%s: %s without a key", name, cmd)
				}
			case "all":
				keys = args[1:]
			default:
				t.Errorf("%s: command %s is not in testutil's table of key positions; add it", name, cmd)
			}
			for _, k := range keys {
				if !keysArg.MatchString(k) {
					t.Errorf("%s: %s key %q is not KEYS[...]: a key built in the script breaks on a Redis Cluster", name, cmd, k)
				}
			}
		}
	}
	if calls == 0 {
		t.Errorf("%s: no redis.call found", name)
	}
}

// luaArgs splits the argument list that starts at s (just after the opening
// parenthesis) into its top-level arguments, trimmed.
func luaArgs(s string) []string {
	var args []string
	depth, start := 0, 0
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '(' || c == '[' || c == '{':
			depth++
		case c == ')' && depth == 0:
			if a := strings.TrimSpace(s[start:i]); a != "" || len(args) > 0 {
				args = append(args, a)
			}
			return args
		case c == ')' || c == ']' || c == '}':
			depth--
		case c == ',' && depth == 0:
			args = append(args, strings.TrimSpace(s[start:i]))
			start = i + 1
		}
	}
	return args
}
