package httperr

import (
	"errors"
	"net/http"
	"testing"

	"github.com/gogf/gf/v2/errors/gcode"
	"github.com/gogf/gf/v2/errors/gerror"
)

func TestResolveHidesCauses(t *testing.T) {
	cause := errors.New("dial tcp 10.0.0.5:6379: connection refused")
	err := gerror.Wrap(Wrap(Unavailable, cause, "session storage is unavailable"), "login")
	status, msg, internal := Resolve(err)
	if status != http.StatusServiceUnavailable || msg != "session storage is unavailable" || !internal {
		t.Fatalf("got %d %q %v", status, msg, internal)
	}
}

func TestResolveUnknownIs500(t *testing.T) {
	status, msg, internal := Resolve(errors.New("sql: no rows in result set: SELECT password_hash"))
	if status != 500 || msg != "internal server error" || !internal {
		t.Fatalf("got %d %q %v", status, msg, internal)
	}
	status, _, _ = Resolve(gerror.NewCode(gcode.CodeDbOperationError, "driver text"))
	if status != 503 {
		t.Fatalf("db error: %d", status)
	}
}

func TestResolveClientErrors(t *testing.T) {
	status, msg, internal := Resolve(New(Conflict, "username is taken"))
	if status != 409 || msg != "username is taken" || internal {
		t.Fatalf("got %d %q %v", status, msg, internal)
	}
}
