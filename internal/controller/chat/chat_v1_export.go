package chat

import (
	"context"
	"fmt"

	"github.com/gogf/gf/v2/frame/g"

	"gptbot/api/chat/v1"
	"gptbot/internal/service"
)

// Export writes the file itself, as a download.
func (c *ControllerV1) Export(ctx context.Context, req *v1.ExportReq) (res *v1.ExportRes, err error) {
	f, err := service.Chat().Export(ctx, uid(ctx), req.Id, req.Format)
	if err != nil {
		return nil, err
	}
	r := g.RequestFromCtx(ctx)
	r.Response.Header().Set("Content-Type", f.ContentType)
	r.Response.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, f.Name))
	r.Response.Header().Set("Cache-Control", "no-store")
	r.Response.Write(f.Body)
	return nil, nil
}
