package chat

import (
	"context"

	"gptbot/api/chat/v1"
	"gptbot/internal/model"
	"gptbot/internal/service"
)

// Regenerate answers like Send.
func (c *ControllerV1) Regenerate(ctx context.Context, req *v1.RegenerateReq) (res *v1.RegenerateRes, err error) {
	in := model.ChatInput{ConversationId: req.Id, Model: req.Model}
	reply, err := reply(ctx, func(out model.ReplyEmitter) error {
		return service.Chat().Regenerate(ctx, uid(ctx), in, out)
	})
	if err != nil || reply == nil {
		return nil, err
	}
	return &v1.RegenerateRes{ChatReply: reply}, nil
}
