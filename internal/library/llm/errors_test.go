package llm

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestPublicMessage(t *testing.T) {
	tests := []struct {
		err    error
		status int
	}{
		{&Error{Kind: ErrUpstreamAuth, Status: 401}, 502},
		{&Error{Kind: ErrUpstreamRateLimited}, 502},
		{&Error{Kind: ErrUpstreamUnavailable}, 502},
		{&Error{Kind: ErrUpstreamRejected}, 502},
		{&Error{Kind: ErrUpstreamBadResponse}, 502},
		{&Error{Kind: ErrFirstTokenTimeout}, 504},
		{&Error{Kind: ErrTimeout}, 504},
		{fmt.Errorf("wrapped: %w", context.DeadlineExceeded), 504},
		{context.Canceled, 499},
		{fmt.Errorf("something else"), 502},
	}
	for _, tt := range tests {
		status, msg := PublicMessage(tt.err)
		if status != tt.status || msg == "" {
			t.Errorf("PublicMessage(%v) = %d %q, want %d", tt.err, status, msg, tt.status)
		}
	}
	if _, msg := PublicMessage(&Error{Kind: ErrUpstreamAuth}); msg != "the model provider refused the API key" {
		t.Errorf("auth message %q", msg)
	}
}

func TestRedact(t *testing.T) {
	c := New(Config{APIKey: "my-custom-key-123"})
	got := c.redact("key my-custom-key-123 and sk-proj-****abcd, sk-live_AbC0123456789")
	for _, bad := range []string{"my-custom-key-123", "abcd", "AbC0123456789"} {
		if strings.Contains(got, bad) {
			t.Errorf("redact left %q in %q", bad, got)
		}
	}
	if long := c.redact(strings.Repeat("é", 500)); !strings.HasSuffix(long, "…") || len(long) > 310 {
		t.Errorf("long detail not truncated: %d bytes", len(long))
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		header http.Header
		want   time.Duration
		ok     bool
	}{
		{http.Header{}, 0, false},
		{http.Header{"Retry-After": {"3"}}, 3 * time.Second, true},
		{http.Header{"Retry-After": {"0"}}, 0, true},
		{http.Header{"Retry-After": {"-1"}}, 0, false},
		{http.Header{"Retry-After": {"soon"}}, 0, false},
		{http.Header{"Retry-After": {now.Add(7 * time.Second).Format(http.TimeFormat)}}, 7 * time.Second, true},
		{http.Header{"Retry-After": {now.Add(-time.Hour).Format(http.TimeFormat)}}, 0, true},
		{http.Header{"Retry-After": {"3"}, "Retry-After-Ms": {"250"}}, 250 * time.Millisecond, true},
	}
	for _, tt := range tests {
		got, ok := parseRetryAfter(tt.header, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseRetryAfter(%v) = %v %v, want %v %v", tt.header, got, ok, tt.want, tt.ok)
		}
	}
}

func TestBackoffBounds(t *testing.T) {
	base, maxDelay := 100*time.Millisecond, time.Second
	for attempt := 1; attempt <= 70; attempt++ {
		ceiling := min(maxDelay, base<<min(attempt-1, 20))
		for range 50 {
			if d := backoff(attempt, base, maxDelay); d < 0 || d > ceiling {
				t.Fatalf("backoff(%d) = %v, ceiling %v", attempt, d, ceiling)
			}
		}
	}
}

func TestRetryDelay(t *testing.T) {
	c := New(Config{RetryBaseDelay: 10 * time.Millisecond, RetryMaxDelay: 5 * time.Second})
	far := time.Now().Add(time.Minute)
	if d, ok := c.retryDelay(1, &Error{hasRetryAfter: true, retryAfter: 2 * time.Second}, far); !ok || d != 2*time.Second {
		t.Errorf("Retry-After not honoured: %v %v", d, ok)
	}
	if _, ok := c.retryDelay(1, &Error{hasRetryAfter: true, retryAfter: time.Minute}, far); ok {
		t.Error("Retry-After above RetryMaxDelay should give up")
	}
	if _, ok := c.retryDelay(1, &Error{hasRetryAfter: true, retryAfter: 2 * time.Second}, time.Now().Add(time.Second)); ok {
		t.Error("a wait past the deadline should give up")
	}
}
