package auth

import (
	"context"

	"gptbot/api/auth/v1"
	"gptbot/internal/service"
)

func (c *ControllerV1) Logout(ctx context.Context, req *v1.LogoutReq) (res *v1.LogoutRes, err error) {
	if err = service.Session().End(ctx); err != nil {
		return nil, err
	}
	return &v1.LogoutRes{}, nil
}
