package cmd

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/gogf/gf/v2/errors/gerror"
	"github.com/gogf/gf/v2/frame/g"
	"github.com/gogf/gf/v2/os/gcmd"

	v1 "gptbot/api/auth/v1"
	"gptbot/internal/config"
	"gptbot/internal/consts"
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
		cfg, err := config.Load(ctx)
		if err != nil {
			return err
		}
		if err = openDatabase(ctx, cfg); err != nil {
			return err
		}
		role := consts.RoleUser
		if hasOpt(p, "admin") {
			role = consts.RoleAdmin
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
		tokens := p.GetOpt("tokens").Int64()
		if tokens <= 0 {
			return gerror.New("--tokens must be a positive number")
		}
		cfg, err := config.Load(ctx)
		if err != nil {
			return err
		}
		if err = openDatabase(ctx, cfg); err != nil {
			return err
		}
		u, err := service.User().GetByUsername(ctx, p.GetOpt("username").String())
		if err != nil {
			return err
		}
		if u, err = service.User().Grant(ctx, int64(u.Id), tokens, "cli grant"); err != nil {
			return err
		}
		fmt.Printf("granted %d tokens to %s; balance %d\n", tokens, u.Username, u.TokenBalance)
		return nil
	},
}

var migrateCmd = &gcmd.Command{
	Name:  "migrate",
	Brief: "create or upgrade the database schema and exit",
	Func: func(ctx context.Context, _ *gcmd.Parser) error {
		cfg, err := config.Load(ctx)
		if err != nil {
			return err
		}
		return openDatabase(ctx, cfg)
	},
}

func hasOpt(p *gcmd.Parser, name string) bool {
	_, ok := p.GetOptAll()[name]
	return ok
}
