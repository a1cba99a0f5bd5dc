package middleware

import (
	"testing"

	"github.com/gogf/gf/v2/os/gstructs"
	"github.com/gogf/gf/v2/util/gconv"
)

type pathReq struct {
	Id     int64  `json:"id" in:"path"`
	Handle string `json:"handle" in:"path"`
	Title  string `json:"title"`
}

// The keys the check treats as a path parameter are exactly the keys
// GoFrame's struct binding puts into that parameter's field: if a GoFrame
// upgrade changes its matching, this fails before a route can be fooled.
func TestPathParamKeysMatchGoFrameBinding(t *testing.T) {
	fields, err := gstructs.Fields(gstructs.FieldsInput{Pointer: &pathReq{}, RecursiveOption: gstructs.RecursiveOptionEmbedded})
	if err != nil {
		t.Fatal(err)
	}
	keys := []string{
		"id", "ID", "Id", "iD", "i_d", "i-d", "I.D", "i d", " id", "_id_", "i\td",
		"ids", "idx", "uid", "i", "d", "title", "handle", "HANDLE", "han_dle", "Hand-Le",
		"handles", "hndl", "\u0130d", "\u0131d", // dotted capital I and dotless i: no simple case fold to i
	}
	for _, param := range []string{"id", "handle"} {
		names := bindingNames(param, fields)
		for _, k := range keys {
			var req pathReq
			if err := gconv.Struct(map[string]any{k: "7"}, &req); err != nil {
				t.Fatalf("gconv %q: %v", k, err)
			}
			binds := (param == "id" && req.Id == 7) || (param == "handle" && req.Handle == "7")
			flagged := false
			for _, n := range names {
				if sameBindKey(k, n) {
					flagged = true
				}
			}
			if binds != flagged {
				t.Errorf("param %s, key %q: GoFrame binds it %v, the check flags it %v", param, k, binds, flagged)
			}
		}
	}
}
