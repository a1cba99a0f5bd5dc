package v1

import (
	"github.com/gogf/gf/v2/frame/g"

	"gptbot/internal/model"
)

// CreateReq starts a conversation. Every field is optional: the title is
// taken from the first message, the model is the default one.
type CreateReq struct {
	g.Meta       `path:"/conversations" method:"post" tags:"Chat" summary:"Create a conversation"`
	Title        *string `json:"title" v:"max-length:200#title must be at most 200 characters"`
	Model        *string `json:"model" v:"max-length:128#model is not a known model"`
	SystemPrompt *string `json:"systemPrompt" v:"max-length:100000#systemPrompt is too long"`
}

// CreateRes is the new conversation.
type CreateRes struct {
	*model.ConversationView
}
