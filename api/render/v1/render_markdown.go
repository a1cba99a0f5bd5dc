package v1

import (
	"strconv"

	"github.com/gogf/gf/v2/frame/g"
	"github.com/gogf/gf/v2/util/gtag"

	"gptbot/internal/library/markdown"
)

// Limits of one render request. The UI batches a long history into several
// requests (of at most 256 KB); the server's body limit applies on top.
// Rendering is linear in the bytes rendered, so MaxTotalBytes bounds the
// work of a request whatever the body limit is configured to.
const (
	MaxItems      = 100
	MaxItemBytes  = markdown.MaxSourceBytes
	MaxTotalBytes = 512 << 10
)

// init names the limits for the operation's summary in /api.json.
func init() {
	gtag.Sets(map[string]string{
		"RenderMaxItems":      strconv.Itoa(MaxItems),
		"RenderMaxItemBytes":  strconv.Itoa(MaxItemBytes),
		"RenderMaxTotalBytes": strconv.Itoa(MaxTotalBytes),
	})
}

// MarkdownReq renders Markdown (model answers, history) to sanitised HTML.
// It exists so that the browser never has to trust a client-side renderer
// with untrusted model output: only this server-sanitised HTML reaches
// innerHTML.
type MarkdownReq struct {
	g.Meta `path:"/render/markdown" method:"post" tags:"Render" summary:"Render Markdown to sanitised HTML (at most {RenderMaxItems} items of {RenderMaxItemBytes} bytes, {RenderMaxTotalBytes} bytes in all)"`
	Items  []string `json:"items" v:"required#items is required" dc:"Markdown sources"`
}

// MarkdownRes holds one HTML fragment per item, in order.
type MarkdownRes struct {
	Html []string `json:"html" dc:"sanitised HTML, one per item"`
}
