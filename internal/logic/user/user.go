// Package user holds accounts: registration, credentials and balances.
package user

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/gogf/gf/v2/database/gdb"
	"github.com/gogf/gf/v2/errors/gerror"

	"gptbot/internal/consts"
	"gptbot/internal/dao"
	"gptbot/internal/library/httperr"
	"gptbot/internal/library/password"
	"gptbot/internal/library/passwordguard"
	"gptbot/internal/model"
	"gptbot/internal/model/do"
	"gptbot/internal/model/entity"
	"gptbot/internal/service"
)

type sUser struct {
	newUserTokens int64
	passwords     *passwordguard.Guard
}

// New returns the user service: new accounts start with newUserTokens,
// and every password check spends the account's guess budget in passwords.
func New(newUserTokens int64, passwords *passwordguard.Guard) *sUser {
	return &sUser{newUserTokens: newUserTokens, passwords: passwords}
}

// errBadCredentials is the one answer for unknown users and wrong passwords.
var errBadCredentials = httperr.New(httperr.Unauthorized, "invalid username or password")

// Create stores a new account with its starting grant in one transaction.
func (s *sUser) Create(ctx context.Context, username, plainPassword, role string) (*entity.Users, error) {
	hash, err := password.Hash(ctx, plainPassword)
	if err != nil {
		return nil, hashingFailed(err)
	}
	key := usernameKey(username)
	var id int64
	// SQLite: a transaction that writes first takes the write lock at once
	// and waits out busy_timeout; one that reads first can fail to upgrade.
	// So insert straight away and let the unique index reject duplicates.
	err = dao.Users.Transaction(ctx, func(ctx context.Context, tx gdb.TX) error {
		id, err = dao.Users.Ctx(ctx).Data(do.Users{
			Username:     username,
			UsernameKey:  key,
			PasswordHash: hash,
			Role:         role,
			TokenBalance: s.newUserTokens,
			Disabled:     false,
		}).InsertAndGetId()
		if err != nil {
			return gerror.Wrap(err, "insert user")
		}
		if s.newUserTokens > 0 {
			_, err = dao.UsageLedger.Ctx(ctx).Data(do.UsageLedger{
				UserId: id, Kind: consts.LedgerGrant, Tokens: s.newUserTokens, Note: "new user",
			}).Insert()
			return gerror.Wrap(err, "insert grant")
		}
		return nil
	})
	if err != nil {
		if s.exists(ctx, key) {
			return nil, httperr.New(httperr.Conflict, "username is already taken")
		}
		return nil, err
	}
	return s.Get(ctx, id)
}

func (s *sUser) exists(ctx context.Context, key string) bool {
	n, err := dao.Users.Ctx(ctx).Where(do.Users{UsernameKey: key}).Count()
	return err == nil && n > 0
}

// Register creates an ordinary account.
func (s *sUser) Register(ctx context.Context, username, plainPassword string) (*entity.Users, error) {
	return s.Create(ctx, username, plainPassword, consts.AccountRoleUser)
}

// usernameKey is how a username is looked up and limited: uniqueness, login
// and the per-account guess budget all use this one form.
func usernameKey(username string) string {
	return strings.ToLower(username)
}

// hashingFailed turns an error of the password hasher into what the client
// sees: a hasher too busy to take more work (or a client that left while
// waiting for it) is 503, anything else an internal error.
func hashingFailed(err error) error {
	if errors.Is(err, password.ErrBusy) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return httperr.Wrap(httperr.Unavailable, err, "the server is busy; try again shortly")
	}
	return gerror.Wrap(err, "password hash")
}

