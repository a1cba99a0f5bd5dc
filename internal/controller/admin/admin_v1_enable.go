package admin

import (
	"context"

	"gptbot/api/admin/v1"
	"gptbot/internal/service"
)

func (c *ControllerV1) Enable(ctx context.Context, req *v1.EnableReq) (res *v1.EnableRes, err error) {
	u, err := service.Admin().Enable(ctx, req.Id)
	if err != nil {
		return nil, err
	}
	return &v1.EnableRes{AdminUserView: u}, nil
}
