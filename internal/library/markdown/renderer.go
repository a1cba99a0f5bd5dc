package markdown

import (
	"bytes"

	"github.com/yuin/goldmark/ast"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"
)

// safeRenderer replaces goldmark's renderers for the nodes where its safe
// mode is not what a chat needs: raw HTML is shown as text (goldmark would
// drop it silently, and a user who asks about HTML wants to see it), images
// become links, code is shown as highlightCode made it, and task boxes are text rather than
// <input> elements the sanitiser would remove.
type safeRenderer struct{}

// RegisterFuncs implements renderer.NodeRenderer.
func (r *safeRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindRawHTML, r.rawHTML)
	reg.Register(ast.KindHTMLBlock, r.htmlBlock)
	reg.Register(ast.KindImage, r.image)
	reg.Register(kindHighlightedCode, r.highlightedCode)
	reg.Register(extast.KindTaskCheckBox, r.taskCheckBox)
}

func (r *safeRenderer) rawHTML(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkSkipChildren, nil
	}
	n := node.(*ast.RawHTML)
	for i := range n.Segments.Len() {
		seg := n.Segments.At(i)
		_, _ = w.Write(util.EscapeHTML(seg.Value(source)))
	}
	return ast.WalkSkipChildren, nil
}

func (r *safeRenderer) htmlBlock(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*ast.HTMLBlock)
	var text bytes.Buffer
	for i := range n.Lines().Len() {
		line := n.Lines().At(i)
		text.Write(line.Value(source))
	}
	if n.HasClosure() {
		text.Write(n.ClosureLine.Value(source))
	}
	// Shown as a plain block, line breaks kept, so the text reads as written.
	_, _ = w.WriteString("<pre>")
	_, _ = w.Write(util.EscapeHTML(bytes.TrimRight(text.Bytes(), "\n")))
	_, _ = w.WriteString("</pre>\n")
	return ast.WalkSkipChildren, nil
}

func (r *safeRenderer) image(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.Image)
	dest := util.URLEscape(n.Destination, true)
	safe := len(dest) > 0 && !html.IsDangerousURL(dest)
	if entering {
		if safe {
			_, _ = w.WriteString(`<a href="`)
			_, _ = w.Write(util.EscapeHTML(dest))
			_, _ = w.WriteString(`">`)
		}
		if n.ChildCount() == 0 {
			// No alt text: the address is the link text.
			_, _ = w.Write(util.EscapeHTML(n.Destination))
		}
		return ast.WalkContinue, nil
	}
	if safe {
		_, _ = w.WriteString("</a>")
	}
	return ast.WalkContinue, nil
}

func (r *safeRenderer) highlightedCode(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		_, _ = w.Write(node.(*highlightedCode).html)
	}
	return ast.WalkSkipChildren, nil
}

func (r *safeRenderer) taskCheckBox(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	if node.(*extast.TaskCheckBox).IsChecked {
		_, _ = w.WriteString(`<span class="task-done">☑</span> `)
	} else {
		_, _ = w.WriteString(`<span class="task-todo">☐</span> `)
	}
	return ast.WalkContinue, nil
}
