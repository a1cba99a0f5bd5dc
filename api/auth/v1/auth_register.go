package v1

import (
	"github.com/gogf/gf/v2/frame/g"

	"gptbot/internal/model"
)

// RegisterReq creates an account. Usernames are unique case-insensitively.
type RegisterReq struct {
	g.Meta   `path:"/auth/register" method:"post" tags:"Auth" summary:"Create an account"`
	Username string `json:"username" v:"required|length:3,32|regex:^[A-Za-z0-9_.-]+$#username is required|username must be 3 to 32 characters|username may contain only letters, digits, '_', '.' and '-'"`
	Password string `json:"password" v:"required|length:8,128#password is required|password must be 8 to 128 characters"`
}

// RegisterRes is the new user.
type RegisterRes struct {
	*model.UserView
}
