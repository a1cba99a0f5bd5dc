package v1

import (
	"github.com/gogf/gf/v2/frame/g"

	"gptbot/internal/model"
)

// SendReq adds a user message and answers it. By default (Accept:
// text/event-stream) the answer is a server-sent-event stream (see
// ReplyStream); with Accept: application/json it is one JSON reply.
type SendReq struct {
	g.Meta  `path:"/conversations/{id}/messages" method:"post" tags:"Chat" summary:"Send a message; the answer streams as server-sent events"`
	Id      int64  `json:"id" in:"path" v:"integer|min:1#id must be a positive whole number|id must be a positive whole number"`
	Content string `json:"content" v:"required#content must not be empty"`
	Model   string `json:"model" v:"max-length:{ModelIdMaxLen}#model is not a known model"`
}

// SendRes is the JSON-mode answer.
type SendRes struct {
	*model.ChatReply
}

// EventStream is the answer's other form, the default one.
func (SendRes) EventStream() []StreamEvent { return ReplyStream }
