package v1

import (
	"github.com/gogf/gf/v2/frame/g"

	_ "gptbot/internal/consts" // registers the {Name} limits of the validation tags
	"gptbot/internal/model"
)

// CreateReq starts a conversation. Every field is optional: the title is
// taken from the first message, the model is the default one.
type CreateReq struct {
	g.Meta       `path:"/conversations" method:"post" tags:"Chat" summary:"Create a conversation"`
	Title        *string `json:"title" v:"max-length:{TitleMaxChars}#title must be at most {TitleMaxChars} characters"`
	Model        *string `json:"model" v:"max-length:{ModelIdMaxLen}#model is not a known model"`
	SystemPrompt *string `json:"systemPrompt" v:"max-length:{SystemPromptMaxLen}#systemPrompt is too long"`
}

// CreateRes is the new conversation.
type CreateRes struct {
	*model.ConversationView
}
