package chat

import (
	"context"

	"gptbot/api/chat/v1"
	"gptbot/internal/service"
)

func (c *ControllerV1) Models(ctx context.Context, req *v1.ModelsReq) (res *v1.ModelsRes, err error) {
	return &v1.ModelsRes{ModelList: service.Chat().Models(ctx)}, nil
}
