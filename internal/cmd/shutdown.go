package cmd

import (
	"context"
	"math"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/gogf/gf/v2/frame/g"
	"github.com/gogf/gf/v2/net/ghttp"

	"gptbot/internal/service"
)

// shutdownSignals stop the server: SIGTERM from orchestrators and systemd,
// SIGINT from a terminal.
var shutdownSignals = []os.Signal{syscall.SIGTERM, syscall.SIGINT}

// shutdownSettleMargin is what GoFrame's graceful shutdown waits beyond
// chat.shutdownGrace: stopped replies settle and send their last event,
// other requests finish.
const shutdownSettleMargin = time.Minute

// prepareShutdown makes the graceful shutdown of s outlast the drain of
// replies. GoFrame cuts every open connection server.gracefulTimeout after
// the shutdown began (2 s by default; gracefulShutdownTimeout does not
// apply to it), which would cut every stream. Call it before s.Start.
func prepareShutdown(s *ghttp.Server, grace time.Duration) {
	need := int(math.Ceil((grace + shutdownSettleMargin).Seconds()))
	if s.GetGracefulTimeout() < need {
		s.SetGracefulTimeout(need)
	}
}

// waitForShutdown blocks until SIGTERM or SIGINT, then shuts down in order:
// s stops accepting connections while the replies in progress drain
// (service.Chat().Drain: new replies are refused with 503, the running ones
// finish within chat.shutdownGrace or are stopped, settled and answered);
// once they are done, the main and metrics servers close. A second signal
// stops the remaining replies at once (still settling them).
func (a *app) waitForShutdown(ctx context.Context, s *ghttp.Server) {
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, shutdownSignals...)
	defer signal.Stop(sigs)
	sig := <-sigs
	g.Log().Infof(ctx, "%s received: shutting down (a second signal stops the replies in progress at once)", sig)

	var servers sync.WaitGroup
	servers.Add(1)
	go func() {
		defer servers.Done()
		if err := s.Shutdown(); err != nil {
			g.Log().Errorf(ctx, "shutdown: %v", err)
		}
	}()

	drainCtx, stopNow := context.WithCancel(ctx)
	defer stopNow()
	go func() {
		select {
		case again := <-sigs:
			g.Log().Warningf(ctx, "%s received again: stopping the replies in progress now", again)
			stopNow()
		case <-drainCtx.Done():
		}
	}()
	service.Chat().Drain(drainCtx)
	stopNow()

	servers.Wait()
	if a.cfg.Metrics.Address != "" {
		// Last, so the drain could be watched (gptbot_llm_streams_in_flight).
		if err := g.Server("metrics").Shutdown(); err != nil {
			g.Log().Errorf(ctx, "shutdown metrics server: %v", err)
		}
	}
	g.Log().Infof(ctx, "shutdown complete")
}
