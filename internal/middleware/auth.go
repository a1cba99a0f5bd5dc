package middleware

import (
	"github.com/gogf/gf/v2/net/ghttp"

	"gptbot/internal/consts"
	"gptbot/internal/library/httperr"
	"gptbot/internal/service"
)

// Session attaches the request's session from its cookie.
func (m *Middleware) Session(r *ghttp.Request) {
	if err := service.Session().Attach(r); err != nil {
		fail(r, err)
		return
	}
	r.Middleware.Next()
}

// Auth requires a logged-in, enabled user (service.User().LoggedIn decides,
// as for the pages) and puts it in the context.
func (m *Middleware) Auth(r *ghttp.Request) {
	u, err := service.User().LoggedIn(r.Context())
	if err != nil {
		fail(r, err)
		return
	}
	r.SetCtxVar(consts.CtxUser, u)
	r.Middleware.Next()
}

// Admin requires the admin role (after Auth).
func (m *Middleware) Admin(r *ghttp.Request) {
	u := service.User().Current(r.Context())
	if u == nil || u.Role != consts.AccountRoleAdmin {
		fail(r, httperr.New(httperr.Forbidden, "administrators only"))
		return
	}
	r.Middleware.Next()
}
