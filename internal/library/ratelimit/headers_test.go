package ratelimit

import (
	"net/http"
	"testing"
	"time"
)

func TestWriteHeaders(t *testing.T) {
	p := Policy{Name: "api", Limit: 300, Period: time.Minute}
	tests := []struct {
		name       string
		d          Decision
		rateLimit  string
		retryAfter string
	}{
		{"allowed", Decision{Allowed: true, Limit: 300, Remaining: 299, ResetAfter: 200 * time.Millisecond},
			"limit=300, remaining=299, reset=1", ""},
		{"allowed, fractional reset rounds up", Decision{Allowed: true, Limit: 300, Remaining: 10, ResetAfter: 57100 * time.Millisecond},
			"limit=300, remaining=10, reset=58", ""},
		{"denied", Decision{Limit: 300, RetryAfter: 1200 * time.Millisecond, ResetAfter: 60 * time.Second},
			"limit=300, remaining=0, reset=60", "2"},
		{"denied, tiny wait is still 1s", Decision{Limit: 300, RetryAfter: time.Millisecond, ResetAfter: 59 * time.Second},
			"limit=300, remaining=0, reset=59", "1"},
		{"denied, zero wait is still 1s", Decision{Limit: 300},
			"limit=300, remaining=0, reset=0", "1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{}
			h.Set("Retry-After", "stale")
			WriteHeaders(h, p, tc.d)
			if got := h.Get("RateLimit-Policy"); got != "300;w=60" {
				t.Errorf("RateLimit-Policy = %q", got)
			}
			if got := h.Get("RateLimit"); got != tc.rateLimit {
				t.Errorf("RateLimit = %q, want %q", got, tc.rateLimit)
			}
			if got := h.Get("Retry-After"); got != tc.retryAfter {
				t.Errorf("Retry-After = %q, want %q", got, tc.retryAfter)
			}
		})
	}
}

func TestPolicyWindowRoundsUp(t *testing.T) {
	h := http.Header{}
	WriteHeaders(h, Policy{Name: "x", Limit: 5, Period: 1500 * time.Millisecond}, Decision{Allowed: true})
	if got := h.Get("RateLimit-Policy"); got != "5;w=2" {
		t.Fatalf("RateLimit-Policy = %q", got)
	}
}
