// Package httperr carries an HTTP status and a safe message on errors.
//
// Low layers wrap causes with gerror and one of these codes; the response
// middleware turns the code into the status and shows only the message given
// here, never the wrapped cause (driver errors, addresses, stacks).
package httperr

import (
	"errors"
	"net/http"

	"github.com/gogf/gf/v2/errors/gcode"
	"github.com/gogf/gf/v2/errors/gerror"
	"github.com/gogf/gf/v2/util/gvalid"
)

// Codes are HTTP statuses, so the envelope's code equals the status.
var (
	BadRequest      = gcode.New(http.StatusBadRequest, "bad request", nil)
	Unauthorized    = gcode.New(http.StatusUnauthorized, "not logged in", nil)
	PaymentRequired = gcode.New(http.StatusPaymentRequired, "token balance exhausted", nil)
	Forbidden       = gcode.New(http.StatusForbidden, "forbidden", nil)
	NotFound        = gcode.New(http.StatusNotFound, "not found", nil)
	Conflict        = gcode.New(http.StatusConflict, "conflict", nil)
	TooLarge        = gcode.New(http.StatusRequestEntityTooLarge, "request body too large", nil)
	TooManyRequests = gcode.New(http.StatusTooManyRequests, "too many requests", nil)
	BadGateway      = gcode.New(http.StatusBadGateway, "upstream model error", nil)
	Unavailable     = gcode.New(http.StatusServiceUnavailable, "service unavailable", nil)
	GatewayTimeout  = gcode.New(http.StatusGatewayTimeout, "upstream timeout", nil)
)

// New is an error with a status and a message safe to show.
func New(code gcode.Code, message string) error {
	return gerror.NewCodeSkip(code, 1, message)
}

// Wrap keeps cause for the log and shows only message.
func Wrap(code gcode.Code, cause error, message string) error {
	return gerror.WrapCodeSkip(code, 1, cause, message)
}

// Resolve decides the HTTP status and the message a client may see.
// internal is true when the error is unexpected and its cause must be logged.
func Resolve(err error) (status int, message string, internal bool) {
	var verr gvalid.Error
	if errors.As(err, &verr) {
		return http.StatusBadRequest, verr.FirstError().Error(), false
	}
	code := gerror.Code(err)
	switch code.Code() {
	case gcode.CodeValidationFailed.Code(), gcode.CodeInvalidParameter.Code(), gcode.CodeMissingParameter.Code():
		return http.StatusBadRequest, topMessage(err, "invalid input"), false
	case gcode.CodeDbOperationError.Code():
		return http.StatusServiceUnavailable, "the database is unavailable", true
	}
	if c := code.Code(); c >= 400 && c < 600 && code.Message() != "" {
		if c >= 500 {
			internal = true
		}
		return c, topMessage(err, code.Message()), internal
	}
	return http.StatusInternalServerError, "internal server error", true
}

// topMessage is the own text (without wrapped causes) of the innermost
// error carrying the code: gerror.Wrap copies the code outwards, so the
// innermost one is where the code was decided, and wrapping for context
// higher up does not change what the client sees.
func topMessage(err error, fallback string) string {
	want, msg := gerror.Code(err), fallback
	for e := err; e != nil; e = errors.Unwrap(e) {
		cur := gerror.Current(e)
		if cur == nil || gerror.Code(cur) != want {
			break
		}
		if cur.Error() != "" {
			msg = cur.Error()
		}
	}
	return msg
}

// IsCode reports whether err carries code.
func IsCode(err error, code gcode.Code) bool {
	return err != nil && gerror.Code(err).Code() == code.Code()
}