// Authenticate checks a username and password. Unknown users cost the same
// time as wrong passwords and get the same error. Every check spends the
// account's guess budget first (passwordguard), keyed by the very
// username checked here.
func (s *sUser) Authenticate(ctx context.Context, username, plainPassword string) (*entity.Users, error) {
	key := usernameKey(username)
	var u *entity.Users
	err := s.passwords.Check(ctx, key, func(ctx context.Context) (bool, error) {
		if err := dao.Users.Ctx(ctx).Where(do.Users{UsernameKey: key}).Scan(&u); err != nil {
			return false, gerror.Wrap(err, "find user")
		}
		if u == nil {
			if err := password.VerifyDummy(ctx, plainPassword); err != nil {
				return false, hashingFailed(err)
			}
			return true, errBadCredentials
		}
		ok, err := password.Verify(ctx, u.PasswordHash, plainPassword)
		if err != nil {
			return false, gerror.Wrapf(hashingFailed(err), "verify password of user %d", u.Id)
		}
		if !ok {
			return true, errBadCredentials
		}
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	if u.Disabled {
		return nil, httperr.New(httperr.Forbidden, "this account is disabled")
	}
	return u, nil
}

// Get returns a user; 404 when there is none.
func (s *sUser) Get(ctx context.Context, id int64) (*entity.Users, error) {
	var u *entity.Users
	if err := dao.Users.Ctx(ctx).Where(do.Users{Id: id}).Scan(&u); err != nil {
		return nil, gerror.Wrap(err, "get user")
	}
	if u == nil {
		return nil, httperr.New(httperr.NotFound, "user not found")
	}
	return u, nil
}

// GetByUsername returns a user by name, case-insensitively.
func (s *sUser) GetByUsername(ctx context.Context, username string) (*entity.Users, error) {
	var u *entity.Users
	if err := dao.Users.Ctx(ctx).Where(do.Users{UsernameKey: usernameKey(username)}).Scan(&u); err != nil {
		return nil, gerror.Wrap(err, "get user by name")
	}
	if u == nil {
		return nil, httperr.New(httperr.NotFound, "user not found")
	}
	return u, nil
}

// ChangePassword replaces the password after checking the current one; the
// check spends the account's guess budget like a login does.
func (s *sUser) ChangePassword(ctx context.Context, id int64, oldPassword, newPassword string) error {
	u, err := s.Get(ctx, id)
	if err != nil {
		return err
	}
	err = s.passwords.Check(ctx, u.UsernameKey, func(ctx context.Context) (bool, error) {
		ok, err := password.Verify(ctx, u.PasswordHash, oldPassword)
		if err != nil {
			return false, gerror.Wrapf(hashingFailed(err), "verify password of user %d", id)
		}
		if !ok {
			return true, httperr.New(httperr.BadRequest, "oldPassword is incorrect")
		}
		return false, nil
	})
	if err != nil {
		return err
	}
	hash, err := password.Hash(ctx, newPassword)
	if err != nil {
		return hashingFailed(err)
	}
	_, err = dao.Users.Ctx(ctx).Data(do.Users{PasswordHash: hash}).Where(do.Users{Id: id}).Update()
	return gerror.Wrap(err, "update password")
}

// Grant adds tokens to a balance and records the grant in the ledger.
func (s *sUser) Grant(ctx context.Context, id int64, tokens int64, note string) (*entity.Users, error) {
	if tokens <= 0 || tokens > consts.GrantMaxTokens {
		return nil, httperr.New(httperr.BadRequest, fmt.Sprintf("tokens must be between 1 and %d", consts.GrantMaxTokens))
	}
	err := dao.Users.Transaction(ctx, func(ctx context.Context, tx gdb.TX) error {
		res, err := dao.Users.Ctx(ctx).Where(do.Users{Id: id}).Increment(dao.Users.Columns().TokenBalance, tokens)
		if err != nil {
			return gerror.Wrap(err, "add balance")
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return httperr.New(httperr.NotFound, "user not found")
		}
		_, err = dao.UsageLedger.Ctx(ctx).Data(do.UsageLedger{
			UserId: id, Kind: consts.LedgerGrant, Tokens: tokens, Note: note,
		}).Insert()
		return gerror.Wrap(err, "insert grant")
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

// List returns one page of accounts, oldest first, and how many there are.
func (s *sUser) List(ctx context.Context, page, size int) ([]entity.Users, int, error) {
	var (
		users []entity.Users
		total int
	)
	err := dao.Users.Ctx(ctx).OrderAsc(dao.Users.Columns().Id).Page(page, size).ScanAndCount(&users, &total, false)
	if err != nil {
		return nil, 0, gerror.Wrap(err, "list users")
	}
	return users, total, nil
}

// SetDisabled disables or re-enables an account. Ending the sessions of a
// disabled account is the caller's part (the Auth middleware also refuses
// it on the next request). The last enabled administrator cannot be
// disabled (409): nobody could undo it from the API.
func (s *sUser) SetDisabled(ctx context.Context, id int64, disabled bool) (*entity.Users, error) {
	if !disabled {
		return s.update(ctx, id, do.Users{Disabled: false})
	}
	return s.updateKeepingAnAdmin(ctx, id, do.Users{Disabled: true},
		"the last enabled administrator cannot be disabled")
}

// SetRole makes an account an administrator or an ordinary user. The last
// enabled administrator cannot be demoted (409).
func (s *sUser) SetRole(ctx context.Context, id int64, role string) (*entity.Users, error) {
	switch role {
	case consts.AccountRoleAdmin:
		return s.update(ctx, id, do.Users{Role: role})
	case consts.AccountRoleUser:
		return s.updateKeepingAnAdmin(ctx, id, do.Users{Role: role},
			"the last enabled administrator cannot be demoted")
	}
	return nil, httperr.New(httperr.BadRequest, fmt.Sprintf("unknown role %q", role))
}

// update writes data to one account and returns it; 404 when there is none.
func (s *sUser) update(ctx context.Context, id int64, data do.Users) (*entity.Users, error) {
	res, err := dao.Users.Ctx(ctx).Data(data).Where(do.Users{Id: id}).Update()
	if err != nil {
		return nil, gerror.Wrap(err, "update user")
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return nil, httperr.New(httperr.NotFound, "user not found")
	}
	return s.Get(ctx, id)
}

// updateKeepingAnAdmin applies a change that takes an account out of the
// enabled administrators, unless it is the last one (409 with refusal).
//
// The check and the change are one guarded UPDATE, so two administrators
// disabling each other at once cannot both pass. On SQLite the statement
// runs under the database's single write lock. On PostgreSQL (read
// committed) a concurrent transaction's change is invisible to the EXISTS
// until it commits, so the transaction first touches every administrator
// row: that takes their row locks, and whoever comes second waits and then
// sees the first one's change in its own guarded UPDATE.
func (s *sUser) updateKeepingAnAdmin(ctx context.Context, id int64, data do.Users, refusal string) (*entity.Users, error) {
	cols := dao.Users.Columns()
	var changed int64
	err := dao.Users.Transaction(ctx, func(ctx context.Context, tx gdb.TX) error {
		_, err := dao.Users.Ctx(ctx).Unscoped().
			Data(fmt.Sprintf("%s = %s", cols.Role, cols.Role)).
			Where(do.Users{Role: consts.AccountRoleAdmin}).Update()
		if err != nil {
			return gerror.Wrap(err, "lock administrators")
		}
		otherAdmin := dao.Users.Ctx(ctx).Fields(cols.Id).
			Where(do.Users{Role: consts.AccountRoleAdmin, Disabled: false}).WhereNot(cols.Id, id)
		res, err := dao.Users.Ctx(ctx).Data(data).Where(do.Users{Id: id}).
			Where(fmt.Sprintf("(%s <> ? OR %s <> 0 OR EXISTS ?)", cols.Role, cols.Disabled), consts.AccountRoleAdmin, otherAdmin).
			Update()
		if err != nil {
			return gerror.Wrap(err, "update user")
		}
		changed, _ = res.RowsAffected()
		return nil
	})
	if err != nil {
		return nil, err
	}
	u, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if changed != 1 {
		return nil, httperr.New(httperr.Conflict, refusal)
	}
	return u, nil
}

// AdminView is a user as administrators see it.
func (s *sUser) AdminView(u *entity.Users) *model.AdminUserView {
	return &model.AdminUserView{UserView: *s.View(u), Disabled: u.Disabled}
}

// View is the API's picture of a user.
func (s *sUser) View(u *entity.Users) *model.UserView {
	return &model.UserView{
		Id: u.Id, Username: u.Username, Role: u.Role,
		TokenBalance: u.TokenBalance, CreatedAt: u.CreatedAt,
	}
}

// Current is the logged-in user the Auth middleware loaded (LoggedIn),
// or nil.
func (s *sUser) Current(ctx context.Context) *entity.Users {
	u, _ := ctx.Value(consts.CtxUser).(*entity.Users)
	return u
}

var errNotLoggedIn = httperr.New(httperr.Unauthorized, "not logged in")

// LoggedIn is the one answer to "who is logged in" for the API and the
// pages alike: the enabled user the request's session belongs to. No
// session is 401. A session whose user is gone is ended (401); one whose
// user is disabled is ended with every other session of that user (403).
// Other failures (Redis, the database) come back as they are.
func (s *sUser) LoggedIn(ctx context.Context) (*entity.Users, error) {
	uid := service.Session().UserId(ctx)
	if uid == 0 {
		return nil, errNotLoggedIn
	}
	u, err := s.Get(ctx, uid)
	if err != nil {
		if httperr.IsCode(err, httperr.NotFound) {
			_ = service.Session().End(ctx)
			return nil, errNotLoggedIn
		}
		return nil, err
	}
	if u.Disabled {
		_, _ = service.Session().RevokeUser(ctx, uid)
		_ = service.Session().End(ctx)
		return nil, httperr.New(httperr.Forbidden, "this account is disabled")
	}
	return u, nil
}
