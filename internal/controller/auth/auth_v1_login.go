package auth

import (
	"context"

	"gptbot/api/auth/v1"
	"gptbot/internal/service"
)

func (c *ControllerV1) Login(ctx context.Context, req *v1.LoginReq) (res *v1.LoginRes, err error) {
	u, err := service.User().Authenticate(ctx, req.Username, req.Password)
	if err != nil {
		return nil, err
	}
	if err = service.Session().Start(ctx, u.Id); err != nil {
		return nil, err
	}
	return &v1.LoginRes{UserView: service.User().View(u)}, nil
}
