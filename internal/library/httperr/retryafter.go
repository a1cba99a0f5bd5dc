package httperr

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/gogf/gf/v2/errors/gcode"
	"github.com/gogf/gf/v2/errors/gerror"
)

// retryAfterError asks the client to wait before trying again; the HTTP
// layer turns that into a Retry-After header.
type retryAfterError struct {
	error
	after time.Duration
}

func (e *retryAfterError) Unwrap() error { return e.error }

// WithRetryAfter is New, or Wrap when cause is not nil, with the wait the
// client should allow before it retries.
func WithRetryAfter(code gcode.Code, cause error, message string, after time.Duration) error {
	var err error
	if cause == nil {
		err = gerror.NewCodeSkip(code, 1, message)
	} else {
		err = gerror.WrapCodeSkip(code, 1, cause, message)
	}
	return &retryAfterError{error: err, after: after}
}

// RetryAfter is the wait err asks of the client, if it asks for one.
func RetryAfter(err error) (time.Duration, bool) {
	var r *retryAfterError
	if errors.As(err, &r) {
		return r.after, true
	}
	return 0, false
}

// SetRetryAfter sets the Retry-After header (whole seconds, rounded up, at
// least 1) when err asks the client to wait.
func SetRetryAfter(h http.Header, err error) {
	if d, ok := RetryAfter(err); ok {
		secs := max(int64((d+time.Second-1)/time.Second), 1)
		h.Set("Retry-After", strconv.FormatInt(secs, 10))
	}
}
