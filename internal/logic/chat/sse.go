package chat

import (
	"encoding/json"
	"net/http"
	"sync"
	"time"

	"github.com/gogf/gf/v2/net/ghttp"
)

// keepAliveComment is an SSE comment line: clients ignore it, while proxies
// and load balancers see traffic on a stream that would otherwise be silent
// (many cut an idle connection after 60 s).
const keepAliveComment = ": keep-alive\n\n"

// sseWriter writes server-sent events on a GoFrame response, flushing each
// one at once (GoFrame buffers the response otherwise). Its methods may be
// called from several goroutines.
type sseWriter struct {
	r    *ghttp.Request
	mu   sync.Mutex
	last time.Time // of the last write
}

// startSSE sends the stream's headers.
func startSSE(r *ghttp.Request) *sseWriter {
	h := r.Response.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
	r.Response.WriteHeader(http.StatusOK)
	return &sseWriter{r: r, last: time.Now()}
}

// send writes one event with a JSON data line and flushes it. Write errors
// are ignored: a client that went away cancels the request context, which
// ends the model call.
func (w *sseWriter) send(event string, data any) {
	b, err := json.Marshal(data)
	if err != nil {
		b = []byte(`{}`)
	}
	w.write("event: " + event + "\ndata: " + string(b) + "\n\n")
}

func (w *sseWriter) write(s string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.r.Response.Write(s)
	w.r.Response.Flush()
	w.last = time.Now()
}

// keepAlive writes a comment whenever the stream has been silent for
// every: while the model thinks before its first token, during retries,
// and in long pauses between tokens. stop ends it and returns once it can
// write no more, so it must be called before the handler returns.
func (w *sseWriter) keepAlive(every time.Duration) (stop func()) {
	quit, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTimer(every)
		defer t.Stop()
		for {
			select {
			case <-quit:
				return
			case <-t.C:
			}
			w.mu.Lock()
			wait := every - time.Since(w.last)
			if wait <= 0 {
				w.r.Response.Write(keepAliveComment)
				w.r.Response.Flush()
				w.last, wait = time.Now(), every
			}
			w.mu.Unlock()
			t.Reset(wait)
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			close(quit)
			<-finished
		})
	}
}
