package main

import (
	_ "github.com/gogf/gf/contrib/drivers/sqlite/v2"
	_ "github.com/gogf/gf/contrib/nosql/redis/v2"
	"github.com/gogf/gf/v2/os/gctx"

	"gptbot/internal/cmd"
	_ "gptbot/internal/logic"
)

func main() {
	cmd.Main.Run(gctx.GetInitCtx())
}
