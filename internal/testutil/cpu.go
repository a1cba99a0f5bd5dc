package testutil

import (
	"runtime/debug"
	"syscall"
	"testing"
	"time"
)

// CPUTime is the CPU time the process spent in f: unlike wall time, it
// does not grow when other work shares the machine.
func CPUTime(t testing.TB, f func()) time.Duration {
	t.Helper()
	var before, after syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &before); err != nil {
		t.Fatal(err)
	}
	f()
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &after); err != nil {
		t.Fatal(err)
	}
	used := func(r syscall.Rusage) int64 { return r.Utime.Nano() + r.Stime.Nano() }
	return time.Duration(used(after) - used(before))
}

// CPUBound scales a CPU bound for the race detector, which makes code
// about ten times slower.
func CPUBound(d time.Duration) time.Duration {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "-race" && s.Value == "true" {
				return 10 * d
			}
		}
	}
	return d
}
