// ================================================================================
// Code generated and maintained by GoFrame CLI tool. DO NOT EDIT.
// You can delete these comments if you wish manually maintain this interface file.
// ================================================================================

package service

import (
	"context"
	"gptbot/internal/model"

	"github.com/gogf/gf/v2/net/ghttp"
)

type (
	ISession interface {
		// Attach gives the request its session: the one its cookie names if that
		// session exists on the server, else a fresh one that is stored only when a
		// login creates it. It runs before any handler touches r.Session.
		Attach(r *ghttp.Request) error
		// UserId is the logged-in user's id, 0 when logged out.
		UserId(ctx context.Context) int64
		// Start logs uid in on this request under a brand-new session id; any
		// session the request had is deleted first. It fails, and nothing is
		// reported as logged in, when the session does not reach Redis.
		Start(ctx context.Context, uid int64) error
		// End logs the request's session out: deleted in Redis before the answer.
		End(ctx context.Context) error
		// Rotate ends every session of the logged-in user, this one included, and
		// starts a new one for this request (after a password change).
		Rotate(ctx context.Context) (revoked int, err error)
		// List returns the logged-in user's sessions.
		List(ctx context.Context) ([]model.SessionView, error)
		// Revoke ends one of the logged-in user's sessions; another user's handle
		// is simply not found.
		Revoke(ctx context.Context, handle string) error
		// RevokeOthers ends every session of the logged-in user but this one.
		RevokeOthers(ctx context.Context) (int, error)
		// RevokeUser ends every session of a user (account disabled).
		RevokeUser(ctx context.Context, uid int64) (int, error)
	}
)

var (
	localSession ISession
)

func Session() ISession {
	if localSession == nil {
		panic("implement not found for interface ISession, forgot register?")
	}
	return localSession
}

func RegisterSession(i ISession) {
	localSession = i
}
