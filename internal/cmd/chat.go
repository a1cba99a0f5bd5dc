package cmd

import (
	"context"

	"github.com/gogf/gf/v2/net/ghttp"
)

// setupChat configures the model client and chat services (issue: chat).
func setupChat(ctx context.Context, a *app) error {
	return nil
}

// chatRoutes binds the chat, usage and admin API inside the logged-in group.
func (a *app) chatRoutes(group *ghttp.RouterGroup) {}
