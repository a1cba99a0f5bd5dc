package v1

import (
	"github.com/gogf/gf/v2/frame/g"

	"gptbot/internal/model"
)

// GetReq returns the logged-in user.
type GetReq struct {
	g.Meta `path:"/me" method:"get" tags:"Me" summary:"The logged-in user"`
}

// GetRes is the logged-in user.
type GetRes struct {
	*model.UserView
}
