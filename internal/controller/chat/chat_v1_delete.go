package chat

import (
	"context"

	"gptbot/api/chat/v1"
	"gptbot/internal/service"
)

func (c *ControllerV1) Delete(ctx context.Context, req *v1.DeleteReq) (res *v1.DeleteRes, err error) {
	if err = service.Chat().Delete(ctx, uid(ctx), req.Id); err != nil {
		return nil, err
	}
	return &v1.DeleteRes{}, nil
}
