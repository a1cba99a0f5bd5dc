package v1

import "github.com/gogf/gf/v2/frame/g"

// PasswordReq changes the password. The current device gets a new session
// id (in the HttpOnly cookie) and every other session of the user ends.
type PasswordReq struct {
	g.Meta      `path:"/me/password" method:"post" tags:"Me" summary:"Change password; revokes other sessions"`
	OldPassword string `json:"oldPassword" v:"required|max-length:1024#oldPassword is required|oldPassword is too long"`
	NewPassword string `json:"newPassword" v:"required|length:8,128#newPassword is required|newPassword must be 8 to 128 characters"`
}

// PasswordRes reports how many other sessions were revoked.
type PasswordRes struct {
	RevokedSessions int `json:"revokedSessions"`
}
