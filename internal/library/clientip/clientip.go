// Package clientip finds the address of the client behind trusted proxies.
//
// GoFrame's Request.GetClientIp takes the left-most X-Forwarded-For entry from
// anyone, so a client could pick its own rate-limit key. Here forwarding
// headers count only when the direct peer is a configured trusted proxy.
package clientip

import (
	"net"
	"net/http"
	"strings"

	"github.com/gogf/gf/v2/errors/gerror"
)

// Resolver knows which peers are trusted proxies.
type Resolver struct {
	trusted []*net.IPNet
}

// New parses CIDRs (a bare IP means that one address).
func New(cidrs []string) (*Resolver, error) {
	r := &Resolver{}
	for _, c := range cidrs {
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		if !strings.Contains(c, "/") {
			if ip := net.ParseIP(c); ip != nil && ip.To4() != nil {
				c += "/32"
			} else {
				c += "/128"
			}
		}
		_, n, err := net.ParseCIDR(c)
		if err != nil {
			return nil, gerror.Wrapf(err, "ratelimit.trustedProxies: bad CIDR %q", c)
		}
		r.trusted = append(r.trusted, n)
	}
	return r, nil
}

// Trusted reports whether ip belongs to a trusted proxy.
func (r *Resolver) Trusted(ip net.IP) bool {
	if ip == nil {
		return false
	}
	for _, n := range r.trusted {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}

// ClientIP returns the client's address: the direct peer, unless the peer is
// a trusted proxy, in which case X-Forwarded-For is walked from the right and
// the first address that is not itself a trusted proxy wins.
func (r *Resolver) ClientIP(req *http.Request) string {
	peer := peerIP(req.RemoteAddr)
	if !r.Trusted(peer) {
		return ipString(peer, req.RemoteAddr)
	}
	hops := forwardedFor(req.Header)
	for i := len(hops) - 1; i >= 0; i-- {
		ip := net.ParseIP(hops[i])
		if ip == nil {
			// Garbage in the chain: stop trusting it and use what we know.
			break
		}
		if !r.Trusted(ip) {
			return ip.String()
		}
		peer = ip
	}
	return ipString(peer, req.RemoteAddr)
}

// IsHTTPS reports whether the client reached us over TLS, directly or through
// a trusted proxy that says so in X-Forwarded-Proto.
func (r *Resolver) IsHTTPS(req *http.Request) bool {
	if req.TLS != nil {
		return true
	}
	if !r.Trusted(peerIP(req.RemoteAddr)) {
		return false
	}
	proto := req.Header.Get("X-Forwarded-Proto")
	if i := strings.IndexByte(proto, ','); i >= 0 {
		proto = proto[:i]
	}
	return strings.EqualFold(strings.TrimSpace(proto), "https")
}

func forwardedFor(h http.Header) []string {
	var hops []string
	for _, v := range h.Values("X-Forwarded-For") {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				hops = append(hops, p)
			}
		}
	}
	return hops
}

func peerIP(remoteAddr string) net.IP {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	return net.ParseIP(host)
}

func ipString(ip net.IP, fallback string) string {
	if ip == nil {
		return fallback
	}
	return ip.String()
}
