package config

import (
	"context"
	"net"
	"strings"
	"time"

	"github.com/gogf/gf/v2/errors/gerror"
	"github.com/gogf/gf/v2/frame/g"
)

// Listener defaults gptbot applies when the server section leaves a key
// out (GoFrame's own defaults are 60 s to read a request, headers
// included, which lets an idle socket sit for a minute).
const (
	DefaultAddress      = "127.0.0.1:8000"
	DefaultReadTimeout  = 10 * time.Second
	DefaultIdleTimeout  = 60 * time.Second
	DefaultPprofAddress = "127.0.0.1:6060"
	// minServerTimeout catches a bare number, which GoFrame reads as
	// nanoseconds.
	minServerTimeout = 100 * time.Millisecond
)

// Server is how gptbot listens. The keys live in GoFrame's server section;
// gptbot opens the listener itself to cap its connections.
type Server struct {
	// Address is server.address: host:port, ":port" or a port, several
	// separated by commas.
	Address string
	// MaxConnections is server.maxConnections, the most connections open
	// at once; 0 derives it from the open-file limit.
	MaxConnections int
	// ReadTimeout is server.readTimeout (GoFrame's key): the time to read a
	// request's headers and body. net/http also uses it as the header
	// timeout, so a connection that sends nothing, or its headers byte by
	// byte, is closed after it. It does not limit a response: reply
	// streams run as long as they need.
	ReadTimeout time.Duration
	// IdleTimeout is server.idleTimeout (GoFrame's key): how long a
	// keep-alive connection may wait for its next request. Keep it above a
	// reverse proxy's upstream keep-alive timeout.
	IdleTimeout time.Duration
}

func loadServer(ctx context.Context) Server {
	get := func(key string, def any) *g.Var { return g.Cfg().MustGet(ctx, "server."+key, def) }
	return Server{
		Address:        strings.TrimSpace(get("address", DefaultAddress).String()),
		MaxConnections: get("maxConnections", 0).Int(),
		ReadTimeout:    get("readTimeout", DefaultReadTimeout.String()).Duration(),
		IdleTimeout:    get("idleTimeout", DefaultIdleTimeout.String()).Duration(),
	}
}

// Addresses are the listen addresses, each as host:port.
func (s Server) Addresses() []string {
	var out []string
	for _, a := range strings.Split(s.Address, ",") {
		a = strings.TrimSpace(a)
		if a == "" {
			continue
		}
		if !strings.Contains(a, ":") {
			a = ":" + a // a bare port, as GoFrame accepts it
		}
		out = append(out, a)
	}
	return out
}

func (s Server) validate() error {
	switch {
	case len(s.Addresses()) == 0:
		return gerror.New("config: server.address is empty")
	case s.MaxConnections < 0:
		return gerror.New("config: server.maxConnections must be 0 (derived from the open-file limit) or more")
	case s.ReadTimeout < minServerTimeout:
		return gerror.New("config: server.readTimeout must be a duration string of at least 100ms, e.g. \"10s\"")
	case s.IdleTimeout < minServerTimeout:
		return gerror.New("config: server.idleTimeout must be a duration string of at least 100ms, e.g. \"60s\"")
	}
	return nil
}

// validatePprofAddress accepts only loopback addresses: pprof shows the
// process's memory and command line and must not be reachable from
// elsewhere.
func validatePprofAddress(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return gerror.Newf("config: debug.pprofAddress %q must be host:port", addr)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return gerror.Newf("config: debug.pprofAddress %q must be a loopback address such as 127.0.0.1:6060", addr)
	}
	return nil
}
