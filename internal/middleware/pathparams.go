package middleware

import (
	"encoding/json"
	"sort"
	"strings"

	"github.com/gogf/gf/v2/net/ghttp"
	"github.com/gogf/gf/v2/os/gstructs"
	"github.com/gogf/gf/v2/util/gtag"

	"gptbot/internal/library/httperr"
)

// repeatedPathParams names the path parameters (such as the {id} of
// /conversations/{id}) that the query string or the body repeats.
//
// GoFrame binds a handler's request struct from one merged map in which
// the query, form and body override the path, and it matches keys to
// fields ignoring case and the symbols - _ . and space: without this
// check, DELETE /conversations/1 with {"id":4} deletes conversation 4.
// Any repetition is refused, even with an equal value: the path alone
// names the object.
func repeatedPathParams(r *ghttp.Request, body map[string]json.RawMessage) []string {
	params := r.GetRouterMap()
	if len(params) == 0 {
		return nil
	}
	keys := map[string]bool{}
	for k := range r.GetQueryMap() { // the query, and a GET's body
		keys[k] = true
	}
	for k := range r.GetFormMap() { // a form, or the body GoFrame parses as one
		keys[k] = true
	}
	for k := range body {
		keys[k] = true
	}
	var fields []gstructs.Field
	if h := r.GetServeHandler(); h != nil && h.Handler != nil {
		fields = h.Handler.Info.ReqStructFields
	}
	var repeated []string
	for param := range params {
		names := bindingNames(param, fields)
	keys:
		for k := range keys {
			for _, n := range names {
				if sameBindKey(k, n) {
					repeated = append(repeated, param)
					break keys
				}
			}
		}
	}
	sort.Strings(repeated)
	return repeated
}

// bindingNames are the names under which GoFrame would bind a key to the
// struct field that path parameter param fills: the parameter's own name,
// the field's name and its tag names.
func bindingNames(param string, fields []gstructs.Field) []string {
	names := []string{param}
	for _, f := range fields {
		own := fieldNames(f)
		for _, n := range own {
			if sameBindKey(n, param) {
				names = append(names, own...)
				break
			}
		}
	}
	return names
}

func fieldNames(f gstructs.Field) []string {
	names := []string{f.Name()}
	for _, tag := range gtag.StructTagPriority {
		if v := strings.Split(f.Tag(tag), ",")[0]; v != "" && v != "-" {
			names = append(names, v)
		}
	}
	return names
}

// sameBindKey compares two keys the way GoFrame's struct binding matches
// a key to a field: case-folded, ignoring ASCII symbols.
func sameBindKey(a, b string) bool {
	return strings.EqualFold(withoutSymbols(a), withoutSymbols(b))
}

// withoutSymbols keeps ASCII letters and digits and every non-ASCII rune,
// as GoFrame's internal utils.RemoveSymbols does.
func withoutSymbols(s string) string {
	var b strings.Builder
	for _, c := range s {
		if c > 127 || c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' {
			b.WriteRune(c)
		}
	}
	return b.String()
}

// checkPathParams fails the request when the query or body repeats a path
// parameter; it reports whether the request may go on.
func checkPathParams(r *ghttp.Request, body map[string]json.RawMessage) bool {
	repeated := repeatedPathParams(r, body)
	if len(repeated) == 0 {
		return true
	}
	fail(r, httperr.New(httperr.BadRequest, strings.Join(repeated, ", ")+
		" is given in the path and must not be repeated in the query or body"))
	return false
}
