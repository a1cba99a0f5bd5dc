package v1

import (
	"github.com/gogf/gf/v2/frame/g"

	_ "gptbot/internal/consts" // registers the {Name} limits of the validation tags
	"gptbot/internal/model"
)

// GrantReq adds tokens to a user's balance (recorded in the ledger).
type GrantReq struct {
	g.Meta `path:"/admin/users/{id}/grant" method:"post" tags:"Admin" summary:"Grant tokens to a user"`
	Id     int64 `json:"id" in:"path" v:"integer|min:1#id must be a positive whole number|id must be a positive whole number"`
	Tokens int64 `json:"tokens" v:"required|integer|between:1,{GrantMaxTokens}#tokens is required|tokens must be a whole number|tokens must be between 1 and {GrantMaxTokens}"`
}

// GrantRes is the user after the grant.
type GrantRes struct {
	*model.AdminUserView
}
