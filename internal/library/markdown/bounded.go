package markdown

import (
	"bytes"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// This file wraps goldmark's parsers where their cost is not linear: they
// are used unchanged until a paragraph goes past one of the limits in
// limits.go, and from there on the construct is text. Each wrapper keeps
// its counts per block (paragraph, heading, table cell) in the parser
// context and resets them when goldmark closes the block.

var budgetKey = parser.NewContextKey()

// budget is what one block has used.
type budget struct {
	delimiters   int // emphasis and strikethrough runs
	openBrackets int // link labels open now
	closedLabels int // "]" that closed a label
	failedLinks  int // "](" that made no link
}

func blockBudget(pc parser.Context) *budget {
	if b, ok := pc.Get(budgetKey).(*budget); ok {
		return b
	}
	b := &budget{}
	pc.Set(budgetKey, b)
	return b
}

// resetBudget is called by goldmark after each block.
func resetBudget(pc parser.Context) { pc.Set(budgetKey, nil) }

// boundedInlineParsers is goldmark's default inline parsers with the link
// and emphasis parsers bounded.
func boundedInlineParsers() []util.PrioritizedValue {
	ps := parser.DefaultInlineParsers()
	for i, p := range ps {
		switch p.Value {
		case parser.NewLinkParser():
			ps[i].Value = &boundedLinks{inner: parser.NewLinkParser()}
		case parser.NewEmphasisParser():
			ps[i].Value = &boundedDelimiters{inner: parser.NewEmphasisParser()}
		}
	}
	return ps
}

// boundedDelimiters wraps a delimiter parser (emphasis, strikethrough):
// past maxDelimiters runs in a block, a run is text; so is a run the parser
// refuses, taken whole (see Parse).
type boundedDelimiters struct{ inner parser.InlineParser }

func (p *boundedDelimiters) Trigger() []byte { return p.inner.Trigger() }

func (p *boundedDelimiters) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	b := blockBudget(pc)
	if b.delimiters < maxDelimiters {
		if n := p.inner.Parse(parent, block, pc); n != nil {
			b.delimiters++
			return n
		}
	}
	// The run is text: past the limit, or refused by the parser (three
	// tildes or more). All of it but its last character is taken here at
	// once: refused a character at a time, the parser would scan the rest
	// of the run from each one, and so would linkify, for an e-mail
	// address. The last is left to the other parsers of its character
	// (linkify: "~www.example.com").
	line, seg := block.PeekLine()
	n := 1
	for n < len(line) && line[n] == line[0] {
		n++
	}
	if n == 1 {
		return nil
	}
	block.Advance(n - 1)
	return ast.NewTextSegment(seg.WithStop(seg.Start + n - 1))
}

func (p *boundedDelimiters) CloseBlock(parent ast.Node, block text.Reader, pc parser.Context) {
	resetBudget(pc)
}

// boundedLinks wraps goldmark's link parser ("[", "![", "]").
type boundedLinks struct{ inner parser.InlineParser }

func (p *boundedLinks) Trigger() []byte { return p.inner.Trigger() }

func (p *boundedLinks) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	b := blockBudget(pc)
	line, seg := block.PeekLine()
	if line[0] != ']' {
		if line[0] == '!' && (len(line) < 2 || line[1] != '[') {
			return nil // not an image; goldmark's parser says the same
		}
		if b.openBrackets >= maxOpenBrackets {
			return nil // "[" as text
		}
		n := p.inner.Parse(parent, block, pc)
		if n != nil {
			b.openBrackets++
		}
		return n
	}
	if b.openBrackets == 0 {
		return p.inner.Parse(parent, block, pc) // nothing to close: text
	}
	inline := len(line) > 1 && line[1] == '('
	if b.closedLabels >= maxClosedLabels || (inline && b.failedLinks >= maxFailedLinks) {
		// "]" as text; the label stays open and becomes text when
		// the block ends, as an unclosed one does.
		return nil
	}
	// goldmark's parser closes the innermost label whatever follows.
	b.openBrackets--
	b.closedLabels++
	startLine, _ := block.Position()
	n := p.inner.Parse(parent, block, pc)
	if inline {
		l, pos := block.Position()
		if n == nil || (l == startLine && pos.Start <= seg.Start+1) { // "(" not taken
			b.failedLinks++
		}
	}
	return n
}

