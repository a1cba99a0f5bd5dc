package v1

import (
	"github.com/gogf/gf/v2/frame/g"

	"gptbot/internal/model"
)

// DisableReq disables an account and ends all its sessions.
type DisableReq struct {
	g.Meta `path:"/admin/users/{id}/disable" method:"post" tags:"Admin" summary:"Disable a user and revoke their sessions"`
	Id     int64 `json:"id" in:"path" v:"integer|min:1#id must be a positive whole number|id must be a positive whole number"`
}

// DisableRes is the user and how many sessions ended.
type DisableRes struct {
	*model.AdminUserView
	RevokedSessions int `json:"revokedSessions"`
}
