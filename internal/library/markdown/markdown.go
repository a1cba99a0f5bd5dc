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
package markdown

import (
	"bytes"
	"regexp"
	"strings"
	"sync"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

var (
	once   sync.Once
	md     goldmark.Markdown
	policy *bluemonday.Policy
)

func setup() {
	md = goldmark.New(
		goldmark.WithExtensions(
			// GFM, spelled out so that the table can take an option: the
			// HTML5 default aligns cells with a style attribute, which the
			// CSP blocks and the policy strips; align= survives both.
			extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
			extension.Strikethrough,
			extension.Linkify,
			extension.TaskList,
		),
		goldmark.WithRendererOptions(
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
// cannot be rendered is shown as escaped text.
func Render(src string) string {
	once.Do(setup)
	if strings.TrimSpace(src) == "" {
		return ""
	}
	var buf bytes.Buffer
	if err := md.Convert([]byte(src), &buf); err != nil {
		buf.Reset()
		buf.WriteString("<pre>")
		buf.WriteString(escape(src))
		buf.WriteString("</pre>")
	}
	return policy.Sanitize(buf.String())
}

// RenderAll renders each item; the render endpoint uses it.
func RenderAll(items []string) []string {
	out := make([]string, len(items))
	for i, s := range items {
		out[i] = Render(s)
	}
	return out
}

func escape(s string) string {
	return string(util.EscapeHTML([]byte(s)))
}
