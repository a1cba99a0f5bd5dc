// Package middleware holds the request pipeline: response envelope, body
// guard, cross-site protection, security headers, sessions and auth.
package middleware

import (
	"net/http"

	"gptbot/internal/service"
)

type sMiddleware struct {
	crossOrigin *http.CrossOriginProtection
}

func init() {
	service.RegisterMiddleware(New())
}

// New returns the middleware service.
func New() *sMiddleware {
	return &sMiddleware{crossOrigin: http.NewCrossOriginProtection()}
}
