package chat

import (
	"context"

	"gptbot/api/chat/v1"
	"gptbot/internal/model"
	"gptbot/internal/service"
)

func (c *ControllerV1) Create(ctx context.Context, req *v1.CreateReq) (res *v1.CreateRes, err error) {
	conv, err := service.Chat().Create(ctx, uid(ctx), model.ConversationInput{
		Title: req.Title, Model: req.Model, SystemPrompt: req.SystemPrompt,
	})
	if err != nil {
		return nil, err
	}
	return &v1.CreateRes{ConversationView: conv}, nil
}
