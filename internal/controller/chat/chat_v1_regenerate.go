package chat

import (
	"context"

	"github.com/gogf/gf/v2/errors/gcode"
	"github.com/gogf/gf/v2/errors/gerror"

	"gptbot/api/chat/v1"
)

func (c *ControllerV1) Regenerate(ctx context.Context, req *v1.RegenerateReq) (res *v1.RegenerateRes, err error) {
	return nil, gerror.NewCode(gcode.CodeNotImplemented)
}
