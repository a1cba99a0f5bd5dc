package v1

import (
	"github.com/gogf/gf/v2/frame/g"

	"gptbot/internal/model"
)

// SessionsReq lists the user's logged-in devices.
type SessionsReq struct {
	g.Meta `path:"/me/sessions" method:"get" tags:"Me" summary:"List my sessions (devices)"`
}

// SessionsRes is the list, oldest first.
type SessionsRes []model.SessionView
