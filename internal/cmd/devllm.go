package cmd

import (
	"context"

	"github.com/gogf/gf/v2/errors/gerror"
	"github.com/gogf/gf/v2/os/gcmd"
)

var devllmCmd = &gcmd.Command{
	Name:  "devllm",
	Brief: "serve the built-in offline dev model (OpenAI-compatible)",
	Func: func(ctx context.Context, p *gcmd.Parser) error {
		return gerror.New("devllm: not implemented yet")
	},
}
