package chat

import (
	"context"

	"gptbot/api/chat/v1"
	"gptbot/internal/service"
)

func (c *ControllerV1) Get(ctx context.Context, req *v1.GetReq) (res *v1.GetRes, err error) {
	conv, err := service.Chat().Get(ctx, uid(ctx), req.Id)
	if err != nil {
		return nil, err
	}
	return &v1.GetRes{ConversationDetail: conv}, nil
}
