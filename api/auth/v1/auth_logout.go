package v1

import "github.com/gogf/gf/v2/frame/g"

// LogoutReq ends the current session on the server and clears the cookie.
type LogoutReq struct {
	g.Meta `path:"/auth/logout" method:"post" tags:"Auth" summary:"Log out"`
}

// LogoutRes is empty.
type LogoutRes struct{}
