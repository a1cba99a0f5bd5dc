package chat

import (
	"encoding/json"
	"net/http"

	"github.com/gogf/gf/v2/net/ghttp"
)

// sseWriter writes server-sent events on a GoFrame response, flushing each
// one at once (GoFrame buffers the response otherwise).
type sseWriter struct {
	r *ghttp.Request
}

// startSSE sends the stream's headers.
func startSSE(r *ghttp.Request) *sseWriter {
	h := r.Response.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
	r.Response.WriteHeader(http.StatusOK)
	return &sseWriter{r: r}
}

// send writes one event with a JSON data line and flushes it. Write errors
// are ignored: a client that went away cancels the request context, which
// ends the model call.
func (w *sseWriter) send(event string, data any) {
	b, err := json.Marshal(data)
	if err != nil {
		b = []byte(`{}`)
	}
	w.r.Response.Write("event: " + event + "\ndata: " + string(b) + "\n\n")
	w.r.Response.Flush()
}
