package integration

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"testing"
)

// BenchmarkAuthenticatedRequest measures GET /api/v1/me end to end over
// loopback: cookie → session load from Redis → user from SQLite → envelope
// → idle-timeout slide. Run with make bench.
func BenchmarkAuthenticatedRequest(b *testing.B) {
	app := StartApp(b, Options{})
	c := app.Client()
	c.MustSignUp("bench_user", "password123")
	u, _ := url.Parse(app.URL)
	cookies := c.Jar.Cookies(u)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		jar, _ := cookiejar.New(nil)
		jar.SetCookies(u, cookies)
		hc := &http.Client{Jar: jar}
		for pb.Next() {
			resp, err := hc.Get(app.URL + "/api/v1/me")
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
}
