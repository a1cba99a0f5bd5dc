package markdown

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"gptbot/internal/testutil"
)

// hostile builds inputs of about n bytes whose cost or output grew faster
// than their size before the limits: each kind of nesting, delimiter and
// bracket pile-ups, tables padded to a wide header, raw HTML openers,
// autolinks and code. (A few are the pathological cases cmark tests.)
var hostile = map[string]func(n int) string{
	"quotes":          func(n int) string { return rep("> ", n/2) + "a" },
	"quotes tight":    func(n int) string { return rep(">", n) + "a" },
	"quote lines":     func(n int) string { return lines(n, func(i int) string { return rep(">", i%300) + " a" }) },
	"dashes":          func(n int) string { return rep("- ", n/2) + "a" },
	"stars":           func(n int) string { return rep("* ", n/2) + "a" },
	"pluses":          func(n int) string { return rep("+ ", n/2) + "a" },
	"ordered":         func(n int) string { return rep("1. ", n/3) + "a" },
	"ordered paren":   func(n int) string { return rep("9) ", n/3) + "a" },
	"quote list":      func(n int) string { return rep("> - ", n/4) + "a" },
	"indented lists":  func(n int) string { return lines(n, func(i int) string { return rep("  ", i) + "- a" }) },
	"nested lines":    func(n int) string { return lines(n, func(i int) string { return rep("- ", 40) + "`a`" }) },
	"emphasis":        func(n int) string { return rep("*a **a ", n/14) + "b" + rep(" a** a*", n/14) },
	"mismatched":      func(n int) string { return rep("*a_ ", n/4) },
	"closers":         func(n int) string { return rep("a_ ", n/3) },
	"openers":         func(n int) string { return rep("_a ", n/3) },
	"multiple of 3":   func(n int) string { return "a**b" + rep("c* ", n/3) },
	"strikethrough":   func(n int) string { return rep("~a~~", n/4) },
	"tilde run":       func(n int) string { return "~a" + rep("~", n-4) + "a" },
	"tilde runs":      func(n int) string { return rep("~~~a", n/4) },
	"star run":        func(n int) string { return "*a" + rep("*", n-4) + "a" },
	"underscore run":  func(n int) string { return "a" + rep("_", n-2) + "a" },
	"runs":            func(n int) string { return rep("*", n/2) + rep("_a", n/4) },
	"brackets":        func(n int) string { return rep("[", n/2) + "a" + rep("]", n/2) },
	"link openers":    func(n int) string { return rep("[a", n/2) },
	"link closers":    func(n int) string { return rep("a]", n/2) },
	"link emphasis":   func(n int) string { return rep("[ a_", n/4) },
	"paren brackets":  func(n int) string { return rep("[ (](", n/5) },
	"images":          func(n int) string { return rep("![[]()", n/6) },
	"unclosed links":  func(n int) string { return rep("[a](b", n/5) },
	"unclosed angle":  func(n int) string { return rep("[a](<b", n/6) },
	"unclosed titles": func(n int) string { return rep("[a](b (c", n/8) },
	"balanced parens": func(n int) string { return rep("[a](b(c)", n/8) },
	"reference opens": func(n int) string { return rep("[a][", n/4) },
	"references":      func(n int) string { return refs(n) },
	"definitions":     func(n int) string { return rep("[x]:\n", n/5) },
	"labels":          func(n int) string { return rep("[a]\n", n/4) },
	"wide table":      func(n int) string { return rep("|a", n/8) + "\n" + rep("|-", n/8) + "\n" + rep("|b\n", n/8) },
	"long table":      func(n int) string { return "|a|b|\n|-|-|\n" + rep("x|\n", n/3) },
	"backticks":       func(n int) string { return backticks(n) },
	"comments":        func(n int) string { return "</" + rep("<!--", n/4) },
	"cdata":           func(n int) string { return rep("a <![CDATA[", n/11) },
	"open tags":       func(n int) string { return rep("<a b=\"", n/6) },
	"html blocks":     func(n int) string { return rep("<div>\n", n/6) },
	"autolinks":       func(n int) string { return rep("<a:", n/3) },
	"linkify":         func(n int) string { return rep("www.a(", n/12) + rep("a.a@", n/8) },
	"linkify urls":    func(n int) string { return rep("(http://a", n/9) },
	"linkify tildes":  func(n int) string { return rep("~www.a", n/6) },
	"entities":        func(n int) string { return rep("&#", n/2) },
	"fences":          func(n int) string { return rep("```\n", n/4) },
	"setext":          func(n int) string { return rep("a\n-\n", n/4) },
	"nul":             func(n int) string { return rep("a\x00", n/2) },
	"go code":         func(n int) string { return fence("go", lines(n, func(int) string { return `x := "a" + b // c` })) },
	"yaml long line":  func(n int) string { return fence("yaml", rep(":", n-20)) },
	"yaml lines":      func(n int) string { return fence("yaml", lines(n, func(int) string { return rep("[", 150) })) },
	"java lines":      func(n int) string { return fence("java", lines(n, func(int) string { return rep("/", 190) })) },
	"make lines":      func(n int) string { return fence("makefile", lines(n, func(int) string { return rep("1", 190) })) },
}

