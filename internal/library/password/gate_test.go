package password

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// argon2Running counts goroutines inside argon2.IDKey, seen from outside the
// gate: what actually holds Params.Memory right now. (IDKey runs each lane
// in a goroutine of its own; those are not counted twice.)
func argon2Running(buf []byte) int {
	n := runtime.Stack(buf, true)
	count := 0
	for _, g := range strings.Split(string(buf[:n]), "\n\n") {
		if strings.Contains(g, "golang.org/x/crypto/argon2.IDKey(") {
			count++
		}
	}
	return count
}

// A burst of 100 verifications never runs more Argon2 computations at once
// than the gate has slots (GOMAXPROCS), each of which allocates 19 MiB.
func TestConcurrentVerifyIsBounded(t *testing.T) {
	h, err := Hash(ctx, "right password")
	if err != nil {
		t.Fatal(err)
	}
	slots := runtime.GOMAXPROCS(0)
	gate.peak.Store(0)

	var seen atomic.Int64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		buf := make([]byte, 4<<20)
		for {
			select {
			case <-stop:
				return
			default:
			}
			if n := int64(argon2Running(buf)); n > seen.Load() {
				seen.Store(n)
			}
			time.Sleep(time.Millisecond)
		}
	}()

	// As many as the queue takes (all 100 from two CPUs up).
	n := min(100, slots*(waitersPerSlot+1))
	var wg sync.WaitGroup
	var matched atomic.Int64
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pw := "wrong password"
			if i%10 == 0 {
				pw = "right password"
			}
			ok, err := Verify(context.Background(), h, pw)
			if err != nil {
				t.Error(err)
			}
			if ok {
				matched.Add(1)
			}
		}()
	}
	wg.Wait()
	close(stop)
	<-sampled

	if want := int64((n + 9) / 10); matched.Load() != want {
		t.Fatalf("%d of %d right passwords matched", matched.Load(), want)
	}
	if seen.Load() == 0 {
		t.Fatal("the sampler never saw an Argon2 computation: the test observes nothing")
	}
	if s := seen.Load(); s > int64(slots) {
		t.Fatalf("%d Argon2 computations ran at once; the bound is %d", s, slots)
	}
	if p := gate.peak.Load(); p > int64(slots) || p < 1 {
		t.Fatalf("gate peak %d, bound %d", p, slots)
	}
}

// A full queue answers ErrBusy at once instead of growing without bound,
// and a waiter whose context ends leaves the queue with the context's error.
func TestGateQueueIsBoundedAndCancellable(t *testing.T) {
	l := newLimiter(1, 2)
	if err := l.acquire(context.Background()); err != nil {
		t.Fatal(err)
	}
	// Two waiters fill the queue.
	waitCtx, cancelWaiters := context.WithCancel(context.Background())
	errs := make(chan error, 2)
	for range 2 {
		go func() { errs <- l.acquire(waitCtx) }()
	}
	deadline := time.Now().Add(5 * time.Second)
	for l.waiting.Load() != 2 {
		if time.Now().After(deadline) {
			t.Fatalf("waiters queued: %d", l.waiting.Load())
		}
		time.Sleep(time.Millisecond)
	}
	if err := l.acquire(context.Background()); !errors.Is(err, ErrBusy) {
		t.Fatalf("third waiter: %v, want ErrBusy", err)
	}
	cancelWaiters()
	for range 2 {
		if err := <-errs; !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled waiter: %v", err)
		}
	}
	if l.waiting.Load() != 0 {
		t.Fatalf("cancelled waiters still counted: %d", l.waiting.Load())
	}
	// A cancelled context never takes a slot, even a free one.
	l.release()
	done, cancel := context.WithCancel(context.Background())
	cancel()
	if err := l.acquire(done); !errors.Is(err, context.Canceled) {
		t.Fatalf("acquire with a done context: %v", err)
	}
	if err := l.acquire(context.Background()); err != nil {
		t.Fatalf("the slot was not freed: %v", err)
	}
	l.release()
}

// Hash and Verify give the slot back: far more calls than slots complete.
func TestHashAndVerifyReleaseTheirSlot(t *testing.T) {
	for range 3 * runtime.GOMAXPROCS(0) {
		h, err := Hash(ctx, "pw")
		if err != nil {
			t.Fatal(err)
		}
		if ok, err := Verify(ctx, h, "pw"); err != nil || !ok {
			t.Fatal(ok, err)
		}
		if err := VerifyDummy(ctx, "pw"); err != nil {
			t.Fatal(err)
		}
	}
	if n := gate.inFlight.Load(); n != 0 {
		t.Fatalf("%d slots still held", n)
	}
}
