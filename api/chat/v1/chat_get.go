package v1

import (
	"github.com/gogf/gf/v2/frame/g"

	"gptbot/internal/model"
)

// GetReq returns a conversation with its messages.
type GetReq struct {
	g.Meta `path:"/conversations/{id}" method:"get" tags:"Chat" summary:"A conversation with its messages"`
	Id     int64 `json:"id" in:"path" v:"integer|min:1#id must be a positive whole number|id must be a positive whole number"`
}

// GetRes is the conversation.
type GetRes struct {
	*model.ConversationDetail
}