func rep(s string, n int) string { return strings.Repeat(s, max(n, 0)) }

// lines joins line(0), line(1), … up to about n bytes.
func lines(n int, line func(i int) string) string {
	var b strings.Builder
	for i := 0; b.Len() < n-400; i++ {
		b.WriteString(line(i))
		b.WriteByte('\n')
	}
	return b.String()
}

func fence(lang, code string) string { return "```" + lang + "\n" + code + "\n```\n" }

// backticks is runs of 1, 2, 3, … backticks between letters: every
// opener a new length, none closed.
func backticks(n int) string {
	var b strings.Builder
	for i := 1; b.Len()+i+1 < n; i++ {
		b.WriteString("e" + rep("`", i))
	}
	return b.String()
}

func refs(n int) string {
	var b strings.Builder
	for i := 0; b.Len() < n/2; i++ {
		fmt.Fprintf(&b, "[%d]: u\n", i)
	}
	return b.String() + "\n" + rep("[0] ", (n-b.Len()-1)/4)
}

// Every hostile input of the largest size renders within a fixed CPU
// bound and output size (FuzzRender checks they stay safe). Before the limits, "> " × 99,000
// took 50 s and 24 MB, and a 28 KB table 160 MB.
func TestHostileMarkdownIsBounded(t *testing.T) {
	Render("warm up") // goldmark's and bluemonday's set-up is not the input's cost
	for name, gen := range hostile {
		src := gen(MaxSourceBytes - 64)
		if len(src) > MaxSourceBytes || len(src) < MaxSourceBytes/2 {
			t.Fatalf("%s: generator made %d bytes", name, len(src))
		}
		var out string
		cpu := testutil.CPUTime(t, func() { out = Render(src) })
		t.Logf("%-16s %4d KB → %5d KB of HTML in %4d ms CPU", name, len(src)>>10, len(out)>>10, cpu.Milliseconds())
		if limit := testutil.CPUBound(time.Second); cpu > limit {
			t.Errorf("%s: %d KB rendered in %v CPU, more than %v", name, len(src)>>10, cpu, limit)
		}
		if len(out) > MaxOutputBytes {
			t.Errorf("%s: %d KB of HTML", name, len(out)>>10)
		}
	}
}

