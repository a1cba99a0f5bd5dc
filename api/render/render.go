// =================================================================================
// Code generated and maintained by GoFrame CLI tool. DO NOT EDIT.
// =================================================================================

package render

import (
	"context"

	"gptbot/api/render/v1"
)

type IRenderV1 interface {
	Markdown(ctx context.Context, req *v1.MarkdownReq) (res *v1.MarkdownRes, err error)
}
