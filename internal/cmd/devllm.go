package cmd

import (
	"context"
	"os/signal"
	"syscall"

	"github.com/gogf/gf/v2/frame/g"
	"github.com/gogf/gf/v2/os/gcmd"

	"gptbot/internal/library/devllm"
)

var devllmCmd = &gcmd.Command{
	Name:  "devllm",
	Usage: "gptbot devllm [--address 127.0.0.1:8081]",
	Brief: "serve the built-in offline dev model (OpenAI-compatible)",
	Description: "Serves GET /v1/models and POST /v1/chat/completions (streaming, with usage) " +
		"with deterministic canned answers, so gptbot can be tried without an API key. " +
		"gptbot uses it when neither OPENAI_API_KEY nor openai.baseURL is set " +
		"(openai.devModelURL, default http://127.0.0.1:8081/v1).",
	Arguments: []gcmd.Argument{
		{Name: "address", Short: "a", Brief: "listen address (default 127.0.0.1:8081)"},
	},
	Func: func(ctx context.Context, p *gcmd.Parser) error {
		addr := p.GetOpt("address", "127.0.0.1:8081").String()
		ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
		defer stop()
		g.Log().Infof(ctx, "offline dev model %q listening on http://%s/v1", devllm.ModelID, addr)
		return devllm.ListenAndServe(ctx, addr)
	},
}
