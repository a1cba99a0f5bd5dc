package v1

import (
	"github.com/gogf/gf/v2/frame/g"

	"gptbot/internal/model"
)

// UpdateReq changes a conversation's title, model or system prompt; absent
// fields stay as they are.
type UpdateReq struct {
	g.Meta       `path:"/conversations/{id}" method:"patch" tags:"Chat" summary:"Rename a conversation or change its model or system prompt"`
	Id           int64   `json:"id" in:"path" v:"integer|min:1#id must be a positive whole number|id must be a positive whole number"`
	Title        *string `json:"title" v:"max-length:{TitleMaxChars}#title must be at most {TitleMaxChars} characters"`
	Model        *string `json:"model" v:"max-length:{ModelIdMaxLen}#model is not a known model"`
	SystemPrompt *string `json:"systemPrompt" v:"max-length:{SystemPromptMaxLen}#systemPrompt is too long"`
}

// UpdateRes is the changed conversation.
type UpdateRes struct {
	*model.ConversationView
}
