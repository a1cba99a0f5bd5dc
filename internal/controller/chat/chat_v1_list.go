package chat

import (
	"context"

	"gptbot/api/chat/v1"
	"gptbot/internal/service"
)

func (c *ControllerV1) List(ctx context.Context, req *v1.ListReq) (res *v1.ListRes, err error) {
	page, err := service.Chat().List(ctx, uid(ctx), req.Page, req.Size)
	if err != nil {
		return nil, err
	}
	return &v1.ListRes{ConversationPage: page}, nil
}
