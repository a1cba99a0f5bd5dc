package v1

import (
	"github.com/gogf/gf/v2/frame/g"

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

// MarkdownReq renders Markdown (model answers, history) to sanitised HTML.
// It exists so that the browser never has to trust a client-side renderer
// with untrusted model output: only this server-sanitised HTML reaches
// innerHTML.
type MarkdownReq struct {
	g.Meta `path:"/render/markdown" method:"post" tags:"Render" summary:"Render Markdown to sanitised HTML (at most 100 items of 200 KB, 512 KB in all)"`
	Items  []string `json:"items" v:"required#items is required" dc:"Markdown sources"`
}

// MarkdownRes holds one HTML fragment per item, in order.
type MarkdownRes struct {
	Html []string `json:"html" dc:"sanitised HTML, one per item"`
}
