package llm

import (
	"context"
	"time"
)

// Config configures a Client. Zero values take the defaults below, so the
// app can pass through whatever the operator set and leave the rest empty.
type Config struct {
	// BaseURL of the OpenAI-compatible API, e.g. "https://api.openai.com/v1"
	// or "http://127.0.0.1:11434/v1". Empty means OpenAI.
	BaseURL string
	// APIKey is sent as a bearer token. It never appears in errors.
	APIKey string

	// ConnectTimeout bounds dialing and the TLS handshake.
	ConnectTimeout time.Duration
	// FirstTokenTimeout bounds the wait, per attempt, from sending the
	// request to the first non-empty content delta.
	FirstTokenTimeout time.Duration
	// TotalTimeout bounds a whole Stream call, retries and backoff included.
	TotalTimeout time.Duration

	// MaxRetries is the number of extra attempts after the first one.
	// A negative value disables retries.
	MaxRetries int
	// RetryBaseDelay and RetryMaxDelay shape the exponential backoff.
	// RetryMaxDelay also caps how long a Retry-After is honoured: a server
	// asking for a longer wait ends the call instead.
	RetryBaseDelay time.Duration
	RetryMaxDelay  time.Duration

	// MaxIdleConnsPerHost sizes the keep-alive pool. Go's default of 2 would
	// make concurrent chats open and tear down a TLS connection each.
	MaxIdleConnsPerHost int
	// OnRetry, when set, hears about every failed attempt that will be
	// retried (the error is already redacted), so operators see retries
	// that ended well too. ctx is the caller's context: a log line written
	// with it carries the request's trace and request ids.
	OnRetry func(ctx context.Context, attempt int, err error, wait time.Duration)
}

// Defaults for zero Config fields.
const (
	DefaultConnectTimeout      = 10 * time.Second
	DefaultFirstTokenTimeout   = 60 * time.Second
	DefaultTotalTimeout        = 300 * time.Second
	DefaultMaxRetries          = 3
	DefaultRetryBaseDelay      = 500 * time.Millisecond
	DefaultRetryMaxDelay       = 20 * time.Second
	DefaultMaxIdleConnsPerHost = 64
)

func (c Config) withDefaults() Config {
	if c.ConnectTimeout <= 0 {
		c.ConnectTimeout = DefaultConnectTimeout
	}
	if c.FirstTokenTimeout <= 0 {
		c.FirstTokenTimeout = DefaultFirstTokenTimeout
	}
	if c.TotalTimeout <= 0 {
		c.TotalTimeout = DefaultTotalTimeout
	}
	switch {
	case c.MaxRetries == 0:
		c.MaxRetries = DefaultMaxRetries
	case c.MaxRetries < 0:
		c.MaxRetries = 0
	}
	if c.RetryBaseDelay <= 0 {
		c.RetryBaseDelay = DefaultRetryBaseDelay
	}
	if c.RetryMaxDelay <= 0 {
		c.RetryMaxDelay = DefaultRetryMaxDelay
	}
	if c.RetryMaxDelay < c.RetryBaseDelay {
		c.RetryMaxDelay = c.RetryBaseDelay
	}
	if c.MaxIdleConnsPerHost <= 0 {
		c.MaxIdleConnsPerHost = DefaultMaxIdleConnsPerHost
	}
	return c
}
