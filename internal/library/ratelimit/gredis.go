package ratelimit

import (
	"errors"
	"fmt"

	"github.com/gogf/gf/v2/database/gredis"
	"github.com/redis/go-redis/v9"
)

// ClientFromGRedis returns the go-redis client behind a GoFrame redis
// instance, so the limiter shares gredis's configuration and pool:
//
//	import _ "github.com/gogf/gf/contrib/nosql/redis/v2" // registers the go-redis adapter
//	client, err := ratelimit.ClientFromGRedis(g.Redis())
//
// GoFrame exposes it as Adapter.Client(), typed `any`
// (gredis.RedisRawClient); the contrib adapter returns its
// redis.UniversalClient there (contrib/nosql/redis/v2 redis_operation.go).
func ClientFromGRedis(r *gredis.Redis) (redis.UniversalClient, error) {
	adapter := r.GetAdapter() // nil-safe on a nil *gredis.Redis
	if adapter == nil {
		return nil, errors.New("ratelimit: gredis instance has no adapter (is redis configured and contrib/nosql/redis/v2 imported?)")
	}
	client, ok := adapter.Client().(redis.UniversalClient)
	if !ok || client == nil {
		return nil, fmt.Errorf("ratelimit: gredis adapter client is %T, not a go-redis v9 UniversalClient", adapter.Client())
	}
	return client, nil
}
