package httperr

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/gogf/gf/v2/errors/gerror"
)

func TestRetryAfterTravelsWithTheError(t *testing.T) {
	cause := errors.New("stopped")
	for _, err := range []error{
		WithRetryAfter(Unavailable, nil, "restarting", 5*time.Second),
		gerror.Wrap(WithRetryAfter(Unavailable, cause, "restarting", 4200*time.Millisecond), "reply"),
	} {
		status, msg, _ := Resolve(err)
		if status != http.StatusServiceUnavailable || msg != "restarting" {
			t.Fatalf("%v: resolved to %d %q", err, status, msg)
		}
		h := http.Header{}
		SetRetryAfter(h, err)
		if got := h.Get("Retry-After"); got != "5" {
			t.Fatalf("%v: Retry-After %q, want 5", err, got)
		}
	}
	h := http.Header{}
	SetRetryAfter(h, New(Unavailable, "down"))
	if _, ok := RetryAfter(New(Unavailable, "down")); ok || h.Get("Retry-After") != "" {
		t.Fatalf("an error without a wait set Retry-After %q", h.Get("Retry-After"))
	}
}
