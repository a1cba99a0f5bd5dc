package admin

import (
	"context"

	"gptbot/api/admin/v1"
	"gptbot/internal/service"
)

func (c *ControllerV1) Grant(ctx context.Context, req *v1.GrantReq) (res *v1.GrantRes, err error) {
	u, err := service.Admin().Grant(ctx, req.Id, req.Tokens)
	if err != nil {
		return nil, err
	}
	return &v1.GrantRes{AdminUserView: u}, nil
}
