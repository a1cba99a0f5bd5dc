package markdown

import (
	"bytes"

	"github.com/yuin/goldmark/ast"
)

// highlightedCode stands in the document for a code block whose HTML
// highlightCode made before rendering: goldmark's renderers get no state
// of their own render, and highlighting needs the render's time budget.
type highlightedCode struct {
	ast.BaseBlock
	html []byte
}

var kindHighlightedCode = ast.NewNodeKind("HighlightedCode")

func (n *highlightedCode) Kind() ast.NodeKind { return kindHighlightedCode }
func (n *highlightedCode) IsRaw() bool        { return true }
func (n *highlightedCode) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, nil, nil)
}

// highlightCode replaces every code block (fenced or indented) in doc by
// its highlighted HTML.
func highlightCode(doc ast.Node, source []byte, budget *highlightBudget) {
	var blocks []ast.Node
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering && (n.Kind() == ast.KindFencedCodeBlock || n.Kind() == ast.KindCodeBlock) {
			blocks = append(blocks, n)
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	for _, n := range blocks {
		lang := ""
		if f, ok := n.(*ast.FencedCodeBlock); ok {
			lang = string(f.Language(source))
		}
		var code, out bytes.Buffer
		for i := range n.Lines().Len() {
			line := n.Lines().At(i)
			code.Write(line.Value(source))
		}
		highlight(&out, code.String(), lang, budget)
		h := &highlightedCode{html: out.Bytes()}
		h.SetBlankPreviousLines(n.HasBlankPreviousLines())
		n.Parent().ReplaceChild(n.Parent(), n, h)
	}
}
