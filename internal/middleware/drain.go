package middleware

import (
	"github.com/gogf/gf/v2/net/ghttp"

	"gptbot/internal/library/envelope"
	"gptbot/internal/library/httperr"
	"gptbot/internal/service"
)

// Drain guards the routes that call the model (the router puts it on
// sending a message and regenerating a reply): during a shutdown they are
// refused with 503 and Retry-After before any rate limit spends anything,
// and an admitted one is waited for by the shutdown.
func (m *Middleware) Drain(r *ghttp.Request) {
	done, err := service.Chat().Admit(r.Context())
	if err != nil {
		// Answered here, not through r.SetError: a refusal during a
		// shutdown is expected, not a fault to log with its stack.
		status, message, _ := httperr.Resolve(err)
		httperr.SetRetryAfter(r.Response.Header(), err)
		envelope.Error(r, status, message)
		return
	}
	defer done()
	r.Middleware.Next()
}
