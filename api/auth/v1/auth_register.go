package v1

import (
	"github.com/gogf/gf/v2/frame/g"

	_ "gptbot/internal/consts" // registers the {Name} limits of the validation tags
	"gptbot/internal/model"
)

// RegisterReq creates an account. Usernames are unique case-insensitively.
type RegisterReq struct {
	g.Meta   `path:"/auth/register" method:"post" tags:"Auth" summary:"Create an account"`
	Username string `json:"username" v:"required|length:{UsernameMinLen},{UsernameMaxLen}|regex:{UsernamePattern}#username is required|username must be {UsernameMinLen} to {UsernameMaxLen} characters|username may contain only letters, digits, '_', '.' and '-'"`
	Password string `json:"password" v:"required|length:{PasswordMinLen},{PasswordMaxLen}#password is required|password must be {PasswordMinLen} to {PasswordMaxLen} characters"`
}

// RegisterRes is the new user.
type RegisterRes struct {
	*model.UserView
}
