package chat

import (
	"context"

	"gptbot/api/chat/v1"
	"gptbot/internal/model"
	"gptbot/internal/service"
)

// Send answers as server-sent events (res stays nil: the stream is the
// body) unless the client asked for JSON.
func (c *ControllerV1) Send(ctx context.Context, req *v1.SendReq) (res *v1.SendRes, err error) {
	in := model.ChatInput{ConversationId: req.Id, Content: req.Content, Model: req.Model}
	reply, err := reply(ctx, func(out model.ReplyEmitter) error {
		return service.Chat().Send(ctx, uid(ctx), in, out)
	})
	if err != nil || reply == nil {
		return nil, err
	}
	return &v1.SendRes{ChatReply: reply}, nil
}
