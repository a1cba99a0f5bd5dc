package me

import (
	"context"

	"gptbot/api/me/v1"
	"gptbot/internal/service"
)

func (c *ControllerV1) SessionRevoke(ctx context.Context, req *v1.SessionRevokeReq) (res *v1.SessionRevokeRes, err error) {
	if err = service.Session().Revoke(ctx, req.Handle); err != nil {
		return nil, err
	}
	return &v1.SessionRevokeRes{}, nil
}
