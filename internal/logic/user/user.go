// Package user holds accounts: registration, credentials and balances.
package user

import (
	"context"
	"fmt"
	"strings"

	"github.com/gogf/gf/v2/database/gdb"
	"github.com/gogf/gf/v2/errors/gerror"
	"github.com/gogf/gf/v2/frame/g"

	"gptbot/internal/consts"
	"gptbot/internal/dao"
	"gptbot/internal/library/httperr"
	"gptbot/internal/library/password"
	"gptbot/internal/model"
	"gptbot/internal/model/do"
	"gptbot/internal/model/entity"
	"gptbot/internal/service"
)

type sUser struct {
	newUserTokens int64
}

func init() {
	service.RegisterUser(New())
}

// New returns the user service.
func New() *sUser {
	return &sUser{}
}

// errBadCredentials is the one answer for unknown users and wrong passwords.
var errBadCredentials = httperr.New(httperr.Unauthorized, "invalid username or password")

// SetNewUserTokens sets the grant a new account starts with.
func (s *sUser) SetNewUserTokens(tokens int64) {
	s.newUserTokens = tokens
}

// Create stores a new account with its starting grant in one transaction.
func (s *sUser) Create(ctx context.Context, username, plainPassword, role string) (*entity.Users, error) {
	hash, err := password.Hash(plainPassword)
	if err != nil {
		return nil, err
	}
	key := strings.ToLower(username)
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
			Disabled:     0,
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
	return s.Create(ctx, username, plainPassword, consts.RoleUser)
}

// Authenticate checks a username and password. Unknown users cost the same
// time as wrong passwords and get the same error.
func (s *sUser) Authenticate(ctx context.Context, username, plainPassword string) (*entity.Users, error) {
	var u *entity.Users
	err := dao.Users.Ctx(ctx).Where(do.Users{UsernameKey: strings.ToLower(username)}).Scan(&u)
	if err != nil {
		return nil, gerror.Wrap(err, "find user")
	}
	if u == nil {
		password.VerifyDummy(plainPassword)
		return nil, errBadCredentials
	}
	ok, err := password.Verify(u.PasswordHash, plainPassword)
	if err != nil {
		return nil, gerror.Wrapf(err, "verify password of user %d", u.Id)
	}
	if !ok {
		return nil, errBadCredentials
	}
	if u.Disabled != 0 {
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
	if err := dao.Users.Ctx(ctx).Where(do.Users{UsernameKey: strings.ToLower(username)}).Scan(&u); err != nil {
		return nil, gerror.Wrap(err, "get user by name")
	}
	if u == nil {
		return nil, httperr.New(httperr.NotFound, "user not found")
	}
	return u, nil
}

// ChangePassword replaces the password after checking the current one.
func (s *sUser) ChangePassword(ctx context.Context, id int64, oldPassword, newPassword string) error {
	u, err := s.Get(ctx, id)
	if err != nil {
		return err
	}
	ok, err := password.Verify(u.PasswordHash, oldPassword)
	if err != nil {
		return gerror.Wrapf(err, "verify password of user %d", id)
	}
	if !ok {
		return httperr.New(httperr.BadRequest, "oldPassword is incorrect")
	}
	hash, err := password.Hash(newPassword)
	if err != nil {
		return err
	}
	_, err = dao.Users.Ctx(ctx).Data(do.Users{PasswordHash: hash}).Where(do.Users{Id: id}).Update()
	return gerror.Wrap(err, "update password")
}

// MaxGrant bounds one grant (API and CLI alike), far from int64 overflow.
const MaxGrant = 1_000_000_000

// Grant adds tokens to a balance and records the grant in the ledger.
func (s *sUser) Grant(ctx context.Context, id int64, tokens int64, note string) (*entity.Users, error) {
	if tokens <= 0 || tokens > MaxGrant {
		return nil, httperr.New(httperr.BadRequest, fmt.Sprintf("tokens must be between 1 and %d", MaxGrant))
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
// it on the next request).
func (s *sUser) SetDisabled(ctx context.Context, id int64, disabled bool) (*entity.Users, error) {
	flag := 0
	if disabled {
		flag = 1
	}
	res, err := dao.Users.Ctx(ctx).Data(do.Users{Disabled: flag}).Where(do.Users{Id: id}).Update()
	if err != nil {
		return nil, gerror.Wrap(err, "set disabled")
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return nil, httperr.New(httperr.NotFound, "user not found")
	}
	return s.Get(ctx, id)
}

// AdminView is a user as administrators see it.
func (s *sUser) AdminView(u *entity.Users) *model.AdminUserView {
	return &model.AdminUserView{UserView: *s.View(u), Disabled: u.Disabled != 0}
}

// View is the API's picture of a user.
func (s *sUser) View(u *entity.Users) *model.UserView {
	return &model.UserView{
		Id: int64(u.Id), Username: u.Username, Role: u.Role,
		TokenBalance: u.TokenBalance, CreatedAt: u.CreatedAt,
	}
}

// Current is the logged-in user the Auth middleware loaded, or nil.
func (s *sUser) Current(ctx context.Context) *entity.Users {
	if r := g.RequestFromCtx(ctx); r != nil {
		if u, ok := r.GetCtxVar(consts.CtxUser).Val().(*entity.Users); ok {
			return u
		}
	}
	return nil
}
