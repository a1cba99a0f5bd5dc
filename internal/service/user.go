// ================================================================================
// Code generated and maintained by GoFrame CLI tool. DO NOT EDIT.
// You can delete these comments if you wish manually maintain this interface file.
// ================================================================================

package service

import (
	"context"
	"gptbot/internal/model"
	"gptbot/internal/model/entity"
)

type (
	IUser interface {
		// Create stores a new account with its starting grant in one transaction.
		Create(ctx context.Context, username string, plainPassword string, role string) (*entity.Users, error)
		// Register creates an ordinary account.
		Register(ctx context.Context, username string, plainPassword string) (*entity.Users, error)
		// Authenticate checks a username and password. Unknown users cost the same
		// time as wrong passwords and get the same error. Every check spends the
		// account's guess budget first (passwordguard), keyed by the very
		// username checked here.
		Authenticate(ctx context.Context, username string, plainPassword string) (*entity.Users, error)
		// Get returns a user; 404 when there is none.
		Get(ctx context.Context, id int64) (*entity.Users, error)
		// GetByUsername returns a user by name, case-insensitively.
		GetByUsername(ctx context.Context, username string) (*entity.Users, error)
		// ChangePassword replaces the password after checking the current one; the
		// check spends the account's guess budget like a login does.
		ChangePassword(ctx context.Context, id int64, oldPassword string, newPassword string) error
		// Grant adds tokens to a balance and records the grant in the ledger.
		Grant(ctx context.Context, id int64, tokens int64, note string) (*entity.Users, error)
		// List returns one page of accounts, oldest first, and how many there are.
		List(ctx context.Context, page int, size int) ([]entity.Users, int, error)
		// SetDisabled disables or re-enables an account. Ending the sessions of a
		// disabled account is the caller's part (the Auth middleware also refuses
		// it on the next request). The last enabled administrator cannot be
		// disabled (409): nobody could undo it from the API.
		SetDisabled(ctx context.Context, id int64, disabled bool) (*entity.Users, error)
		// SetRole makes an account an administrator or an ordinary user. The last
		// enabled administrator cannot be demoted (409).
		SetRole(ctx context.Context, id int64, role string) (*entity.Users, error)
		// AdminView is a user as administrators see it.
		AdminView(u *entity.Users) *model.AdminUserView
		// View is the API's picture of a user.
		View(u *entity.Users) *model.UserView
		// Current is the logged-in user the Auth middleware loaded (LoggedIn),
		// or nil.
		Current(ctx context.Context) *entity.Users
		// LoggedIn is the one answer to "who is logged in" for the API and the
		// pages alike: the enabled user the request's session belongs to. No
		// session is 401. A session whose user is gone is ended (401); one whose
		// user is disabled is ended with every other session of that user (403).
		// Other failures (Redis, the database) come back as they are.
		LoggedIn(ctx context.Context) (*entity.Users, error)
	}
)

var (
	localUser IUser
)

func User() IUser {
	if localUser == nil {
		panic("implement not found for interface IUser, forgot register?")
	}
	return localUser
}

func RegisterUser(i IUser) {
	localUser = i
}
