package cmd

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/gogf/gf/v2/errors/gerror"
	"github.com/gogf/gf/v2/frame/g"
	"github.com/gogf/gf/v2/os/gcmd"

	v1 "gptbot/api/auth/v1"
	"gptbot/internal/config"
	"gptbot/internal/consts"
	"gptbot/internal/model/entity"
	"gptbot/internal/service"
)

var userCreate = &gcmd.Command{
	Name:  "create",
	Usage: "gptbot user create --username U --password-stdin [--admin]",
	Brief: "create an account; the password is read from standard input",
	Arguments: []gcmd.Argument{
		{Name: "username", Brief: "the new account's name"},
		{Name: "password-stdin", Orphan: true, Brief: "read the password from the first line of stdin"},
		{Name: "admin", Orphan: true, Brief: "give the account the admin role"},
	},
	Func: func(ctx context.Context, p *gcmd.Parser) error {
		if !hasOpt(p, "password-stdin") {
			return gerror.New("--password-stdin is required: passwords never go on the command line")
		}
		pw, err := bufio.NewReader(os.Stdin).ReadString('\n')
		if err != nil && pw == "" {
			return gerror.Wrap(err, "read password from stdin")
		}
		req := &v1.RegisterReq{Username: p.GetOpt("username").String(), Password: strings.TrimRight(pw, "\r\n")}
		// The same rules as the register endpoint.
		if verr := g.Validator().Data(req).Run(ctx); verr != nil {
			return gerror.New(verr.FirstError().Error())
		}
		if _, err := boot(ctx); err != nil {
			return err
		}
		role := consts.AccountRoleUser
		if hasOpt(p, "admin") {
			role = consts.AccountRoleAdmin
		}
		u, err := service.User().Create(ctx, req.Username, req.Password, role)
		if err != nil {
			return err
		}
		fmt.Printf("created user %s (id %d, role %s, balance %d tokens)\n", u.Username, u.Id, u.Role, u.TokenBalance)
		return nil
	},
}

var userGrant = &gcmd.Command{
	Name:  "grant",
	Usage: "gptbot user grant --username U --tokens N",
	Brief: "add tokens to an account's balance (recorded in the ledger)",
	Arguments: []gcmd.Argument{
		{Name: "username", Brief: "the account"},
		{Name: "tokens", Brief: "how many tokens to add"},
	},
	Func: func(ctx context.Context, p *gcmd.Parser) error {
		tokens, err := decimalOpt(p, "tokens")
		if err != nil {
			return err
		}
		u, err := cliUser(ctx, p)
		if err != nil {
			return err
		}
		// The service bounds the amount (1 to consts.GrantMaxTokens), as for the API.
		if u, err = service.User().Grant(ctx, u.Id, tokens, "cli grant"); err != nil {
			return err
		}
		fmt.Printf("granted %d tokens to %s; balance %d\n", tokens, u.Username, u.TokenBalance)
		return nil
	},
}

var userEnable = &gcmd.Command{
	Name:  "enable",
	Usage: "gptbot user enable --username U",
	Brief: "let a disabled account log in again",
	Arguments: []gcmd.Argument{
		{Name: "username", Brief: "the account"},
	},
	Func: func(ctx context.Context, p *gcmd.Parser) error {
		u, err := cliUser(ctx, p)
		if err != nil {
			return err
		}
		if u, err = service.User().SetDisabled(ctx, u.Id, false); err != nil {
			return err
		}
		fmt.Printf("enabled user %s (id %d, role %s)\n", u.Username, u.Id, u.Role)
		return nil
	},
}

var userPromote = &gcmd.Command{
	Name:  "promote",
	Usage: "gptbot user promote --username U [--demote]",
	Brief: "give an account the admin role (--demote: take it away; the last enabled admin keeps it)",
	Arguments: []gcmd.Argument{
		{Name: "username", Brief: "the account"},
		{Name: "demote", Orphan: true, Brief: "make the account an ordinary user instead"},
	},
	Func: func(ctx context.Context, p *gcmd.Parser) error {
		role := consts.AccountRoleAdmin
		if hasOpt(p, "demote") {
			role = consts.AccountRoleUser
		}
		u, err := cliUser(ctx, p)
		if err != nil {
			return err
		}
		if u, err = service.User().SetRole(ctx, u.Id, role); err != nil {
			return err
		}
		fmt.Printf("user %s (id %d) now has role %s\n", u.Username, u.Id, u.Role)
		return nil
	},
}

// cliUser opens the database and finds the account named by --username.
func cliUser(ctx context.Context, p *gcmd.Parser) (*entity.Users, error) {
	name := p.GetOpt("username").String()
	if name == "" {
		return nil, gerror.New("--username is required")
	}
	if _, err := boot(ctx); err != nil {
		return nil, err
	}
	return service.User().GetByUsername(ctx, name)
}

// decimalOpt reads a required option written as plain decimal digits: no
// sign, spaces, fraction, exponent or base prefix ("1.9", "0x10" and "1e3"
// are typos or misunderstandings, never a number to guess at).
func decimalOpt(p *gcmd.Parser, name string) (int64, error) {
	s := p.GetOpt(name).String()
	if s == "" {
		return 0, gerror.Newf("--%s is required", name)
	}
	if strings.TrimLeft(s, "0123456789") != "" {
		return 0, gerror.Newf("--%s must be a whole number written in decimal digits, got %q", name, s)
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, gerror.Newf("--%s is out of range: %s", name, s)
	}
	return n, nil
}

var migrateCmd = &gcmd.Command{
	Name:  "migrate",
	Brief: "create or upgrade the database schema and exit",
	Func: func(ctx context.Context, _ *gcmd.Parser) error {
		if _, err := config.Load(ctx); err != nil {
			return err
		}
		return openDatabase(ctx)
	},
}

func hasOpt(p *gcmd.Parser, name string) bool {
	_, ok := p.GetOptAll()[name]
	return ok
}
