package consts

import (
	"strconv"

	"github.com/gogf/gf/v2/util/gtag"
)

// Limits of what users may send. Each is written here once: the API's
// validation tags name them as {UsernameMinLen} and so on (GoFrame replaces
// such names in struct tags with the values registered below, for
// validation and for /api.json alike), and the services use the constants.
// The SQL schema's column widths (users.username VARCHAR(32),
// conversations.title VARCHAR(200), model VARCHAR(128)) follow them.
const (
	UsernameMinLen = 3
	UsernameMaxLen = 32
	// UsernamePattern is what a new username may consist of.
	UsernamePattern = `^[A-Za-z0-9_.-]+$`

	PasswordMinLen = 8
	PasswordMaxLen = 128

	// Logging in checks what was stored, so it only caps the input: an
	// older or CLI-made account may not meet today's rules, and a
	// megabyte "password" must not reach the hasher.
	LoginUsernameMaxLen = 64
	LoginPasswordMaxLen = 1024

	// GrantMaxTokens bounds one grant (API and CLI alike), far from int64
	// overflow.
	GrantMaxTokens = 1_000_000_000

	TitleMaxChars = 200
	ModelIdMaxLen = 128
	// SystemPromptMaxLen is the most any request may carry; the configured
	// chat.maxSystemPromptChars is the limit actually applied below it.
	SystemPromptMaxLen = 100_000
)

// init registers the limits for the validation tags. It runs before any
// request is validated: every API package imports consts.
func init() {
	gtag.Sets(map[string]string{
		"UsernameMinLen":      strconv.Itoa(UsernameMinLen),
		"UsernameMaxLen":      strconv.Itoa(UsernameMaxLen),
		"UsernamePattern":     UsernamePattern,
		"PasswordMinLen":      strconv.Itoa(PasswordMinLen),
		"PasswordMaxLen":      strconv.Itoa(PasswordMaxLen),
		"LoginUsernameMaxLen": strconv.Itoa(LoginUsernameMaxLen),
		"LoginPasswordMaxLen": strconv.Itoa(LoginPasswordMaxLen),
		"GrantMaxTokens":      strconv.Itoa(GrantMaxTokens),
		"TitleMaxChars":       strconv.Itoa(TitleMaxChars),
		"ModelIdMaxLen":       strconv.Itoa(ModelIdMaxLen),
		"SystemPromptMaxLen":  strconv.Itoa(SystemPromptMaxLen),
	})
}
