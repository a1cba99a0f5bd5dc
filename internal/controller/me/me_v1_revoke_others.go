package me

import (
	"context"

	"gptbot/api/me/v1"
	"gptbot/internal/service"
)

func (c *ControllerV1) RevokeOthers(ctx context.Context, req *v1.RevokeOthersReq) (res *v1.RevokeOthersRes, err error) {
	n, err := service.Session().RevokeOthers(ctx)
	if err != nil {
		return nil, err
	}
	return &v1.RevokeOthersRes{RevokedSessions: n}, nil
}
