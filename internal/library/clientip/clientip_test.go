package clientip

import (
	"crypto/tls"
	"net/http"
	"testing"
)

func req(remote string, xff ...string) *http.Request {
	r, _ := http.NewRequest(http.MethodGet, "http://x/", nil)
	r.RemoteAddr = remote
	for _, v := range xff {
		r.Header.Add("X-Forwarded-For", v)
	}
	return r
}

func TestClientIP(t *testing.T) {
	res, err := New([]string{"10.0.0.0/8", "192.168.1.1"})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		r    *http.Request
		want string
	}{
		{"direct peer, no header", req("203.0.113.9:5000"), "203.0.113.9"},
		{"untrusted peer spoofs XFF", req("203.0.113.9:5000", "1.2.3.4"), "203.0.113.9"},
		{"trusted proxy forwards client", req("10.1.2.3:80", "198.51.100.7"), "198.51.100.7"},
		{"client prepends a fake hop", req("10.1.2.3:80", "1.1.1.1, 198.51.100.7"), "198.51.100.7"},
		{"chain of trusted proxies", req("10.1.2.3:80", "198.51.100.7, 192.168.1.1, 10.9.9.9"), "198.51.100.7"},
		{"several headers", req("10.1.2.3:80", "1.1.1.1", "198.51.100.7"), "198.51.100.7"},
		{"garbage hop", req("10.1.2.3:80", "nonsense"), "10.1.2.3"},
		{"only proxies", req("10.1.2.3:80", "10.0.0.5"), "10.0.0.5"},
		{"ipv6 peer", req("[2001:db8::1]:443", "1.2.3.4"), "2001:db8::1"},
	}
	for _, c := range cases {
		if got := res.ClientIP(c.r); got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
}

func TestIsHTTPS(t *testing.T) {
	res, _ := New([]string{"10.0.0.0/8"})
	r := req("203.0.113.9:1")
	r.Header.Set("X-Forwarded-Proto", "https")
	if res.IsHTTPS(r) {
		t.Error("untrusted peer's X-Forwarded-Proto was believed")
	}
	r = req("10.0.0.1:1")
	r.Header.Set("X-Forwarded-Proto", "https")
	if !res.IsHTTPS(r) {
		t.Error("trusted proxy's X-Forwarded-Proto ignored")
	}
	r = req("203.0.113.9:1")
	r.TLS = &tls.ConnectionState{}
	if !res.IsHTTPS(r) {
		t.Error("direct TLS not seen")
	}
}

func TestBadCIDR(t *testing.T) {
	if _, err := New([]string{"10.0.0.0/99"}); err == nil {
		t.Fatal("bad CIDR accepted")
	}
}
