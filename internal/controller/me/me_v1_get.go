package me

import (
	"context"

	"gptbot/api/me/v1"
	"gptbot/internal/service"
)

func (c *ControllerV1) Get(ctx context.Context, req *v1.GetReq) (res *v1.GetRes, err error) {
	return &v1.GetRes{UserView: service.User().View(service.User().Current(ctx))}, nil
}
