package v1

import (
	"github.com/gogf/gf/v2/frame/g"

	"gptbot/internal/model"
)

// EnableReq lets a disabled account log in again.
type EnableReq struct {
	g.Meta `path:"/admin/users/{id}/enable" method:"post" tags:"Admin" summary:"Enable a disabled user"`
	Id     int64 `json:"id" in:"path" v:"integer|min:1#id must be a positive whole number|id must be a positive whole number"`
}

// EnableRes is the user.
type EnableRes struct {
	*model.AdminUserView
}
