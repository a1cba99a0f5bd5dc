package llm

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"
)

// Sentinel kinds of failure. Every error Stream returns for an upstream
// problem is an *Error whose Kind is one of these, so callers use errors.Is.
var (
	// ErrUpstreamAuth: the provider answered 401/403, it refused the key.
	ErrUpstreamAuth = errors.New("llm: upstream refused the API key")
	// ErrUpstreamRateLimited: 429, still after the retries.
	ErrUpstreamRateLimited = errors.New("llm: upstream rate limited the request")
	// ErrUpstreamUnavailable: 5xx after the retries, or the connection failed.
	ErrUpstreamUnavailable = errors.New("llm: upstream unavailable")
	// ErrUpstreamRejected: any other 4xx (unknown model, prompt too long...).
	ErrUpstreamRejected = errors.New("llm: upstream rejected the request")
	// ErrUpstreamBadResponse: malformed SSE, an error object inside a 200
	// stream, or a stream that ended before the model finished.
	ErrUpstreamBadResponse = errors.New("llm: bad response from upstream")
	// ErrFirstTokenTimeout: no content arrived within FirstTokenTimeout.
	ErrFirstTokenTimeout = errors.New("llm: timed out waiting for the first token")
	// ErrTimeout: the whole call exceeded TotalTimeout.
	ErrTimeout = errors.New("llm: model call timed out")
)

// Error describes an upstream failure. Detail is meant for logs: it carries
// the provider's message with anything resembling an API key redacted.
type Error struct {
	Kind   error  // one of the sentinels above
	Status int    // upstream HTTP status, 0 when there was no response
	Code   string // provider's error code, e.g. "invalid_api_key"
	Detail string

	retryable     bool
	retryAfter    time.Duration // server-requested wait, valid if hasRetryAfter
	hasRetryAfter bool
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Kind.Error())
	if e.Status != 0 {
		fmt.Fprintf(&b, " (status %d)", e.Status)
	}
	if e.Code != "" {
		fmt.Fprintf(&b, " [%s]", e.Code)
	}
	if e.Detail != "" {
		b.WriteString(": ")
		b.WriteString(e.Detail)
	}
	return b.String()
}

// Unwrap makes errors.Is(err, ErrUpstreamAuth) and friends work.
func (e *Error) Unwrap() error { return e.Kind }

// PublicMessage maps an error from Stream or Complete to an HTTP status and a
// message that is safe to show to the user: it never includes the provider's
// own text, which may quote the key or internal details.
func PublicMessage(err error) (httpStatus int, message string) {
	switch {
	case err == nil:
		return http.StatusOK, ""
	case errors.Is(err, ErrUpstreamAuth):
		return http.StatusBadGateway, "the model provider refused the API key"
	case errors.Is(err, ErrUpstreamRateLimited):
		return http.StatusBadGateway, "the model provider is rate limiting requests, please try again shortly"
	case errors.Is(err, ErrUpstreamUnavailable):
		return http.StatusBadGateway, "the model provider is unavailable, please try again later"
	case errors.Is(err, ErrUpstreamRejected):
		return http.StatusBadGateway, "the model provider rejected the request"
	case errors.Is(err, ErrUpstreamBadResponse):
		return http.StatusBadGateway, "the model provider sent an invalid response"
	case errors.Is(err, ErrFirstTokenTimeout):
		return http.StatusGatewayTimeout, "the model did not start answering in time"
	case errors.Is(err, ErrTimeout), errors.Is(err, context.DeadlineExceeded):
		return http.StatusGatewayTimeout, "the model took too long to answer"
	case errors.Is(err, context.Canceled):
		// Nobody is listening any more; 499 is nginx's "client closed request",
		// useful in logs and metrics.
		return 499, "the request was cancelled"
	default:
		return http.StatusBadGateway, "the model request failed"
	}
}

// keyLike matches OpenAI-style secrets, including the partly masked form
// OpenAI quotes back in its 401 message ("sk-proj-****abcd").
var keyLike = regexp.MustCompile(`\b(sk|rk|pk)-[A-Za-z0-9_*\-]{4,}`)

// redact removes the configured key and anything that looks like a key.
func (c *Client) redact(s string) string {
	if c.cfg.APIKey != "" {
		s = strings.ReplaceAll(s, c.cfg.APIKey, "[redacted]")
	}
	s = keyLike.ReplaceAllString(s, "[redacted]")
	const maxDetail = 300 // an HTML error page from a proxy is noise in logs
	if len(s) > maxDetail {
		s = strings.ToValidUTF8(s[:maxDetail], "") + "…"
	}
	return s
}
