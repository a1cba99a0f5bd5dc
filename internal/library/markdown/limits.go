package markdown

import (
	"bytes"
	"errors"
)

// Limits that keep rendering linear in the size of its input. goldmark
// follows CommonMark faithfully, and some of CommonMark's constructs cost
// more than linear time or output when nested or repeated without end:
// each limit below turns such a construct back into plain text once it
// goes far beyond what any real message contains.
const (
	// MaxSourceBytes is the largest source rendered as Markdown; a larger
	// one is shown as plain text.
	MaxSourceBytes = 200 << 10

	// MaxOutputBytes bounds the HTML of one source. Output beyond it
	// (which the limits below should make impossible) falls back to the
	// source as plain text, which is at most a few times its size.
	MaxOutputBytes = 4 << 20

	// MaxNesting is the deepest nesting of block quotes and list items
	// one line may open. goldmark's work per line and the HTML it writes
	// grow with the depth: "> " repeated 99,000 times took 50 s and 24 MB.
	// Deeper markers stay as text.
	MaxNesting = 32

	// maxDelimiters bounds the emphasis and strikethrough runs ("*", "_",
	// "~") one paragraph may use: matching them costs the square of their
	// number. Later runs are text.
	maxDelimiters = 256

	// maxOpenBrackets bounds the "[" (and "![") link labels open at once in
	// one paragraph: closing one walks everything after it. Deeper ones
	// are text.
	maxOpenBrackets = 32

	// maxClosedLabels bounds the labels one paragraph may close ("[a]"):
	// closing one reads the label back through all the lines after it.
	// Later "]" are text.
	maxClosedLabels = 512

	// maxFailedLinks bounds the "](" that did not make a link in one
	// paragraph: each such attempt can scan the rest of the paragraph for
	// a destination and title. After that, "](" closes a label as text.
	maxFailedLinks = 32

	// maxDefinitionLines bounds the lines at the start of a paragraph that
	// may hold link reference definitions ("[a]: /url"): goldmark takes
	// them out of the paragraph one by one, each time moving the rest.
	maxDefinitionLines = 1024

	// tableCellAllowance is how many cells a table may have beyond one per
	// byte of its source: GFM pads every row to the header's width, so a
	// wide header over many short rows ("|a|a|…" then "|b" lines) would
	// otherwise turn 28 KB into 160 MB of HTML. Such a table stays text.
	tableCellAllowance = 1024
)

// flattenNesting returns src with every line's container prefix (block
// quote markers and list item markers) cut to MaxNesting levels: the
// marker that would open the next level is escaped with a backslash, so
// that it and the rest of the line are text. It is one linear pass, and
// src is returned unchanged (not copied) when no line goes that deep.
func flattenNesting(src []byte) []byte {
	var out []byte // nil until a line needs a change
	done := 0      // src[:done] is in out already
	for start := 0; start < len(src); {
		end := bytes.IndexByte(src[start:], '\n')
		if end < 0 {
			end = len(src)
		} else {
			end += start + 1
		}
		if at := tooDeep(src[start:end]); at >= 0 {
			out = append(out, src[done:start+at]...)
			out = append(out, '\\')
			done = start + at
		}
		start = end
	}
	if out == nil {
		return src
	}
	return append(out, src[done:]...)
}

// tooDeep returns the offset in line of the container marker that would
// open level MaxNesting+1, or -1.
func tooDeep(line []byte) int {
	hr := thematicBreakFrom(line)
	depth := 0
	for i := 0; i < len(line); {
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
		if i >= hr {
			return -1 // "* * *" and the like: a rule, not nested lists
		}
		n := markerLen(line[i:])
		if n == 0 {
			return -1
		}
		if depth == MaxNesting {
			return i
		}
		depth++
		i += n
	}
	return -1
}

// markerLen is the length of the block quote or list item marker line
// starts with, or 0.
func markerLen(line []byte) int {
	if len(line) == 0 {
		return 0
	}
	if line[0] == '>' {
		return 1
	}
	n := 0
	switch c := line[0]; {
	case c == '-' || c == '+' || c == '*':
		n = 1
	case c >= '0' && c <= '9':
		for n < len(line) && n < 9 && line[n] >= '0' && line[n] <= '9' {
			n++
		}
		if n == len(line) || (line[n] != '.' && line[n] != ')') {
			return 0
		}
		n++
	default:
		return 0
	}
	// A list marker is followed by a space, a tab or the end of the line.
	if n < len(line) && line[n] != ' ' && line[n] != '\t' && line[n] != '\n' && line[n] != '\r' {
		return 0
	}
	return n
}

// thematicBreakFrom returns the smallest offset from which the rest of
// line is a thematic break (three or more of one of "-", "*", "_", with
// only spaces and tabs between), or len(line)+1 when there is none. It
// reads the line once, from the end.
func thematicBreakFrom(line []byte) int {
	from := len(line) + 1
	var mark byte
	count := 0
	for i := len(line) - 1; i >= 0; i-- {
		switch c := line[i]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
		case mark == 0 && (c == '-' || c == '*' || c == '_'):
			mark, count = c, 1
		case c == mark:
			count++
		default:
			return from
		}
		if count >= 3 && line[i] == mark {
			from = i
		}
	}
	return from
}

// errOutputLimit stops a render whose HTML outgrew MaxOutputBytes.
var errOutputLimit = errors.New("markdown: output limit reached")

// limitedBuffer is a bytes.Buffer that refuses to grow past limit.
type limitedBuffer struct {
	bytes.Buffer
	limit int
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if b.Len()+len(p) > b.limit {
		return 0, errOutputLimit
	}
	return b.Buffer.Write(p)
}
