package me

import (
	"context"

	"gptbot/api/me/v1"
	"gptbot/internal/service"
)

func (c *ControllerV1) Password(ctx context.Context, req *v1.PasswordReq) (res *v1.PasswordRes, err error) {
	u := service.User().Current(ctx)
	if err = service.User().ChangePassword(ctx, u.Id, req.OldPassword, req.NewPassword); err != nil {
		return nil, err
	}
	revoked, err := service.Session().Rotate(ctx)
	if err != nil {
		return nil, err
	}
	return &v1.PasswordRes{RevokedSessions: revoked}, nil
}
