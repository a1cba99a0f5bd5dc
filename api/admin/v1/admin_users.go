package v1

import (
	"github.com/gogf/gf/v2/frame/g"

	"gptbot/internal/model"
)

// UsersReq lists every account (administrators only).
type UsersReq struct {
	g.Meta `path:"/admin/users" method:"get" tags:"Admin" summary:"List users"`
	Page   int `json:"page" in:"query" d:"1" v:"integer|between:1,100000#page must be a whole number|page must be between 1 and 100000"`
	Size   int `json:"size" in:"query" d:"50" v:"integer|between:1,200#size must be a whole number|size must be between 1 and 200"`
}

// UsersRes is one page of users.
type UsersRes struct {
	*model.AdminUserPage
}