// Nesting stops at MaxNesting levels, for block quotes and every list
// marker; what is deeper is text.
func TestNestingBeyondTheLimitIsText(t *testing.T) {
	for _, tc := range []struct{ marker, tag string }{
		{"> ", "<blockquote>"}, {">", "<blockquote>"}, {"- ", "<li>"}, {"* ", "<li>"}, {"+ ", "<li>"},
		{"1. ", "<li>"}, {"3) ", "<li>"}, {"-\t", "<li>"},
	} {
		out := Render(rep(tc.marker, 100) + "deep")
		if n := strings.Count(out, tc.tag); n != MaxNesting {
			t.Errorf("%q × 100: %d %s, want %d", tc.marker, n, tc.tag, MaxNesting)
		}
		if !strings.Contains(out, "deep") {
			t.Errorf("%q × 100: text lost: %.200s", tc.marker, out)
		}
		// At the limit itself nothing changes.
		src := rep(tc.marker, MaxNesting) + "deep"
		if got, want := Render(src), reference(src); got != want {
			t.Errorf("%q × %d changed:\n got %.300s\nwant %.300s", tc.marker, MaxNesting, got, want)
		}
	}
	mixed := Render(rep("> - ", 40) + "deep")
	if q, l := strings.Count(mixed, "<blockquote>"), strings.Count(mixed, "<li>"); q+l != MaxNesting {
		t.Errorf("mixed: %d quotes and %d items", q, l)
	}
	// Each line is cut on its own: a deep line does not flatten the next.
	two := Render(rep("> ", 40) + "a\n\n" + rep("> ", 3) + "b")
	if n := strings.Count(two, "<blockquote>"); n != MaxNesting+3 {
		t.Errorf("two lines: %d quotes", n)
	}
}

// "- - - …" and "* * * …" are rules, however long.
func TestThematicBreaksAreNotNesting(t *testing.T) {
	for _, src := range []string{rep("- ", 100), rep("* ", 100), rep("_ ", 100), "> " + rep("- ", 100), rep("-", 500)} {
		if got, want := Render(src), reference(src); got != want || !strings.Contains(got, "<hr") {
			t.Errorf("%.20q…: got %.200s, want %.200s", src, got, want)
		}
	}
}

// ordinary is Markdown as chats hold it, every construct the limits touch
// used well within them.
var ordinary = []string{
	"# Title\n\n**bold** _em_ ~~gone~~ ***both*** __strong__ `code` <b>html</b>\n\n> quote\n>> nested\n\n1. one\n2. two\n   - sub\n     - subsub\n",
	"- a\n  - b\n    - c\n      - d\n        - e\n          1. f\n             > g\n",
	rep("> ", 10) + "ten levels\n\n" + rep("- ", 10) + "ten items\n",
	"| n | name | ok |\n|--:|:--|:-:|\n| 1 | `x` | yes |\n| 2 | **y** |\n| 3 |\n",
	"See [the docs](https://example.com/docs \"Docs\"), [ref][r], [r] and ![img](https://example.com/i.png).\n\n[r]: https://example.com/r\n",
	strings.Repeat("A [link](https://example.com/a) and *some* _emphasis_ and ~~strike~~ and `code`. ", 12),
	"Broken [a](b c) and [x](y \"z) and [unclosed and ](nothing\n",
	"www.example.com, https://example.com/x?y=1, mail@example.com\n\n- [x] done\n- [ ] todo\n",
	"```go\nfunc main() {\n\tfmt.Println(\"hi\")\n}\n```\n\n    indented code\n\n~~~yaml\na: [1, 2]\n~~~\n",
	"Setext\n===\n\nAnd\n---\n\n* * *\n\n<div>\nblock\n</div>\n\n<!-- c -->\n\n&amp; &copy; &#123;\n",
	"*a **b** c* and **a *b* c** and _a __b__ c_ " + rep("*x* ", 50),
	"[" + rep("[", 10) + "deep" + rep("]", 10) + "](https://example.com)",
	"a ~~~www.example.com b ~~~~ c ~~x~~ d ~x~ e ***~www.example.com*** f ~~~~~a~ g __*x*__",
	"Intro\n\n[a]: https://example.com/a\n[b]: /b 'B'\n" + rep("a long paragraph line\n", maxDefinitionLines+50) + "[a] and [b]\n",
}

