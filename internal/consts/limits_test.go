package consts_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/gogf/gf/v2/frame/g"
	"github.com/gogf/gf/v2/os/gstructs"

	adminv1 "gptbot/api/admin/v1"
	authv1 "gptbot/api/auth/v1"
	chatv1 "gptbot/api/chat/v1"
	mev1 "gptbot/api/me/v1"
	"gptbot/internal/consts"
)

// requests are the API requests whose validation tags name limits.
var requests = []any{
	authv1.RegisterReq{}, authv1.LoginReq{}, mev1.PasswordReq{}, adminv1.GrantReq{},
	chatv1.CreateReq{}, chatv1.UpdateReq{}, chatv1.SendReq{}, chatv1.RegenerateReq{},
}

// A limit's name misspelt in a tag would stay in it verbatim and validate
// nothing (or fail every request): every {Name} must be a registered one.
func TestValidationTagsNameRegisteredLimits(t *testing.T) {
	placeholder := regexp.MustCompile(`\{[A-Z][A-Za-z]*\}`)
	named := 0
	for _, req := range requests {
		fields, err := gstructs.Fields(gstructs.FieldsInput{Pointer: req, RecursiveOption: gstructs.RecursiveOptionEmbedded})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fields {
			raw := f.Field.Tag.Get("v")
			if strings.Contains(raw, "{") {
				named++
			}
			if left := placeholder.FindString(f.Tag("v")); left != "" {
				t.Errorf("%T.%s: tag names %s, which is not a registered limit", req, f.Name(), left)
			}
		}
	}
	if named < len(requests) {
		t.Errorf("only %d tags name limits; every request listed should", named)
	}
}

// The tags enforce the constants' values, at both ends, and their messages
// name the field and the bounds.
func TestValidationEnforcesTheLimits(t *testing.T) {
	ctx := context.Background()
	str := func(n int) string { return strings.Repeat("a", n) }
	ptr := func(s string) *string { return &s }
	okUser, okPass := str(consts.UsernameMinLen), str(consts.PasswordMinLen)
	for _, c := range []struct {
		name string
		req  any
		want string // "" = valid
	}{
		{"username min", &authv1.RegisterReq{Username: str(consts.UsernameMinLen), Password: okPass}, ""},
		{"username max", &authv1.RegisterReq{Username: str(consts.UsernameMaxLen), Password: okPass}, ""},
		{"username short", &authv1.RegisterReq{Username: str(consts.UsernameMinLen - 1), Password: okPass},
			fmt.Sprintf("username must be %d to %d characters", consts.UsernameMinLen, consts.UsernameMaxLen)},
		{"username long", &authv1.RegisterReq{Username: str(consts.UsernameMaxLen + 1), Password: okPass},
			fmt.Sprintf("username must be %d to %d characters", consts.UsernameMinLen, consts.UsernameMaxLen)},
		{"username pattern", &authv1.RegisterReq{Username: okUser + " x", Password: okPass},
			"username may contain only letters, digits, '_', '.' and '-'"},
		{"password max", &authv1.RegisterReq{Username: okUser, Password: str(consts.PasswordMaxLen)}, ""},
		{"password short", &authv1.RegisterReq{Username: okUser, Password: str(consts.PasswordMinLen - 1)},
			fmt.Sprintf("password must be %d to %d characters", consts.PasswordMinLen, consts.PasswordMaxLen)},
		{"password long", &authv1.RegisterReq{Username: okUser, Password: str(consts.PasswordMaxLen + 1)},
			fmt.Sprintf("password must be %d to %d characters", consts.PasswordMinLen, consts.PasswordMaxLen)},
		{"new password long", &mev1.PasswordReq{OldPassword: "x", NewPassword: str(consts.PasswordMaxLen + 1)},
			fmt.Sprintf("newPassword must be %d to %d characters", consts.PasswordMinLen, consts.PasswordMaxLen)},
		{"old password cap", &mev1.PasswordReq{OldPassword: str(consts.LoginPasswordMaxLen + 1), NewPassword: okPass},
			"oldPassword is too long"},
		{"login username cap", &authv1.LoginReq{Username: str(consts.LoginUsernameMaxLen), Password: "x"}, ""},
		{"login username long", &authv1.LoginReq{Username: str(consts.LoginUsernameMaxLen + 1), Password: "x"},
			"username is too long"},
		{"login password long", &authv1.LoginReq{Username: "x", Password: str(consts.LoginPasswordMaxLen + 1)},
			"password is too long"},
		{"grant max", &adminv1.GrantReq{Id: 1, Tokens: consts.GrantMaxTokens}, ""},
		{"grant above", &adminv1.GrantReq{Id: 1, Tokens: consts.GrantMaxTokens + 1},
			fmt.Sprintf("tokens must be between 1 and %d", consts.GrantMaxTokens)},
		{"title max", &chatv1.CreateReq{Title: ptr(str(consts.TitleMaxChars))}, ""},
		{"title long", &chatv1.UpdateReq{Id: 1, Title: ptr(str(consts.TitleMaxChars + 1))},
			fmt.Sprintf("title must be at most %d characters", consts.TitleMaxChars)},
		{"model long", &chatv1.SendReq{Id: 1, Content: "x", Model: str(consts.ModelIdMaxLen + 1)}, "model is not a known model"},
		{"model max", &chatv1.RegenerateReq{Id: 1, Model: str(consts.ModelIdMaxLen)}, ""},
		{"system prompt long", &chatv1.CreateReq{SystemPrompt: ptr(str(consts.SystemPromptMaxLen + 1))},
			"systemPrompt is too long"},
	} {
		err := g.Validator().Data(c.req).Run(ctx)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: refused: %v", c.name, err)
		case c.want != "" && err == nil:
			t.Errorf("%s: accepted, want %q", c.name, c.want)
		case c.want != "" && err.FirstError().Error() != c.want:
			t.Errorf("%s: %q, want %q", c.name, err.FirstError().Error(), c.want)
		}
	}
}

// A limit given to the validator through a tag must not break the rule
// syntax around it.
func TestUsernamePatternFitsATag(t *testing.T) {
	if strings.ContainsAny(consts.UsernamePattern, "|#{}\"") {
		t.Fatalf("UsernamePattern %q contains a character the validation tag syntax uses", consts.UsernamePattern)
	}
	if _, err := regexp.Compile(consts.UsernamePattern); err != nil {
		t.Fatal(err)
	}
}
