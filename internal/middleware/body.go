package middleware

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"sort"
	"strings"

	"github.com/gogf/gf/v2/net/ghttp"

	"gptbot/internal/library/httperr"
)

// Body reads request bodies once, up front, whatever the method (GoFrame
// binds a GET's body too): too large is 413, malformed or non-object JSON
// is 400, fields the endpoint does not define are 400 (a typo such as
// "passwrod" must not be silently ignored), and so is a path parameter
// repeated in the query or body (the path alone names the object).
func (m *Middleware) Body(r *ghttp.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			fail(r, httperr.New(httperr.TooLarge, "request body is too large"))
			return
		}
		fail(r, httperr.Wrap(httperr.BadRequest, err, "could not read the request body"))
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.MakeBodyRepeatableRead(true)

	trimmed := bytes.TrimSpace(body)
	var fields map[string]json.RawMessage
	if len(trimmed) > 0 {
		if !json.Valid(trimmed) {
			fail(r, httperr.New(httperr.BadRequest, "request body is not valid JSON"))
			return
		}
		if trimmed[0] != '{' || json.Unmarshal(trimmed, &fields) != nil {
			fail(r, httperr.New(httperr.BadRequest, "request body must be a JSON object"))
			return
		}
	}
	if !checkPathParams(r, fields) {
		return
	}
	if unknown := unknownFields(r, fields); len(unknown) > 0 {
		fail(r, httperr.New(httperr.BadRequest, "unknown field: "+strings.Join(unknown, ", ")))
		return
	}
	r.Middleware.Next()
}

// unknownFields lists keys that match no field of the handler's request
// struct (GoFrame matches names case-insensitively, so this does too).
func unknownFields(r *ghttp.Request, fields map[string]json.RawMessage) []string {
	h := r.GetServeHandler()
	if h == nil || h.Handler == nil || len(h.Handler.Info.ReqStructFields) == 0 {
		if len(fields) > 0 && h != nil && h.Handler != nil && h.Handler.Info.Type != nil {
			return sortedKeys(fields) // the endpoint takes no body fields
		}
		return nil
	}
	known := map[string]bool{}
	for _, f := range h.Handler.Info.ReqStructFields {
		if f.Name() == "Meta" {
			continue
		}
		known[strings.ToLower(f.Name())] = true
		if tag := strings.Split(f.Tag("json"), ",")[0]; tag != "" && tag != "-" {
			known[strings.ToLower(tag)] = true
		}
	}
	var unknown []string
	for k := range fields {
		if !known[strings.ToLower(k)] {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	return unknown
}

func sortedKeys(m map[string]json.RawMessage) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
