package v1

import "github.com/gogf/gf/v2/frame/g"

// RevokeOthersReq ends every session of the user but the current one.
type RevokeOthersReq struct {
	g.Meta `path:"/me/sessions/revoke-others" method:"post" tags:"Me" summary:"Revoke all other sessions"`
}

// RevokeOthersRes reports how many were revoked.
type RevokeOthersRes struct {
	RevokedSessions int `json:"revokedSessions"`
}
