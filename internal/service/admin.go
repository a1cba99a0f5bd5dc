// ================================================================================
// Code generated and maintained by GoFrame CLI tool. DO NOT EDIT.
// You can delete these comments if you wish manually maintain this interface file.
// ================================================================================

package service

import (
	"context"
	"gptbot/internal/model"
)

type (
	IAdmin interface {
		// Users lists one page of accounts.
		Users(ctx context.Context, page int, size int) (*model.AdminUserPage, error)
		// Grant adds tokens to a user's balance; the ledger names the admin.
		Grant(ctx context.Context, id int64, tokens int64) (*model.AdminUserView, error)
		// Disable disables an account and ends every session it has. An
		// administrator cannot disable their own account, and nobody can disable
		// the last enabled administrator (the user service refuses it atomically):
		// nobody could undo either from the API.
		Disable(ctx context.Context, id int64) (*model.AdminUserView, int, error)
		// Enable lets a disabled account log in again.
		Enable(ctx context.Context, id int64) (*model.AdminUserView, error)
	}
)

var (
	localAdmin IAdmin
)

func Admin() IAdmin {
	if localAdmin == nil {
		panic("implement not found for interface IAdmin, forgot register?")
	}
	return localAdmin
}

func RegisterAdmin(i IAdmin) {
	localAdmin = i
}
