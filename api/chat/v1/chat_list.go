package v1

import (
	"github.com/gogf/gf/v2/frame/g"

	"gptbot/internal/model"
)

// ListReq lists the user's conversations, most recently active first.
type ListReq struct {
	g.Meta `path:"/conversations" method:"get" tags:"Chat" summary:"List my conversations"`
	Page   int `json:"page" in:"query" d:"1" v:"integer|between:1,100000#page must be a whole number|page must be between 1 and 100000"`
	Size   int `json:"size" in:"query" d:"20" v:"integer|between:1,100#size must be a whole number|size must be between 1 and 100"`
}

// ListRes is one page.
type ListRes struct {
	*model.ConversationPage
}
