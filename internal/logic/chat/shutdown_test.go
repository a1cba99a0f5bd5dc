package chat

import (
	"context"
	"errors"
	"testing"
	"time"

	"gptbot/internal/config"
	"gptbot/internal/library/httperr"
)

func drainingChat(grace time.Duration) *sChat {
	return New(&config.OpenAI{}, &config.Chat{ShutdownGrace: grace}, nil, nil)
}

// TestDrainWaitsThenStops: an admitted reply that finishes within the grace
// is waited for and not stopped; one that outlasts it is stopped with
// errShuttingDown; after that a reply reaching track() is stopped at once,
// and a new request is refused with 503.
func TestDrainWaitsThenStops(t *testing.T) {
	t.Run("finishes within the grace", func(t *testing.T) {
		s := drainingChat(time.Minute)
		done, err := s.Admit(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancelCause(t.Context())
		untrack := s.track(1, cancel)
		go func() {
			time.Sleep(50 * time.Millisecond)
			untrack()
			done()
		}()
		if n := s.Drain(t.Context()); n != 0 || ctx.Err() != nil {
			t.Fatalf("stopped %d, reply context %v", n, context.Cause(ctx))
		}
	})
	t.Run("outlasts the grace", func(t *testing.T) {
		s := drainingChat(10 * time.Millisecond)
		done, err := s.Admit(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancelCause(t.Context())
		untrack := s.track(1, cancel)
		go func() {
			<-ctx.Done() // the reply settles, then its request ends
			untrack()
			done()
		}()
		if n := s.Drain(t.Context()); n != 1 || !errors.Is(context.Cause(ctx), errShuttingDown) {
			t.Fatalf("stopped %d, reply context %v", n, context.Cause(ctx))
		}
		late, cancelLate := context.WithCancelCause(t.Context())
		s.track(2, cancelLate)()
		if !errors.Is(context.Cause(late), errShuttingDown) {
			t.Fatalf("a reply starting after the grace was not stopped: %v", context.Cause(late))
		}
		if _, err := s.Admit(t.Context()); !httperr.IsCode(err, httperr.Unavailable) {
			t.Fatalf("a new reply during the shutdown: %v, want 503", err)
		}
	})
	t.Run("a second signal ends the grace", func(t *testing.T) {
		s := drainingChat(time.Hour)
		done, _ := s.Admit(t.Context())
		ctx, cancel := context.WithCancelCause(t.Context())
		untrack := s.track(1, cancel)
		go func() {
			<-ctx.Done()
			untrack()
			done()
		}()
		now, stopNow := context.WithCancel(t.Context())
		stopNow()
		if n := s.Drain(now); n != 1 || !errors.Is(context.Cause(ctx), errShuttingDown) {
			t.Fatalf("stopped %d, reply context %v", n, context.Cause(ctx))
		}
	})
}
