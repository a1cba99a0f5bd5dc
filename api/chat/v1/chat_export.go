package v1

import (
	"github.com/gogf/gf/v2/frame/g"

	"gptbot/internal/model"
)

// ExportReq downloads a conversation as Markdown or as a JSON document
// (the document itself, not wrapped in the API envelope).
type ExportReq struct {
	g.Meta `path:"/conversations/{id}/export" method:"get" tags:"Chat" summary:"Export a conversation (format=md|json)"`
	Id     int64  `json:"id" in:"path" v:"integer|min:1#id must be a positive whole number|id must be a positive whole number"`
	Format string `json:"format" in:"query" d:"md" v:"in:md,json#format must be md or json"`
}

// ExportRes is written directly as a file download.
type ExportRes struct{}

// Download is the file's content types: Markdown or the JSON document.
func (ExportRes) Download() []string {
	return []string{model.ExportMarkdownType, model.ExportJSONType}
}
