package cmd

import (
	"context"
	"time"

	"github.com/gogf/gf/contrib/nosql/redis/v2"
	"github.com/gogf/gf/v2/errors/gerror"
	"github.com/gogf/gf/v2/frame/g"
	goredis "github.com/redis/go-redis/v9"

	"gptbot/internal/config"
	"gptbot/internal/consts"
	"gptbot/internal/library/clientip"
	"gptbot/internal/library/llm"
	"gptbot/internal/library/metrics"
	"gptbot/internal/library/passwordguard"
	"gptbot/internal/library/ratelimit"
	"gptbot/internal/library/sessionstore"
	"gptbot/internal/logic/admin"
	"gptbot/internal/logic/chat"
	"gptbot/internal/logic/quota"
	"gptbot/internal/logic/session"
	"gptbot/internal/logic/user"
	"gptbot/internal/middleware"
	"gptbot/internal/service"
)

// app is what gptbot is built from; wire builds it.
type app struct {
	cfg     *config.Config
	openai  *config.OpenAI
	limits  *config.Chat
	redis   goredis.UniversalClient
	store   *sessionstore.Store
	metrics *metrics.Metrics
	mw      *middleware.Middleware
	doc     *apiDoc
}

// wire builds the Redis client, the session store, the rate limiter, the
// metrics and the model client, then every service with what it depends
// on, and registers the services. Nothing here connects anywhere: the
// server and the CLI alike are wired by it.
func wire(ctx context.Context, cfg *config.Config) (*app, error) {
	oc, limits, err := config.LoadOpenAI(ctx)
	if err != nil {
		return nil, err
	}
	rdb, err := redisClient()
	if err != nil {
		return nil, err
	}
	ips, err := clientip.New(cfg.RateLimit.TrustedProxies)
	if err != nil {
		return nil, err
	}
	m := metrics.New()
	m.DeclareModels(modelIDs(oc)...)
	for name := range cfg.RateLimit.Policies {
		m.DeclarePolicies(name)
	}
	store := sessionstore.New(rdb, sessionstore.Config{
		Prefix:   cfg.Session.Prefix,
		Idle:     cfg.Session.IdleTimeout,
		Absolute: cfg.Session.AbsoluteTimeout,
	}, m.ObserveSessionOp)
	limiter := ratelimit.New(rdb, cfg.Session.Prefix+"rl:")

	service.RegisterSession(session.New(store, cfg.Session, ips))
	service.RegisterUser(user.New(cfg.Quota.NewUserTokens,
		passwordguard.New(limiter, cfg.RateLimit.Policies[config.PolicyLoginUser], m.RateLimited)))
	service.RegisterAdmin(admin.New())
	service.RegisterQuota(quota.New())
	service.RegisterChat(chat.New(oc, limits, modelClient(oc), m))

	return &app{
		cfg: cfg, openai: oc, limits: limits, redis: rdb, store: store, metrics: m, doc: &apiDoc{},
		mw: middleware.New(middleware.Deps{
			Limiter:  limiter,
			Policies: cfg.RateLimit.Policies,
			Metrics:  m,
			IPs:      ips,
			Debug:    cfg.Debug.Enabled,
		}),
	}, nil
}

// modelClient is the one client of the model provider, shared by every
// reply.
func modelClient(oc *config.OpenAI) *llm.Client {
	return llm.New(llm.Config{
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
}

// modelIDs lists the configured models' ids.
func modelIDs(oc *config.OpenAI) []string {
	ids := make([]string, 0, len(oc.Models))
	for _, m := range oc.Models {
		ids = append(ids, m.Id)
	}
	return ids
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

// redisClient returns the go-redis client behind GoFrame's redis.default
// configuration, for Lua scripts and pipelines.
func redisClient() (goredis.UniversalClient, error) {
	r := g.Redis()
	if r == nil {
		return nil, gerror.New("redis.default is not configured")
	}
	adapter, ok := r.GetAdapter().(*redis.Redis)
	if !ok {
		return nil, gerror.New("redis adapter is not the go-redis contrib")
	}
	client, ok := adapter.Client().(goredis.UniversalClient)
	if !ok {
		return nil, gerror.New("redis client is not a go-redis UniversalClient")
	}
	return client, nil
}
