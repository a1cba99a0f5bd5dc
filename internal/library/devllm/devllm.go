// Package devllm is gptbot's built-in offline dev model: an OpenAI-compatible
// server that streams deterministic Markdown replies with real-looking usage,
// so the whole app can be tried and demonstrated without an API key or
// network. It is only ever used when configured (gptbot devllm, make run).
package devllm

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"
)

// ModelID is the one model the dev server lists.
const ModelID = "gptbot-dev"

// DefaultDelay between streamed words: slow enough to watch the stream,
// fast enough not to be annoying.
const DefaultDelay = 20 * time.Millisecond

// maxBody bounds a request; a chat request is never near this.
const maxBody = 4 << 20

// Handler serves the dev model with DefaultDelay between words.
func Handler() http.Handler { return NewHandler(DefaultDelay) }

// NewHandler serves the dev model with delay between streamed words (0 for
// none, as tests want). Routes: GET /v1/models, POST /v1/chat/completions.
func NewHandler(delay time.Duration) http.Handler {
	s := &server{delay: delay}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/models", s.models)
	mux.HandleFunc("POST /v1/chat/completions", s.chat)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "Unknown request URL: "+r.Method+" "+r.URL.Path)
	})
	return mux
}

// ListenAndServe serves Handler on addr until ctx is cancelled, then shuts
// down gracefully.
func ListenAndServe(ctx context.Context, addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return Serve(ctx, ln, Handler())
}

// shutdownGrace lets replies in flight finish before connections are cut.
const shutdownGrace = 5 * time.Second

// Serve serves h on ln until ctx is cancelled, then shuts down gracefully.
// It returns nil after a shutdown caused by ctx.
func Serve(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		srv.Close() // streams still running after the grace period
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
