package middleware

import (
	"mime"
	"net/http"
	"strings"

	"github.com/gogf/gf/v2/errors/gcode"
	"github.com/gogf/gf/v2/errors/gerror"
	"github.com/gogf/gf/v2/frame/g"
	"github.com/gogf/gf/v2/net/ghttp"

	"gptbot/internal/library/envelope"
	"gptbot/internal/library/httperr"
)

// Response writes the envelope with the right HTTP status. GoFrame's
// MiddlewareHandlerResponse answers 200 for errors and shows err.Error(),
// wrapped causes included; here the status comes from the error's code and
// only its safe message is shown, while the cause is logged once.
func (m *Middleware) Response(r *ghttp.Request) {
	r.Middleware.Next()

	err := r.GetError()
	if err == nil {
		if r.Response.BufferLength() > 0 || r.Response.BytesWritten() > 0 || isStream(r) {
			return // the handler wrote its own body (stream, page, metrics)
		}
		if st := r.Response.Status; st >= 400 {
			envelope.Error(r, st, http.StatusText(st))
			return
		}
		envelope.OK(r, r.GetHandlerResponse())
		return
	}
	if r.Response.BytesWritten() > 0 {
		// Too late for a status: the stream reports its own errors.
		g.Log().Warningf(r.Context(), "error after response started: %+v", err)
		return
	}
	status, message, internal := httperr.Resolve(err)
	if internal {
		logCause(r, err)
	}
	envelope.Error(r, status, message)
}

// fail records an error for the Response middleware to render; the calling
// middleware returns without r.Middleware.Next(), which stops the chain.
func fail(r *ghttp.Request, err error) {
	r.SetError(err)
}

func isStream(r *ghttp.Request) bool {
	mt, _, _ := mime.ParseMediaType(r.Response.Header().Get("Content-Type"))
	return mt == "text/event-stream"
}

// NotFound answers unmatched API paths with the JSON envelope (pages and
// other paths keep GoFrame's plain 404).
func (m *Middleware) NotFound(r *ghttp.Request) {
	// GoFrame runs status handlers for every 404, including the ones a
	// handler answered itself ("conversation not found"): keep those.
	if r.Response.BufferLength() > 0 || r.Response.BytesWritten() > 0 {
		return
	}
	if strings.HasPrefix(r.URL.Path, "/api/") {
		envelope.Error(r, http.StatusNotFound, "not found")
	}
}

// logCause logs an unexpected error once. GoFrame's database errors carry
// the SQL with its bound arguments (message text, password hashes), so for
// those only the driver's own error is logged.
func logCause(r *ghttp.Request, err error) {
	if gerror.Code(err).Code() == gcode.CodeDbOperationError.Code() {
		g.Log().Errorf(r.Context(), "%s %s: database error: %v", r.Method, r.URL.Path, gerror.Cause(err))
		return
	}
	g.Log().Errorf(r.Context(), "%s %s: %+v", r.Method, r.URL.Path, err)
}
