package middleware

import (
	"crypto/rand"
	"encoding/hex"
	"regexp"

	"github.com/gogf/gf/v2/net/ghttp"

	"gptbot/internal/consts"
)

const ctxRequestID = consts.CtxRequestID

var saneRequestID = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,64}$`)

// RequestID gives every request an id, echoed in X-Request-Id: a sane
// incoming one (from a proxy) is kept, anything else is replaced.
func (m *Middleware) RequestID(r *ghttp.Request) {
	id := r.Header.Get("X-Request-Id")
	if !saneRequestID.MatchString(id) {
		b := make([]byte, 12)
		_, _ = rand.Read(b)
		id = hex.EncodeToString(b)
	}
	r.SetCtxVar(ctxRequestID, id)
	r.Response.Header().Set("X-Request-Id", id)
	r.Middleware.Next()
}
