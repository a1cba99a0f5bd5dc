package llm

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// parseRetryAfter reads the wait a server asked for. OpenAI and Azure also
// send retry-after-ms, which is more precise, so it wins when present.
// Retry-After is either delta-seconds or an HTTP date.
func parseRetryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	if h == nil {
		return 0, false
	}
	if v := strings.TrimSpace(h.Get("Retry-After-Ms")); v != "" {
		if ms, err := strconv.ParseFloat(v, 64); err == nil && ms >= 0 {
			return time.Duration(ms * float64(time.Millisecond)), true
		}
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// backoff is exponential with full jitter: a uniform wait in
// [0, min(max, base·2^(attempt-1))], which spreads clients that failed
// together (AWS architecture blog, "Exponential Backoff And Jitter").
func backoff(attempt int, base, maxDelay time.Duration) time.Duration {
	ceiling := maxDelay
	if attempt-1 < 30 { // beyond that the shift overflows; the cap applies anyway
		if d := base << (attempt - 1); d > 0 && d < maxDelay {
			ceiling = d
		}
	}
	return rand.N(ceiling + 1)
}

// retryDelay decides how long to wait before the next attempt, or that the
// call should give up. A Retry-After is honoured exactly; when it asks for
// more than RetryMaxDelay, or more than the time left before the total
// deadline, retrying earlier would only earn another refusal, so we stop.
func (c *Client) retryDelay(attempt int, e *Error, deadline time.Time) (time.Duration, bool) {
	wait := backoff(attempt, c.cfg.RetryBaseDelay, c.cfg.RetryMaxDelay)
	if e.hasRetryAfter {
		if e.retryAfter > c.cfg.RetryMaxDelay {
			return 0, false
		}
		wait = e.retryAfter
	}
	if time.Until(deadline) <= wait {
		return 0, false
	}
	return wait, true
}