// Within the limits the output is exactly what goldmark gave before.
func TestBoundsKeepOrdinaryMarkdown(t *testing.T) {
	for _, src := range ordinary {
		if got, want := Render(src), reference(src); got != want {
			t.Errorf("changed:\n  in %q\n got %s\nwant %s", src, got, want)
		}
	}
}

// Links within their limits work; past them the paragraph is text, and
// the next paragraph starts afresh.
func TestLinkLimits(t *testing.T) {
	good := "[ok](https://example.com/ok)"
	within := rep("[a](b c) ", maxFailedLinks-1) + good
	if got := Render(within); !strings.Contains(got, `href="https://example.com/ok"`) {
		t.Errorf("link after %d failed ones was lost: %.300s", maxFailedLinks-1, got)
	}
	past := rep("[a](b c) ", maxFailedLinks+5) + good + "\n\n" + good
	if got := Render(past); strings.Count(got, `href="https://example.com/ok"`) != 1 {
		t.Errorf("past the limit: %.500s", got)
	}
	deep := rep("[", maxOpenBrackets) + "x" + rep("]", maxOpenBrackets) + "(https://example.com/d)"
	if got := Render(deep); !strings.Contains(got, `href="https://example.com/d"`) {
		t.Errorf("%d nested brackets: %s", maxOpenBrackets, got)
	}
}

// Link reference definitions count in the first maxDefinitionLines lines
// of a paragraph; later ones are text.
func TestReferenceDefinitionLimit(t *testing.T) {
	var b strings.Builder
	for i := range maxDefinitionLines + 10 {
		fmt.Fprintf(&b, "[d%d]: /u%d\n", i, i)
	}
	last := maxDefinitionLines + 9
	fmt.Fprintf(&b, "[d0] [d%d]\n", last)
	got := Render(b.String())
	if !strings.Contains(got, `<a href="/u0" rel="nofollow">d0</a>`) {
		t.Errorf("the first definition was lost: %.300s", got)
	}
	if strings.Contains(got, fmt.Sprintf(`href="/u%d"`, last)) || !strings.Contains(got, fmt.Sprintf("[d%d]: /u%d", last, last)) {
		t.Errorf("a definition past the limit was used, or its text lost: …%s", got[max(0, len(got)-300):])
	}
}

// A table is a table while its cells are about as many as its bytes; one
// that padding would blow up stays text.
func TestTableLimit(t *testing.T) {
	small := "|a|b|c|\n|-|-|-|\n|1|2|3|\n|4|\n"
	if got := Render(small); !strings.Contains(got, "<table>") || strings.Count(got, "<td") != 6 {
		t.Errorf("small table: %s", got)
	}
	long := "|a|b|\n|-|-|\n" + rep("x|\n", 2000) // two cells a row: fine
	if got := Render(long); strings.Count(got, "<td") != 4000 {
		t.Errorf("long table has %d cells", strings.Count(got, "<td"))
	}
	wide := rep("|a", 3000) + "\n" + rep("|-", 3000) + "\n" + rep("|b\n", 3000)
	got := Render(wide)
	if strings.Contains(got, "<table>") || len(got) > 4*len(wide) {
		t.Errorf("padded table: %d bytes of HTML for %d", len(got), len(wide))
	}
}

