package chat

import (
	"encoding/json"
	"net/http"
	"sync"
	"time"

	"github.com/gogf/gf/v2/net/ghttp"

	v1 "gptbot/api/chat/v1"
	"gptbot/internal/library/httperr"
	"gptbot/internal/model"
)

// keepAliveComment is an SSE comment line: clients ignore it, while proxies
// and load balancers see traffic on a stream that would otherwise be silent
// (many cut an idle connection after 60 s).
const keepAliveComment = ": keep-alive\n\n"

// sseWriter streams a reply as server-sent events (v1.ReplyStream) on a
// GoFrame response, flushing each event at once (GoFrame buffers the
// response otherwise). The stream begins with the reply's Start: a reply
// refused before that is answered with the JSON error envelope instead.
// Its methods may be called from several goroutines.
type sseWriter struct {
	r         *ghttp.Request
	keepAlive time.Duration

	mu       sync.Mutex
	started  bool
	last     time.Time // of the last write
	quit     chan struct{}
	finished chan struct{}
}

func newSSEWriter(r *ghttp.Request, keepAlive time.Duration) *sseWriter {
	return &sseWriter{r: r, keepAlive: keepAlive}
}

// Start sends the stream's headers and the start event, and starts the
// keep-alive.
func (w *sseWriter) Start(s model.ReplyStart) {
	w.mu.Lock()
	h := w.r.Response.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
	w.r.Response.WriteHeader(http.StatusOK)
	w.started, w.last = true, time.Now()
	quit, finished := make(chan struct{}), make(chan struct{})
	w.quit, w.finished = quit, finished
	w.mu.Unlock()
	go w.keepAliveLoop(quit, finished)
	w.send(v1.EventStart, v1.StartEvent{MessageId: s.MessageId, UserMessageId: s.UserMessageId})
}

// Delta sends a piece of the answer.
func (w *sseWriter) Delta(content string) {
	w.send(v1.EventDelta, v1.DeltaEvent{Content: content})
}

// End sends the usage, when there is one, then done or error.
func (w *sseWriter) End(e model.ReplyEnd) {
	if u := e.Usage; u != nil {
		w.send(v1.EventUsage, v1.UsageEvent{
			PromptTokens: u.PromptTokens, CompletionTokens: u.CompletionTokens, Estimated: u.Estimated, Balance: u.Balance,
		})
	}
	if e.Err != nil {
		// The same status and message the error has in JSON mode.
		status, message, _ := httperr.Resolve(e.Err)
		w.send(v1.EventError, v1.ErrorEvent{Code: status, Message: message})
		return
	}
	w.send(v1.EventDone, v1.DoneEvent{MessageId: e.MessageId, FinishReason: e.FinishReason})
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

// keepAliveLoop writes a comment whenever the stream has been silent for
// w.keepAlive: while the model thinks before its first token, during
// retries, and in long pauses between tokens. It gets its channels as
// arguments: close() clears the fields while the loop runs.
func (w *sseWriter) keepAliveLoop(quit <-chan struct{}, finished chan<- struct{}) {
	defer close(finished)
	every := w.keepAlive
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
}

// close stops the keep-alive and returns once it can write no more; the
// handler must call it before it returns.
func (w *sseWriter) close() {
	w.mu.Lock()
	quit, finished := w.quit, w.finished
	w.quit = nil
	w.mu.Unlock()
	if quit != nil {
		close(quit)
		<-finished
	}
}

// jsonCollector keeps the end of a reply for the one JSON answer.
type jsonCollector struct {
	end *model.ReplyEnd
}

func (c *jsonCollector) Start(model.ReplyStart) {}
func (c *jsonCollector) Delta(string)           {}
func (c *jsonCollector) End(e model.ReplyEnd)   { c.end = &e }
