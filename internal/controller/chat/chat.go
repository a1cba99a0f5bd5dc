// Package chat serves conversations, messages and the model list.
package chat

import (
	"context"
	"mime"
	"strings"

	"github.com/gogf/gf/v2/errors/gerror"
	"github.com/gogf/gf/v2/frame/g"
	"github.com/gogf/gf/v2/net/ghttp"

	"gptbot/internal/library/httperr"
	"gptbot/internal/model"
	"gptbot/internal/service"
)

// uid is the logged-in user's id (the Auth middleware guarantees one).
func uid(ctx context.Context) int64 {
	return service.User().Current(ctx).Id
}

// wantsStream is true unless the client asked for JSON: server-sent events
// are the default (no Accept, */*, text/event-stream).
func wantsStream(r *ghttp.Request) bool {
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

// reply runs a reply (Send or Regenerate) and answers it in the form the
// client asked for: streamed, in which case the returned reply is nil and
// the stream carries the outcome, or as one JSON reply. A reply refused
// before it began is an error either way.
func reply(ctx context.Context, run func(out model.ReplyEmitter) error) (*model.ChatReply, error) {
	r := g.RequestFromCtx(ctx)
	if wantsStream(r) {
		w := newSSEWriter(r, service.Chat().KeepAliveInterval())
		err := run(w)
		w.close()
		if err != nil && !w.started {
			return nil, err
		}
		return nil, nil
	}
	var c jsonCollector
	if err := run(&c); err != nil {
		return nil, err
	}
	if c.end == nil {
		return nil, gerror.New("the reply ended without an outcome")
	}
	if err := c.end.Err; err != nil {
		httperr.SetRetryAfter(r.Response.Header(), err)
		return nil, err
	}
	return c.end.Reply, nil
}
