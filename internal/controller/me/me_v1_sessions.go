package me

import (
	"context"

	"gptbot/api/me/v1"
	"gptbot/internal/service"
)

func (c *ControllerV1) Sessions(ctx context.Context, req *v1.SessionsReq) (res *v1.SessionsRes, err error) {
	list, err := service.Session().List(ctx)
	if err != nil {
		return nil, err
	}
	out := v1.SessionsRes(list)
	return &out, nil
}