func (p *boundedLinks) CloseBlock(parent ast.Node, block text.Reader, pc parser.Context) {
	if cb, ok := p.inner.(parser.CloseBlocker); ok {
		cb.CloseBlock(parent, block, pc)
	}
	resetBudget(pc)
}

// boundedParagraphTransformers is goldmark's default paragraph
// transformers with the link reference definitions bounded.
func boundedParagraphTransformers() []util.PrioritizedValue {
	ps := parser.DefaultParagraphTransformers()
	for i, p := range ps {
		if p.Value == parser.LinkReferenceParagraphTransformer {
			ps[i].Value = boundedReferences{inner: parser.LinkReferenceParagraphTransformer}
		}
	}
	return ps
}

// boundedReferences wraps goldmark's link reference definition parser,
// whose work is the square of the definitions at the start of a paragraph
// ("[a]: /url" lines): only the first maxDefinitionLines lines of a
// paragraph may hold definitions; later ones are text.
type boundedReferences struct{ inner parser.ParagraphTransformer }

func (t boundedReferences) Transform(node *ast.Paragraph, reader text.Reader, pc parser.Context) {
	lines := node.Lines()
	if lines.Len() <= maxDefinitionLines {
		t.inner.Transform(node, reader, pc)
		return
	}
	// The inner parser gets a paragraph of the first lines, in the place
	// of node, which keeps the rest; what is left of the first is put back.
	head, rest := text.NewSegments(), text.NewSegments()
	for i := range lines.Len() {
		if i < maxDefinitionLines {
			head.Append(lines.At(i))
		} else {
			rest.Append(lines.At(i))
		}
	}
	first := ast.NewParagraph()
	first.SetLines(head)
	first.SetBlankPreviousLines(node.HasBlankPreviousLines())
	node.Parent().InsertBefore(node.Parent(), node, first)
	node.SetLines(rest)
	t.inner.Transform(first, reader, pc)
	if first.Parent() == nil {
		return // all of them were definitions
	}
	left := first.Lines()
	merged := text.NewSegments()
	for i := range left.Len() {
		merged.Append(left.At(i))
	}
	for i := range rest.Len() {
		merged.Append(rest.At(i))
	}
	node.SetLines(merged)
	node.SetBlankPreviousLines(first.HasBlankPreviousLines())
	first.Parent().RemoveChild(first.Parent(), first)
}

// boundedTable wraps the GFM table transformer: a paragraph is made a
// table only if the table has at most one cell per byte of the paragraph
// plus tableCellAllowance (rows are padded to the header's width).
type boundedTable struct{ inner parser.ParagraphTransformer }

func (t boundedTable) Transform(node *ast.Paragraph, reader text.Reader, pc parser.Context) {
	lines := node.Lines()
	if lines.Len() < 2 {
		return
	}
	source := reader.Source()
	size, cells := 0, 0
	for i := range lines.Len() {
		seg := lines.At(i)
		line := seg.Value(source)
		size += len(line)
		// A delimiter row ("|---|:-:|") sets the width of the header
		// above it and of every row after it.
		if i > 0 && isDelimiterRow(line) {
			cells = max(cells, columns(line)*(lines.Len()-i+1))
		}
	}
	if cells > size+tableCellAllowance {
		return
	}
	t.inner.Transform(node, reader, pc)
}

// isDelimiterRow is a cheap superset of GFM's test for a table's
// delimiter row.
func isDelimiterRow(line []byte) bool {
	dash := false
	for _, c := range line {
		switch c {
		case '-':
			dash = true
		case '|', ':', ' ', '\t', '\n', '\r':
		default:
			return false
		}
	}
	return dash
}

// columns counts the cells of a table row split at "|" the way GFM does
// (a leading and a trailing "|" open and close the row), escapes aside.
func columns(line []byte) int {
	line = bytes.TrimSpace(line)
	n := bytes.Count(line, []byte{'|'}) + 1
	if bytes.HasPrefix(line, []byte{'|'}) {
		n--
	}
	if len(line) > 1 && bytes.HasSuffix(line, []byte{'|'}) {
		n--
	}
	return n
}
