package auth

import (
	"context"

	"gptbot/api/auth/v1"
	"gptbot/internal/service"
)

func (c *ControllerV1) Register(ctx context.Context, req *v1.RegisterReq) (res *v1.RegisterRes, err error) {
	u, err := service.User().Register(ctx, req.Username, req.Password)
	if err != nil {
		return nil, err
	}
	return &v1.RegisterRes{UserView: service.User().View(u)}, nil
}
