// Package admin holds what administrators do to accounts: list, grant
// tokens, disable and enable.
package admin

import (
	"context"
	"fmt"

	"gptbot/internal/library/httperr"
	"gptbot/internal/model"
	"gptbot/internal/service"
)

type sAdmin struct{}

// New returns the admin service.
func New() *sAdmin {
	return &sAdmin{}
}

// Users lists one page of accounts.
func (s *sAdmin) Users(ctx context.Context, page, size int) (*model.AdminUserPage, error) {
	users, total, err := service.User().List(ctx, page, size)
	if err != nil {
		return nil, err
	}
	out := &model.AdminUserPage{List: make([]model.AdminUserView, 0, len(users)), Total: total, Page: page, Size: size}
	for i := range users {
		out.List = append(out.List, *service.User().AdminView(&users[i]))
	}
	return out, nil
}

// Grant adds tokens to a user's balance; the ledger names the admin.
func (s *sAdmin) Grant(ctx context.Context, id, tokens int64) (*model.AdminUserView, error) {
	note := "admin grant"
	if admin := service.User().Current(ctx); admin != nil {
		note = fmt.Sprintf("admin grant by %s (id %d)", admin.Username, admin.Id)
	}
	u, err := service.User().Grant(ctx, id, tokens, note)
	if err != nil {
		return nil, err
	}
	return service.User().AdminView(u), nil
}

// Disable disables an account and ends every session it has. An
// administrator cannot disable their own account, and nobody can disable
// the last enabled administrator (the user service refuses it atomically):
// nobody could undo either from the API.
func (s *sAdmin) Disable(ctx context.Context, id int64) (*model.AdminUserView, int, error) {
	if admin := service.User().Current(ctx); admin != nil && admin.Id == id {
		return nil, 0, httperr.New(httperr.Conflict, "you cannot disable your own account")
	}
	u, err := service.User().SetDisabled(ctx, id, true)
	if err != nil {
		return nil, 0, err
	}
	revoked, err := service.Session().RevokeUser(ctx, id)
	if err != nil {
		return nil, 0, err
	}
	return service.User().AdminView(u), revoked, nil
}

// Enable lets a disabled account log in again.
func (s *sAdmin) Enable(ctx context.Context, id int64) (*model.AdminUserView, error) {
	u, err := service.User().SetDisabled(ctx, id, false)
	if err != nil {
		return nil, err
	}
	return service.User().AdminView(u), nil
}
