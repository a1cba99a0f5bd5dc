package v1

import (
	"github.com/gogf/gf/v2/frame/g"

	"gptbot/internal/model"
)

// LoginReq starts a session. Lengths are only bounded here: a wrong-shaped
// credential is just a wrong credential (401), never a hint.
type LoginReq struct {
	g.Meta   `path:"/auth/login" method:"post" tags:"Auth" summary:"Log in and receive the session cookie"`
	Username string `json:"username" v:"required|max-length:{LoginUsernameMaxLen}#username is required|username is too long"`
	Password string `json:"password" v:"required|max-length:{LoginPasswordMaxLen}#password is required|password is too long"`
}

// LoginRes is the logged-in user.
type LoginRes struct {
	*model.UserView
}
