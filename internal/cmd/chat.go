package cmd

import (
	"context"

	"github.com/gogf/gf/v2/frame/g"

	"gptbot/internal/library/llm"
	"gptbot/internal/service"
)

// startChat prepares the server's replies: the tokenizers, the log line
// naming the model provider, and the settlement of what earlier processes
// left reserved.
func (a *app) startChat(ctx context.Context) {
	oc, ids := a.openai, modelIDs(a.openai)
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
}
