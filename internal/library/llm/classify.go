package llm

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/sashabaranov/go-openai"
)

// classify turns an error from go-openai into an *Error. Context errors are
// handled by the caller first: this only sees upstream faults. inStream is
// true once the 200 response headers were received.
func (c *Client) classify(err error, inStream bool, m *respMeta) *Error {
	var apiErr *openai.APIError
	var reqErr *openai.RequestError
	switch {
	case errors.As(err, &apiErr) && apiErr.HTTPStatusCode == 0:
		// go-openai reports `data: {"error":...}` inside a 200 stream as an
		// APIError without status.
		return &Error{Kind: ErrUpstreamBadResponse, Code: codeString(apiErr.Code),
			Detail: c.redact("error inside the stream: " + apiErr.Message)}
	case errors.As(err, &apiErr):
		return c.statusError(apiErr.HTTPStatusCode, codeString(apiErr.Code), apiErr.Message, m)
	case errors.As(err, &reqErr):
		// Error body that is not OpenAI JSON, e.g. a proxy's HTML page.
		return c.statusError(reqErr.HTTPStatusCode, "", string(reqErr.Body), m)
	case inStream:
		e := &Error{Kind: ErrUpstreamBadResponse, Detail: c.redact("reading the stream: " + err.Error())}
		// A connection that broke before any content is as safe to retry
		// as one that never opened; garbage from the server is not.
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		e.retryable = !errors.As(err, &syn) && !errors.As(err, &typ) &&
			!errors.Is(err, openai.ErrTooManyEmptyStreamMessages)
		return e
	case m.transportErr != nil:
		return &Error{Kind: ErrUpstreamUnavailable, Detail: c.redact(err.Error()), retryable: true}
	default:
		// go-openai refused the request before sending it (validation).
		return &Error{Kind: ErrUpstreamRejected, Detail: c.redact(err.Error())}
	}
}

func (c *Client) statusError(status int, code, msg string, m *respMeta) *Error {
	e := &Error{Status: status, Code: code, Detail: c.redact(msg)}
	switch {
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		e.Kind = ErrUpstreamAuth
	case status == http.StatusTooManyRequests:
		e.Kind = ErrUpstreamRateLimited
		// OpenAI uses 429 for an exhausted billing quota too; waiting will
		// not refill it.
		e.retryable = code != "insufficient_quota"
	case status == http.StatusRequestTimeout || status >= 500:
		e.Kind = ErrUpstreamUnavailable
		e.retryable = true
	default:
		e.Kind = ErrUpstreamRejected
	}
	e.retryAfter, e.hasRetryAfter = parseRetryAfter(m.header, time.Now())
	return e
}

// codeString renders the provider's error code. go-openai turns a JSON null
// code into the integer 0, which means "no code".
func codeString(code any) string {
	switch code {
	case nil, 0:
		return ""
	}
	return fmt.Sprint(code)
}
