// =================================================================================
// Code generated and maintained by GoFrame CLI tool. DO NOT EDIT.
// =================================================================================

package chat

import (
	"context"

	"gptbot/api/chat/v1"
)

type IChatV1 interface {
	Create(ctx context.Context, req *v1.CreateReq) (res *v1.CreateRes, err error)
	Delete(ctx context.Context, req *v1.DeleteReq) (res *v1.DeleteRes, err error)
	Export(ctx context.Context, req *v1.ExportReq) (res *v1.ExportRes, err error)
	Get(ctx context.Context, req *v1.GetReq) (res *v1.GetRes, err error)
	List(ctx context.Context, req *v1.ListReq) (res *v1.ListRes, err error)
	Models(ctx context.Context, req *v1.ModelsReq) (res *v1.ModelsRes, err error)
	Regenerate(ctx context.Context, req *v1.RegenerateReq) (res *v1.RegenerateRes, err error)
	Send(ctx context.Context, req *v1.SendReq) (res *v1.SendRes, err error)
	Update(ctx context.Context, req *v1.UpdateReq) (res *v1.UpdateRes, err error)
}
