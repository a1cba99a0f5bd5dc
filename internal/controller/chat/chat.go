// Package chat serves conversations, messages and the model list.
package chat

import (
	"context"
	"mime"
	"strings"

	"github.com/gogf/gf/v2/frame/g"

	"gptbot/internal/service"
)

// uid is the logged-in user's id (the Auth middleware guarantees one).
func uid(ctx context.Context) int64 {
	return int64(service.User().Current(ctx).Id)
}

// wantsStream is true unless the client asked for JSON: server-sent events
// are the default (no Accept, */*, text/event-stream).
func wantsStream(ctx context.Context) bool {
	r := g.RequestFromCtx(ctx)
	sse, json := false, false
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch mt {
		case "text/event-stream":
			sse = true
		case "application/json":
			json = true
		}
	}
	return sse || !json
}
