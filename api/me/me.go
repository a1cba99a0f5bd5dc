// =================================================================================
// Code generated and maintained by GoFrame CLI tool. DO NOT EDIT.
// =================================================================================

package me

import (
	"context"

	"gptbot/api/me/v1"
)

type IMeV1 interface {
	Get(ctx context.Context, req *v1.GetReq) (res *v1.GetRes, err error)
	Password(ctx context.Context, req *v1.PasswordReq) (res *v1.PasswordRes, err error)
	RevokeOthers(ctx context.Context, req *v1.RevokeOthersReq) (res *v1.RevokeOthersRes, err error)
	SessionRevoke(ctx context.Context, req *v1.SessionRevokeReq) (res *v1.SessionRevokeRes, err error)
	Sessions(ctx context.Context, req *v1.SessionsReq) (res *v1.SessionsRes, err error)
}
