package chat

import (
	"context"
	"sync"
	"time"

	"github.com/gogf/gf/v2/errors/gerror"
	"github.com/gogf/gf/v2/frame/g"

	"gptbot/internal/library/httperr"
)

// restartRetryAfter is the Retry-After of a reply refused or stopped by a
// shutdown: about the time a restarted or replacing instance needs to come up.
const restartRetryAfter = 5 * time.Second

// drainSettleBound bounds the wait, once the grace has run out, for the
// stopped replies to settle and send their last event.
const drainSettleBound = settleTimeout + 5*time.Second

// errShuttingDown is the cause replies are stopped with when the shutdown
// grace runs out.
var errShuttingDown = gerror.New("the server is shutting down")

const msgRestarting = "the server is restarting; what was generated so far is saved and charged, " +
	"the rest refunded: send your message again in a moment"

// Admit lets a reply request in, unless the server is shutting down: then
// it is refused with 503 and Retry-After before anything is reserved. done
// must be called when the request has been answered.
func (s *sChat) Admit(ctx context.Context) (done func(), err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.draining {
		return nil, httperr.WithRetryAfter(httperr.Unavailable, nil, msgRestarting, restartRetryAfter)
	}
	s.replies++
	var once sync.Once
	return func() {
		once.Do(func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			s.replies--
			if s.replies == 0 && s.idle != nil {
				close(s.idle)
				s.idle = nil
			}
		})
	}, nil
}

// Drain is the chat part of a shutdown. It admits no new reply, waits for
// the admitted ones to finish for up to chat.shutdownGrace (or until ctx
// ends), then stops the rest: each is settled — what was generated is
// charged, the rest refunded, its conversation released — and answered
// with a 503 (an error event in a stream). It returns when every admitted
// reply has finished, or drainSettleBound after stopping them, with the
// number it stopped.
func (s *sChat) Drain(ctx context.Context) (stopped int) {
	s.mu.Lock()
	s.draining = true
	idle := make(chan struct{})
	if s.replies == 0 {
		close(idle)
	} else {
		s.idle = idle
	}
	running := s.replies
	s.mu.Unlock()
	g.Log().Infof(ctx, "chat: refusing new replies; waiting up to %s for %d in progress", s.limits.ShutdownGrace, running)

	grace := time.NewTimer(s.limits.ShutdownGrace)
	defer grace.Stop()
	select {
	case <-idle:
	case <-grace.C:
	case <-ctx.Done():
	}

	s.mu.Lock()
	// From now on a reply that reaches track() is stopped at once.
	s.stopping = true
	for _, a := range s.active {
		a.cancel(errShuttingDown)
		stopped++
	}
	s.mu.Unlock()
	if stopped > 0 {
		g.Log().Warningf(ctx, "chat: stopping %d replies still running: each is settled and answered with 503", stopped)
	}
	bound := time.NewTimer(drainSettleBound)
	defer bound.Stop()
	select {
	case <-idle:
	case <-bound.C:
		g.Log().Warningf(ctx, "chat: replies stopped for the shutdown did not finish within %s", drainSettleBound)
	}
	return stopped
}
