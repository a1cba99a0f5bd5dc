package v1

import (
	"github.com/gogf/gf/v2/frame/g"

	"gptbot/internal/model"
)

// RegenerateReq replaces the last assistant reply with a new one; the
// answer has the same forms as SendReq's.
type RegenerateReq struct {
	g.Meta `path:"/conversations/{id}/regenerate" method:"post" tags:"Chat" summary:"Replace the last reply; streams like sending a message"`
	Id     int64  `json:"id" in:"path" v:"integer|min:1#id must be a positive whole number|id must be a positive whole number"`
	Model  string `json:"model" v:"max-length:{ModelIdMaxLen}#model is not a known model"`
}

// RegenerateRes is the JSON-mode answer.
type RegenerateRes struct {
	*model.ChatReply
}

// EventStream is the answer's other form, the default one.
func (RegenerateRes) EventStream() []StreamEvent { return ReplyStream }
