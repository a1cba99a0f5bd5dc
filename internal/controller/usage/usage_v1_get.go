package usage

import (
	"context"

	"gptbot/api/usage/v1"
	"gptbot/internal/service"
)

func (c *ControllerV1) Get(ctx context.Context, req *v1.GetReq) (res *v1.GetRes, err error) {
	report, err := service.Quota().Usage(ctx, service.User().Current(ctx).Id, req.Days)
	if err != nil {
		return nil, err
	}
	return &v1.GetRes{UsageReport: report}, nil
}
