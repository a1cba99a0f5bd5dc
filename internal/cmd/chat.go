package cmd

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/gogf/gf/v2/frame/g"
	"github.com/gogf/gf/v2/net/ghttp"

	"gptbot/internal/config"
	"gptbot/internal/consts"
	"gptbot/internal/controller/admin"
	"gptbot/internal/controller/chat"
	"gptbot/internal/controller/usage"
	"gptbot/internal/library/envelope"
	"gptbot/internal/library/httperr"
	"gptbot/internal/library/llm"
	"gptbot/internal/service"
)

// setupChat configures the model client and chat services (issue: chat).
func setupChat(ctx context.Context, a *app) error {
	oc, limits, err := config.LoadOpenAI(ctx)
	if err != nil {
		return err
	}
	client := llm.New(llm.Config{
		BaseURL:             oc.BaseURL,
		APIKey:              oc.APIKey,
		ConnectTimeout:      oc.ConnectTimeout,
		FirstTokenTimeout:   oc.FirstTokenTimeout,
		TotalTimeout:        oc.TotalTimeout,
		MaxRetries:          oc.MaxRetries,
		RetryBaseDelay:      oc.RetryBaseDelay,
		RetryMaxDelay:       oc.RetryMaxDelay,
		MaxIdleConnsPerHost: oc.MaxIdleConnsPerHost,
		// ctx is the call's (a request's), not boot's: the line carries the
		// request's trace id, and names its request id.
		OnRetry: func(ctx context.Context, attempt int, err error, wait time.Duration) {
			g.Log().Warningf(ctx, "model call attempt %d failed (request %s), retrying in %s: %v",
				attempt, requestID(ctx), wait.Round(time.Millisecond), err)
		},
	})
	ids := make([]string, 0, len(oc.Models))
	for _, m := range oc.Models {
		ids = append(ids, m.Id)
	}
	a.metrics.DeclareModels(ids...)
	service.Chat().Configure(oc, limits, client, a.metrics)
	prepareShutdown(g.Server(), limits.ShutdownGrace)
	// Building a tokenizer takes a good fraction of a second: do it now,
	// not in the first user's request.
	go func() {
		for _, id := range ids {
			llm.CountText(id, "warm up")
		}
	}()

	if oc.DevModel {
		g.Log().Warningf(ctx, "OFFLINE DEV MODEL IN USE: neither OPENAI_API_KEY nor openai.baseURL is set, "+
			"so chats go to the built-in dev model at %s (start it with `gptbot devllm`); "+
			"its answers are canned, not written by a real AI", oc.SafeBaseURL())
	} else {
		key := "not set"
		if oc.APIKey != "" {
			key = "set" // never the key itself
		}
		g.Log().Infof(ctx, "model provider %s (API key %s), models %v, default %s",
			oc.SafeBaseURL(), key, ids, oc.DefaultModel)
	}
	// Settle what stopped processes and failed settlements left reserved:
	// now, and every chat.settleInterval for as long as the server runs.
	// A failure is no reason not to serve: the next pass tries again.
	if _, err := service.Chat().SettleStale(ctx); err != nil {
		g.Log().Warningf(ctx, "chat: settling open reservations: %v", err)
	}
	go service.Chat().KeepSettling(ctx)
	return nil
}

// chatRoutes binds the chat, usage and admin API inside the logged-in group.
func (a *app) chatRoutes(group *ghttp.RouterGroup) {
	group.Group("/", func(group *ghttp.RouterGroup) {
		group.Middleware(service.Middleware().Body, limitReplies)
		group.Bind(chat.NewV1(), usage.NewV1())
	})
	group.Group("/", func(group *ghttp.RouterGroup) {
		group.Middleware(service.Middleware().Admin, service.Middleware().Body)
		group.Bind(admin.NewV1())
	})
}

// limitReplies guards the routes that call the model (sending a message,
// regenerating a reply): during a shutdown they are refused with 503 and
// Retry-After (before the rate limit spends anything), and an admitted one
// is waited for; then the chat rate-limit policy (per user) applies.
func limitReplies(r *ghttp.Request) {
	route := ""
	if h := r.GetServeHandler(); h != nil && h.Handler != nil && h.Handler.Router != nil {
		route = h.Handler.Router.Uri // the matched template, not the middleware's own
	}
	if r.Method != http.MethodPost ||
		!(strings.HasSuffix(route, "/messages") || strings.HasSuffix(route, "/regenerate")) {
		r.Middleware.Next()
		return
	}
	done, err := service.Chat().Admit(r.Context())
	if err != nil {
		// Answered here, not through r.SetError: a refusal during a
		// shutdown is expected, not a fault to log with its stack.
		status, message, _ := httperr.Resolve(err)
		envelope.Error(r, status, message)
		return
	}
	defer done()
	service.Ops().LimitChat(r)
}

// requestID is the id the request was answered with in X-Request-Id, "-"
// outside a request. It comes from the context, not the response headers:
// a stream's keep-alive may be writing those meanwhile.
func requestID(ctx context.Context) string {
	if id, ok := ctx.Value(consts.CtxRequestID).(string); ok && id != "" {
		return id
	}
	return "-"
}
