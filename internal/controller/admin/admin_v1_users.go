package admin

import (
	"context"

	"gptbot/api/admin/v1"
	"gptbot/internal/service"
)

func (c *ControllerV1) Users(ctx context.Context, req *v1.UsersReq) (res *v1.UsersRes, err error) {
	page, err := service.Admin().Users(ctx, req.Page, req.Size)
	if err != nil {
		return nil, err
	}
	return &v1.UsersRes{AdminUserPage: page}, nil
}
