package render

import (
	"context"
	"fmt"

	"gptbot/api/render/v1"
	"gptbot/internal/library/httperr"
	"gptbot/internal/library/markdown"
)

// Markdown renders each item with the sanitising renderer. The limits are
// checked here because gvalid's length rules count a slice's JSON text,
// not its items.
func (c *ControllerV1) Markdown(ctx context.Context, req *v1.MarkdownReq) (res *v1.MarkdownRes, err error) {
	if len(req.Items) > v1.MaxItems {
		return nil, httperr.New(httperr.BadRequest, fmt.Sprintf("items: at most %d per request", v1.MaxItems))
	}
	total := 0
	for i, s := range req.Items {
		if len(s) > v1.MaxItemBytes {
			return nil, httperr.New(httperr.BadRequest, fmt.Sprintf("items[%d]: larger than %d KB", i, v1.MaxItemBytes>>10))
		}
		total += len(s)
	}
	if total > v1.MaxTotalBytes {
		return nil, httperr.New(httperr.TooLarge, fmt.Sprintf("items: more than %d KB in all", v1.MaxTotalBytes>>10))
	}
	return &v1.MarkdownRes{Html: markdown.RenderAll(req.Items)}, nil
}
