package password

import (
	"context"
	"errors"
	"runtime"
	"sync/atomic"
)

// ErrBusy means so many hash computations are waiting that one more would
// wait longer than a client should: the caller answers 503 and the client
// retries later.
var ErrBusy = errors.New("password hashing is busy")

// waitersPerSlot bounds the queue: at about 30 ms per computation on one
// core, 64 waiters per slot is a wait of a couple of seconds at most.
const waitersPerSlot = 64

// gate is the process-wide bound on concurrent Argon2 computations.
var gate = newLimiter(runtime.GOMAXPROCS(0), waitersPerSlot*runtime.GOMAXPROCS(0))

// limiter is a counting semaphore with a bounded, context-aware wait.
type limiter struct {
	slots      chan struct{}
	maxWaiting int64
	waiting    atomic.Int64
	// inFlight and peak let tests observe the bound.
	inFlight atomic.Int64
	peak     atomic.Int64
}

func newLimiter(slots, maxWaiting int) *limiter {
	return &limiter{slots: make(chan struct{}, max(slots, 1)), maxWaiting: int64(max(maxWaiting, 0))}
}

// acquire takes a slot, waiting while ctx lasts and the queue has room.
func (l *limiter) acquire(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	select {
	case l.slots <- struct{}{}:
		l.entered()
		return nil
	default:
	}
	if l.waiting.Add(1) > l.maxWaiting {
		l.waiting.Add(-1)
		return ErrBusy
	}
	defer l.waiting.Add(-1)
	select {
	case l.slots <- struct{}{}:
		l.entered()
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (l *limiter) entered() {
	n := l.inFlight.Add(1)
	for {
		p := l.peak.Load()
		if n <= p || l.peak.CompareAndSwap(p, n) {
			return
		}
	}
}

func (l *limiter) release() {
	l.inFlight.Add(-1)
	<-l.slots
}
