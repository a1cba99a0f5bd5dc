package chat

import (
	"context"

	"gptbot/api/chat/v1"
	"gptbot/internal/model"
	"gptbot/internal/service"
)

// Send streams the answer as server-sent events (written by the service,
// so res stays nil) unless the client asked for JSON.
func (c *ControllerV1) Send(ctx context.Context, req *v1.SendReq) (res *v1.SendRes, err error) {
	reply, err := service.Chat().Send(ctx, uid(ctx), model.ChatInput{
		ConversationId: req.Id, Content: req.Content, Model: req.Model, Stream: wantsStream(ctx),
	})
	if err != nil || reply == nil {
		return nil, err
	}
	return &v1.SendRes{ChatReply: reply}, nil
}