// Highlighting takes at most highlightTime per render, however slow the
// lexer; code with long lines is not highlighted at all; normal code is.
func TestHighlightIsBounded(t *testing.T) {
	Render(fence("yaml", "a: 1")) // compile the lexer outside the measure
	slow := []string{
		hostile["yaml lines"](64 << 10), hostile["java lines"](64 << 10),
		hostile["make lines"](64 << 10), hostile["yaml lines"](64 << 10),
	}
	var out []string
	cpu := testutil.CPUTime(t, func() { out = RenderAll(slow) })
	if limit := testutil.CPUBound(highlightTime + 500*time.Millisecond); cpu > limit {
		t.Errorf("4 slow blocks: %v CPU, more than %v", cpu, limit)
	}
	if len(out) != len(slow) || strings.Contains(out[len(out)-1], "<span") {
		t.Errorf("the budget was not spent before the last block")
	}
	long := Render(fence("yaml", rep(":", maxHighlightLine+1)))
	if strings.Contains(long, "<span") {
		t.Errorf("a line longer than %d was highlighted", maxHighlightLine)
	}
	if got := Render(fence("go", "package main\n")); !strings.Contains(got, `<span class="kn">package</span>`) {
		t.Errorf("go is not highlighted: %s", got)
	}
}

// Past the input or output limit, the source is shown as escaped text.
func TestSizeLimits(t *testing.T) {
	big := "<script>x</script> *a* " + rep("b", MaxSourceBytes)
	if got := Render(big); !strings.HasPrefix(got, "<pre>&lt;script&gt;x&lt;/script&gt; *a* b") {
		t.Errorf("too large a source: %.100s", got)
	}
	b := limitedBuffer{limit: 10}
	if n, err := b.Write([]byte("0123456789")); n != 10 || err != nil {
		t.Fatalf("write to the limit: %d, %v", n, err)
	}
	if _, err := b.Write([]byte("x")); err != errOutputLimit || b.Len() != 10 {
		t.Errorf("write past the limit: %v, %d bytes", err, b.Len())
	}
}

// FuzzRender: any input renders within a CPU bound to safe HTML no larger
// than MaxOutputBytes, and, within the limits, to what goldmark gave
// before them.
func FuzzRender(f *testing.F) {
	for _, gen := range hostile {
		f.Add(gen(2000))
	}
	for _, src := range ordinary {
		f.Add(src)
	}
	f.Fuzz(func(t *testing.T, src string) {
		var out string
		cpu := testutil.CPUTime(t, func() { out = Render(src) })
		if limit := testutil.CPUBound(time.Second); cpu > limit {
			t.Errorf("%d bytes rendered in %v CPU", len(src), cpu)
		}
		if len(out) > MaxOutputBytes {
			t.Errorf("%d bytes of HTML", len(out))
		}
		assertSafe(t, src, out)
		if withinLimits(src) {
			if want := reference(src); out != want {
				t.Errorf("changed within the limits:\n  in %q\n got %s\nwant %s", src, out, want)
			}
		}
	})
}

// withinLimits tells inputs that no limit can touch, counting generously.
// Fenced code is left out: whether it is highlighted depends on the time
// a render had.
func withinLimits(src string) bool {
	return len(src) <= 4096 && strings.Count(src, "[") < maxOpenBrackets && strings.Count(src, "](") < maxFailedLinks &&
		strings.Count(src, "*")+strings.Count(src, "_")+strings.Count(src, "~") < maxDelimiters &&
		!strings.Contains(src, "|") && !strings.Contains(src, "```") && !strings.Contains(src, "~~~") &&
		bytes.Equal(flattenNesting([]byte(src)), []byte(src))
}

var referenceMD = goldmark.New(
	goldmark.WithExtensions(
		extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
		extension.Strikethrough, extension.Linkify, extension.TaskList,
	),
	goldmark.WithRendererOptions(renderer.WithNodeRenderers(util.Prioritized(&safeRenderer{}, 1))),
)

// reference renders src with goldmark as configured before the limits.
func reference(src string) string {
	once.Do(setup)
	if strings.TrimSpace(src) == "" {
		return ""
	}
	doc := referenceMD.Parser().Parse(text.NewReader([]byte(src)))
	highlightCode(doc, []byte(src), &highlightBudget{})
	var buf bytes.Buffer
	if err := referenceMD.Renderer().Render(&buf, []byte(src), doc); err != nil {
		return plain(src)
	}
	return policy.Sanitize(buf.String())
}
