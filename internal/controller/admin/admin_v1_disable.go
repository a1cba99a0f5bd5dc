package admin

import (
	"context"

	"gptbot/api/admin/v1"
	"gptbot/internal/service"
)

func (c *ControllerV1) Disable(ctx context.Context, req *v1.DisableReq) (res *v1.DisableRes, err error) {
	u, revoked, err := service.Admin().Disable(ctx, req.Id)
	if err != nil {
		return nil, err
	}
	return &v1.DisableRes{AdminUserView: u, RevokedSessions: revoked}, nil
}
