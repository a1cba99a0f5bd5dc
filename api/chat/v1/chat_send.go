package v1

import (
	"github.com/gogf/gf/v2/frame/g"

	"gptbot/internal/model"
)

// SendReq adds a user message and answers it. By default (Accept:
// text/event-stream) the answer is a server-sent-event stream: start
// {messageId,userMessageId}, delta {content} (many), usage
// {promptTokens,completionTokens,estimated,balance}, done
// {messageId,finishReason}; or error {code,message} at any point. With
// Accept: application/json the answer is one JSON reply.
type SendReq struct {
	g.Meta  `path:"/conversations/{id}/messages" method:"post" tags:"Chat" summary:"Send a message; the answer streams as server-sent events"`
	Id      int64  `json:"id" in:"path" v:"integer|min:1#id must be a positive whole number|id must be a positive whole number"`
	Content string `json:"content" v:"required#content must not be empty"`
	Model   string `json:"model" v:"max-length:128#model is not a known model"`
}

// SendRes is the JSON-mode answer (streams write their own body).
type SendRes struct {
	*model.ChatReply
}
