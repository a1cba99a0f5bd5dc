package chat

import (
	"context"

	"gptbot/api/chat/v1"
	"gptbot/internal/model"
	"gptbot/internal/service"
)

func (c *ControllerV1) Update(ctx context.Context, req *v1.UpdateReq) (res *v1.UpdateRes, err error) {
	conv, err := service.Chat().Update(ctx, uid(ctx), req.Id, model.ConversationInput{
		Title: req.Title, Model: req.Model, SystemPrompt: req.SystemPrompt,
	})
	if err != nil {
		return nil, err
	}
	return &v1.UpdateRes{ConversationView: conv}, nil
}
