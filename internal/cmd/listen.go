package cmd

import (
	"context"
	"fmt"
	"net"
	"strings"

	"github.com/gogf/gf/v2/errors/gerror"
	"github.com/gogf/gf/v2/frame/g"
	"github.com/gogf/gf/v2/net/ghttp"

	"gptbot/internal/library/connlimit"
	"gptbot/internal/router"
)

// listen opens the main server's listeners under the connection cap and
// sets the timeouts that free sockets sending nothing. Call it before
// s.Start.
func (a *app) listen(ctx context.Context, s *ghttp.Server) error {
	sc := a.cfg.Server
	s.SetReadTimeout(sc.ReadTimeout)
	s.SetIdleTimeout(sc.IdleTimeout)
	auto, files := connlimit.Auto()
	max, from := sc.MaxConnections, "server.maxConnections"
	if max == 0 {
		max, from = auto, fmt.Sprintf("derived from the open-file limit of %d", files)
	} else if max > auto {
		g.Log().Warningf(ctx, "server.maxConnections %d is more than the open-file limit of %d supports (%d): "+
			"raise the limit (LimitNOFILE, ulimit -n) or lower the cap", max, files, auto)
	}
	if s.GetGraceful() {
		// GoFrame's graceful reload passes its raw *net.TCPListener to
		// the new process and cannot take a wrapped one.
		g.Log().Warningf(ctx, "server.graceful is on: the connection cap (%d) is not applied", max)
		return nil
	}
	lim := connlimit.New(max, func(max, evicted, refused int) {
		g.Log().Warningf(ctx, "connection cap of %d reached: %d connections that had sent nothing closed to make room, "+
			"%d new connections refused", max, evicted, refused)
	})
	var lns []net.Listener
	for _, addr := range sc.Addresses() {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			for _, l := range lns {
				_ = l.Close()
			}
			return gerror.Wrapf(err, "listen on %s", addr)
		}
		lns = append(lns, lim.Listener(ln))
	}
	g.Log().Infof(ctx, "listening on %s: at most %d connections (%s); a request must arrive within %s "+
		"(server.readTimeout), an idle keep-alive connection closes after %s (server.idleTimeout)",
		strings.Join(sc.Addresses(), ", "), max, from, sc.ReadTimeout, sc.IdleTimeout)
	return s.SetListener(lns...)
}

// pprofServer serves pprof on its own loopback listener while debug is on.
// It is not on the main listener: a reverse proxy on the same host reaches
// that one from loopback on behalf of anyone. pprof being a debugging aid,
// a busy port turns it off with an error rather than stopping the app.
func (a *app) pprofServer(ctx context.Context) {
	if !a.cfg.Debug.Enabled {
		return
	}
	addr := a.cfg.Debug.PprofAddress
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		g.Log().Errorf(ctx, "pprof is off: cannot listen on debug.pprofAddress %s: %v", addr, err)
		return
	}
	ps := g.Server("pprof")
	ps.SetDumpRouterMap(false)
	router.Pprof(ps, a.mw)
	if err = ps.SetListener(ln); err == nil {
		err = ps.Start()
	}
	if err != nil {
		_ = ln.Close()
		g.Log().Errorf(ctx, "pprof is off: %v", err)
		return
	}
	g.Log().Warningf(ctx, "debug mode is on: pprof at http://%s/debug/pprof/ (loopback clients only)", ln.Addr())
}
