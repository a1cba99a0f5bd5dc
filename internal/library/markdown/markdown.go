// Package markdown turns model output into HTML that is safe to put into a
// page. Model output is untrusted input: it can contain anything a prompt
// made it say, so the pipeline is defence in depth:
//
//  1. goldmark parses GFM without its unsafe mode, and this package renders
//     raw HTML (inline and blocks) as escaped text, so "<script>" is shown,
//     never run; images become plain links (an auto-loaded image would be an
//     exfiltration channel and is blocked by the page's CSP anyway).
//  2. Code blocks are highlighted by chroma with CSS classes (the CSP forbids
//     style attributes), escaping every token.
//  3. bluemonday's UGC policy cleans the result, allowing only the classes
//     emitted here, http(s)/mailto/relative links, and no data: URLs.
//
// Model output (and anything a user sends to the render endpoint) is also
// hostile to the CPU: limits.go and bounded.go keep the parse linear in the
// input, and highlight.go bounds the time spent highlighting code.
package markdown

import (
	"regexp"
	"strings"
	"sync"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

var (
	once   sync.Once
	md     goldmark.Markdown
	policy *bluemonday.Policy
)

func setup() {
	md = goldmark.New(
		goldmark.WithParser(parser.NewParser(
			parser.WithBlockParsers(parser.DefaultBlockParsers()...),
			parser.WithInlineParsers(boundedInlineParsers()...),
			parser.WithParagraphTransformers(boundedParagraphTransformers()...),
		)),
		// GFM, spelled out: the table and strikethrough parsers are wrapped
		// in the limits of bounded.go, and the table renderer takes an
		// option (the HTML5 default aligns cells with a style attribute,
		// which the CSP blocks and the policy strips; align= survives both).
		goldmark.WithParserOptions(
			parser.WithParagraphTransformers(util.Prioritized(
				boundedTable{inner: extension.NewTableParagraphTransformer()}, 200)),
			parser.WithASTTransformers(util.Prioritized(extension.NewTableASTTransformer(), 0)),
			parser.WithInlineParsers(util.Prioritized(
				&boundedDelimiters{inner: extension.NewStrikethroughParser()}, 500)),
		),
		goldmark.WithExtensions(extension.Linkify, extension.TaskList),
		goldmark.WithRendererOptions(
			renderer.WithNodeRenderers(
				util.Prioritized(extension.NewTableHTMLRenderer(
					extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)), 500),
				util.Prioritized(extension.NewStrikethroughHTMLRenderer(), 500),
			),
			// No html.WithUnsafe: goldmark's own safe mode also blanks
			// javascript: and similar link targets.
			// Our renderers win over goldmark's (lower value = registered last).
			renderer.WithNodeRenderers(util.Prioritized(&safeRenderer{}, 1)),
		),
	)
	policy = newPolicy()
}

// languageClass is the only class allowed on <code>: the fenced block's
// language as this package normalised it.
var languageClass = regexp.MustCompile(`^language-[a-z0-9_+#.-]{1,32}$`)

func newPolicy() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.AllowAttrs("class").Matching(languageClass).OnElements("code")
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^chroma$`)).OnElements("pre")
	// One rule per element and attribute: a second one would replace it.
	p.AllowAttrs("class").Matching(spanClasses("task-done", "task-todo")).OnElements("span")
	// Links the model wrote open in a new tab without giving it window.opener.
	p.AddTargetBlankToFullyQualifiedLinks(true)
	return p
}

// Render converts Markdown to sanitised HTML. It never fails: input that
// cannot be rendered, or is larger than the limits in limits.go allow, is
// shown as escaped text. Its time and output are linear in len(src), and
// highlighting takes at most highlightTime.
func Render(src string) string {
	return render(src, &highlightBudget{})
}

// RenderAll renders each item; the render endpoint uses it. The items
// share one highlighting budget.
func RenderAll(items []string) []string {
	budget := &highlightBudget{}
	out := make([]string, len(items))
	for i, s := range items {
		out[i] = render(s, budget)
	}
	return out
}

func render(src string, budget *highlightBudget) string {
	once.Do(setup)
	if strings.TrimSpace(src) == "" {
		return ""
	}
	if len(src) > MaxSourceBytes {
		return plain(src)
	}
	source := flattenNesting([]byte(src))
	doc := md.Parser().Parse(text.NewReader(source))
	highlightCode(doc, source, budget)
	buf := limitedBuffer{limit: MaxOutputBytes}
	if err := md.Renderer().Render(&buf, source, doc); err != nil {
		return plain(src)
	}
	out := policy.SanitizeReader(&buf.Buffer)
	if out.Len() > MaxOutputBytes {
		return plain(src)
	}
	return out.String()
}

// plain is src as escaped, preformatted text.
func plain(src string) string {
	return "<pre>" + escape(src) + "</pre>"
}

func escape(s string) string {
	return string(util.EscapeHTML([]byte(s)))
}
