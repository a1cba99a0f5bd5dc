package v1

import (
	"github.com/gogf/gf/v2/frame/g"

	_ "gptbot/internal/consts" // registers the {Name} limits of the validation tags
)

// PasswordReq changes the password. The current device gets a new session
// id (in the HttpOnly cookie) and every other session of the user ends.
type PasswordReq struct {
	g.Meta      `path:"/me/password" method:"post" tags:"Me" summary:"Change password; revokes other sessions"`
	OldPassword string `json:"oldPassword" v:"required|max-length:{LoginPasswordMaxLen}#oldPassword is required|oldPassword is too long"`
	NewPassword string `json:"newPassword" v:"required|length:{PasswordMinLen},{PasswordMaxLen}#newPassword is required|newPassword must be {PasswordMinLen} to {PasswordMaxLen} characters"`
}

// PasswordRes reports how many other sessions were revoked.
type PasswordRes struct {
	RevokedSessions int `json:"revokedSessions"`
}
