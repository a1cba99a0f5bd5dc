package testutil

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// Calls whose error a test must not drop: a failed decode or query leaves
// zero values behind, and a test comparing them checks nothing. The last
// result of each is an error.
var (
	// decodeCalls return only an error: dropped as a bare statement too.
	decodeCalls = map[string]bool{"Unmarshal": true, "Decode": true, "Scan": true}
	// readCalls are GoFrame's reads, which also return a value.
	readCalls = map[string]bool{"GetValue": true, "GetOne": true, "GetAll": true, "GetArray": true,
		"GetCount": true, "GetScan": true, "Value": true, "Count": true, "One": true, "All": true,
		"Array": true, "Struct": true, "Structs": true}
)

// TestTestsCheckDecodeAndScanErrors: no test in the module drops the error
// of a decode or a database read (`_ = json.Unmarshal(…)`, `v, _ :=
// db.GetValue(…)`, `row.Scan(&x)` as a statement).
func TestTestsCheckDecodeAndScanErrors(t *testing.T) {
	root := ModuleRoot(t)
	fset := token.NewFileSet()
	files := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); name == "node_modules" || strings.HasPrefix(name, ".") && path != root {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		files++
		ast.Inspect(f, func(n ast.Node) bool {
			if name, ok := droppedError(n); ok {
				rel, _ := filepath.Rel(root, fset.Position(n.Pos()).Filename)
				t.Errorf("%s:%d: the error of %s is dropped", rel, fset.Position(n.Pos()).Line, name)
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 20 {
		t.Fatalf("found %d test files under %s: the walk missed the tree", files, root)
	}
}

// droppedError reports a statement that discards the error of a decode or
// read call, and the call's name.
func droppedError(n ast.Node) (string, bool) {
	switch s := n.(type) {
	case *ast.ExprStmt:
		name := callName(s.X)
		return name, decodeCalls[name]
	case *ast.AssignStmt:
		if len(s.Rhs) != 1 {
			return "", false
		}
		name := callName(s.Rhs[0])
		if !decodeCalls[name] && !readCalls[name] {
			return "", false
		}
		last, ok := s.Lhs[len(s.Lhs)-1].(*ast.Ident)
		return name, ok && last.Name == "_"
	}
	return "", false
}

func callName(e ast.Expr) string {
	call, ok := e.(*ast.CallExpr)
	if !ok {
		return ""
	}
	switch f := call.Fun.(type) {
	case *ast.SelectorExpr:
		return f.Sel.Name
	case *ast.Ident:
		return f.Name
	}
	return ""
}

// TestDroppedErrorFindsEveryForm: the check above sees each way of
// dropping an error, and leaves checked calls alone.
func TestDroppedErrorFindsEveryForm(t *testing.T) {
	for src, want := range map[string]bool{
		`_ = json.Unmarshal(b, &v)`:                           true,
		`json.Unmarshal(b, &v)`:                               true,
		`_ = db.QueryRow(q).Scan(&n)`:                         true,
		`db.QueryRow(q).Scan(&n)`:                             true,
		`json.NewDecoder(r).Decode(&v)`:                       true,
		`v, _ := g.DB().GetValue(ctx, q)`:                     true,
		`n, _ := dao.X.Ctx(ctx).Count()`:                      true,
		`_, _ = m.All()`:                                      true,
		`err := json.Unmarshal(b, &v)`:                        false,
		`if err := row.Scan(&n); err != nil { t.Fatal(err) }`: false,
		`n, err := m.Count()`:                                 false,
		`s.All()`:                                             false, // no error to drop
		`raw, _ := io.ReadAll(r)`:                             false,
	} {
		f, err := parser.ParseFile(token.NewFileSet(), "x.go", "package x\nfunc f() {\n"+src+"\n}", 0)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		got := false
		ast.Inspect(f, func(n ast.Node) bool {
			if _, ok := droppedError(n); ok {
				got = true
			}
			return true
		})
		if got != want {
			t.Errorf("%s: dropped %v, want %v", src, got, want)
		}
	}
}
