// Package llm is gptbot's client for OpenAI-compatible chat models: streaming
// with retries and timeouts, error classification, and token counting.
package llm

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/sashabaranov/go-openai"
)

// RoleSystem is the role of the system prompt, the one role this package
// writes itself.
const RoleSystem = "system"

// Message is one chat message.
type Message struct {
	Role    string // RoleSystem, "user" or "assistant"
	Content string
}

// Request is one chat completion request.
type Request struct {
	Model     string
	Messages  []Message
	MaxTokens int // completion limit; 0 leaves it to the provider
}

// Result is what a call produced. On error it still holds the content that
// was delivered before the failure, so the caller can save and charge it.
type Result struct {
	Content          string
	FinishReason     string // "stop", "length", ...; empty if unfinished
	PromptTokens     int
	CompletionTokens int
	UsageReported    bool // false: the token numbers are 0, count them yourself
	Attempts         int  // HTTP requests made, retries included
	// TimeToFirstToken is measured from the start of the call, so it
	// includes retries; 0 when no content arrived.
	TimeToFirstToken time.Duration
	// PromptSent: the last attempt's request was written to the upstream
	// and not refused (200, or no answer yet when the call ended): the
	// provider has the prompt, and bills it, even without a token back.
	PromptSent bool
}

// Client talks to one OpenAI-compatible endpoint. It is safe for concurrent
// use and should be shared: it owns a connection pool.
type Client struct {
	cfg       Config
	api       *openai.Client
	transport *http.Transport
}

// New builds a Client; zero Config fields take their defaults.
func New(cfg Config) *Client {
	cfg = cfg.withDefaults()

	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DialContext = (&net.Dialer{Timeout: cfg.ConnectTimeout, KeepAlive: 30 * time.Second}).DialContext
	tr.TLSHandshakeTimeout = cfg.ConnectTimeout
	tr.MaxIdleConnsPerHost = cfg.MaxIdleConnsPerHost
	tr.MaxIdleConns = 2 * cfg.MaxIdleConnsPerHost

	oc := openai.DefaultConfig(cfg.APIKey)
	if cfg.BaseURL != "" {
		oc.BaseURL = cfg.BaseURL
	}
	// No http.Client.Timeout: it would cut long streams. The context
	// carries every deadline instead.
	oc.HTTPClient = recordingDoer{&http.Client{Transport: tr}}
	return &Client{cfg: cfg, api: openai.NewClientWithConfig(oc), transport: tr}
}

// CloseIdleConnections releases pooled connections, e.g. at shutdown.
func (c *Client) CloseIdleConnections() { c.transport.CloseIdleConnections() }

// Complete is Stream without a listener, for non-streaming API replies.
func (c *Client) Complete(ctx context.Context, req Request) (Result, error) {
	return c.Stream(ctx, req, nil)
}

// respMeta lets the doer hand back what go-openai drops: its errors keep the
// status but not the headers, and we need Retry-After.
type respMeta struct {
	header       http.Header
	body         io.ReadCloser
	transportErr error // set when the HTTP round trip itself failed
}

type respMetaKey struct{}

type recordingDoer struct{ hc *http.Client }

func (d recordingDoer) Do(req *http.Request) (*http.Response, error) {
	resp, err := d.hc.Do(req)
	if m, ok := req.Context().Value(respMetaKey{}).(*respMeta); ok {
		m.transportErr = err
		if resp != nil {
			m.header, m.body = resp.Header, resp.Body
		}
	}
	return resp, err
}

// drainTimeout bounds reading the rest of a finished stream.
const drainTimeout = time.Second

// drain reads what follows [DONE], normally just the chunked terminator.
// Closing an HTTP/1.1 body before its end makes net/http drop the
// connection instead of returning it to the pool. abort cancels the read if
// a misbehaving server keeps the body open.
func drain(m *respMeta, abort func()) {
	if m.body == nil {
		return
	}
	t := time.AfterFunc(drainTimeout, abort)
	defer t.Stop()
	io.Copy(io.Discard, io.LimitReader(m.body, 64<<10))
}

func (c *Client) chatRequest(req Request) openai.ChatCompletionRequest {
	msgs := make([]openai.ChatCompletionMessage, len(req.Messages))
	for i, m := range req.Messages {
		msgs[i] = openai.ChatCompletionMessage{Role: m.Role, Content: m.Content}
	}
	cr := openai.ChatCompletionRequest{
		Model:         req.Model,
		Messages:      msgs,
		Stream:        true,
		StreamOptions: &openai.StreamOptions{IncludeUsage: true},
	}
	if req.MaxTokens > 0 {
		// Most compatible servers know max_tokens; OpenAI's reasoning models
		// only accept max_completion_tokens. go-openai knows which is which.
		cr.MaxTokens = req.MaxTokens
		if errors.Is(openai.NewReasoningValidator().Validate(cr), openai.ErrReasoningModelMaxTokensDeprecated) {
			cr.MaxTokens, cr.MaxCompletionTokens = 0, req.MaxTokens
		}
	}
	return cr
}
