// =================================================================================
// Code generated and maintained by GoFrame CLI tool. DO NOT EDIT.
// =================================================================================

package admin

import (
	"context"

	"gptbot/api/admin/v1"
)

type IAdminV1 interface {
	Disable(ctx context.Context, req *v1.DisableReq) (res *v1.DisableRes, err error)
	Enable(ctx context.Context, req *v1.EnableReq) (res *v1.EnableRes, err error)
	Grant(ctx context.Context, req *v1.GrantReq) (res *v1.GrantRes, err error)
	Users(ctx context.Context, req *v1.UsersReq) (res *v1.UsersRes, err error)
}
