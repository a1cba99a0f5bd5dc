package ratelimit

import (
	"net/http"
	"testing"
	"time"

	"github.com/gogf/gf/v2/net/ghttp"
	"github.com/redis/go-redis/v9"

	"gptbot/internal/testutil"
)

// newClient connects to addr with short timeouts and no retries, so a dead
// Redis shows up as an error within a fraction of a second.
func newClient(t *testing.T, addr string) *redis.Client {
	t.Helper()
	c := redis.NewClient(&redis.Options{
		Addr:         addr,
		DialTimeout:  300 * time.Millisecond,
		ReadTimeout:  300 * time.Millisecond,
		WriteTimeout: 300 * time.Millisecond,
		PoolTimeout:  300 * time.Millisecond,
		MaxRetries:   -1, // -1, not 0, disables go-redis retries
	})
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// startServer runs a real GoFrame server with the routes register sets up.
func startServer(t *testing.T, register func(s *ghttp.Server)) string {
	t.Helper()
	return testutil.StartServer(t, register)
}

func get(t *testing.T, url string, header map[string]string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return res
}
