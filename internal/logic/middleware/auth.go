package middleware

import (
	"github.com/gogf/gf/v2/net/ghttp"

	"gptbot/internal/consts"
	"gptbot/internal/library/httperr"
	"gptbot/internal/service"
)

// Session attaches the request's session from its cookie.
func (s *sMiddleware) Session(r *ghttp.Request) {
	if err := service.Session().Attach(r); err != nil {
		fail(r, err)
		return
	}
	r.Middleware.Next()
}

// Auth requires a logged-in, enabled user and puts it in the context.
func (s *sMiddleware) Auth(r *ghttp.Request) {
	ctx := r.Context()
	uid := service.Session().UserId(ctx)
	if uid == 0 {
		fail(r, httperr.New(httperr.Unauthorized, "not logged in"))
		return
	}
	u, err := service.User().Get(ctx, uid)
	if err != nil {
		if httperr.IsCode(err, httperr.NotFound) {
			_ = service.Session().End(ctx)
			fail(r, httperr.New(httperr.Unauthorized, "not logged in"))
			return
		}
		fail(r, err)
		return
	}
	if u.Disabled {
		_, _ = service.Session().RevokeUser(ctx, uid)
		_ = service.Session().End(ctx)
		fail(r, httperr.New(httperr.Forbidden, "this account is disabled"))
		return
	}
	r.SetCtxVar(consts.CtxUser, u)
	r.Middleware.Next()
}

// Admin requires the admin role (after Auth).
func (s *sMiddleware) Admin(r *ghttp.Request) {
	u := service.User().Current(r.Context())
	if u == nil || u.Role != consts.AccountRoleAdmin {
		fail(r, httperr.New(httperr.Forbidden, "administrators only"))
		return
	}
	r.Middleware.Next()
}
