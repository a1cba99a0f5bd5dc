package ratelimit

import (
	"context"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// refundScript gives n requests back to a GCRA key that redis_rate keeps:
// the key holds the theoretical arrival time (TAT) in seconds since
// 2017-01-01 by the Redis clock, and every spent request pushed it one
// emission interval later. redis_rate itself cannot refund: a negative cost
// leaves the key untouched whenever the TAT would fall behind now, which is
// exactly the case of one request spent from a full budget.
//
// The TAT never moves before now (a refund cannot grant more than the whole
// budget), and a key whose budget is whole again is deleted.
//
// KEYS: the budget's key (bucketKey). ARGV: emission interval in seconds,
// requests to give back.
var refundScript = redis.NewScript(`
local give_back = tonumber(ARGV[1]) * tonumber(ARGV[2])
local tat = redis.call("GET", KEYS[1])
if not tat then
  return 0
end
local t = redis.call("TIME")
local now = (t[1] - 1483228800) + (t[2] / 1000000)
local new_tat = tonumber(tat) - give_back
if new_tat <= now then
  redis.call("DEL", KEYS[1])
else
  redis.call("SET", KEYS[1], new_tat, "EX", math.ceil(new_tat - now))
end
return 1
`)

// Refund gives back n requests of p's budget for key that an earlier Allow
// spent: the way to spend before an action (so that a burst can never do
// more than the budget) and count only the actions that turned out to
// deserve it.
func (l *Limiter) Refund(ctx context.Context, p Policy, key string, n int) error {
	if err := p.Validate(); err != nil {
		return err
	}
	if n <= 0 {
		return fmt.Errorf("ratelimit: refund must be > 0, got %d", n)
	}
	interval := p.Period.Seconds() / float64(p.Limit)
	if err := refundScript.Run(ctx, l.client, []string{l.bucketKey(p, key)}, interval, n).Err(); err != nil {
		return fmt.Errorf("ratelimit: refund policy %q: %w", p.Name, err)
	}
	return nil
}
