// Package ratelimit enforces request budgets shared by every gptbot instance.
//
// Decisions are made in Redis by go-redis/redis_rate (GCRA): one Lua script
// per decision reads and updates a single key using the Redis server's clock,
// so concurrent requests on many instances can never overspend a budget and
// instance clock skew does not matter.
package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
)

// Policy is a named budget: Limit requests per Period, all of which may be
// spent at once (burst == Limit), refilled evenly over Period.
//
// The json tags let the app scan config (ratelimit.policies.<name>) straight
// into a Policy with GoFrame's gconv; write Period as a string such as "1m",
// because GoFrame reads a bare number as nanoseconds.
type Policy struct {
	Name   string        `json:"name"`
	Limit  int           `json:"limit"`
	Period time.Duration `json:"period"`
}

// Validate rejects budgets the GCRA script cannot evaluate (it divides by
// both Limit and Period).
func (p Policy) Validate() error {
	if p.Name == "" {
		return errors.New("ratelimit: policy has no name")
	}
	if p.Limit <= 0 {
		return fmt.Errorf("ratelimit: policy %q: limit must be > 0, got %d", p.Name, p.Limit)
	}
	if p.Period <= 0 {
		return fmt.Errorf("ratelimit: policy %q: period must be > 0, got %s", p.Name, p.Period)
	}
	return nil
}

func (p Policy) limit() redis_rate.Limit {
	return redis_rate.Limit{Rate: p.Limit, Burst: p.Limit, Period: p.Period}
}

// Decision is the outcome of one Allow call.
type Decision struct {
	Allowed bool
	// Limit is the policy's budget (the burst size).
	Limit int
	// Remaining is how many more requests would be allowed right now.
	Remaining int
	// RetryAfter is how long until the next request would be allowed;
	// zero when this one was allowed.
	RetryAfter time.Duration
	// ResetAfter is how long until the whole budget is available again.
	ResetAfter time.Duration
}

// Limiter makes rate-limit decisions against one Redis (or cluster).
// It is safe for concurrent use.
type Limiter struct {
	client redis.UniversalClient
	rl     *redis_rate.Limiter
	prefix string
}

// New returns a Limiter on client. keyPrefix namespaces the keys (e.g.
// "gptbot:rl:"); keys.go has the layout.
func New(client redis.UniversalClient, keyPrefix string) *Limiter {
	return &Limiter{client: client, rl: redis_rate.NewLimiter(client), prefix: keyPrefix}
}

// Allow spends one request of p's budget for key.
func (l *Limiter) Allow(ctx context.Context, p Policy, key string) (Decision, error) {
	return l.AllowN(ctx, p, key, 1)
}

// AllowN spends n requests of p's budget for key, all or nothing.
func (l *Limiter) AllowN(ctx context.Context, p Policy, key string, n int) (Decision, error) {
	if err := p.Validate(); err != nil {
		return Decision{}, err
	}
	if n <= 0 {
		return Decision{}, fmt.Errorf("ratelimit: n must be > 0, got %d", n)
	}
	res, err := l.rl.AllowN(ctx, l.bucketName(p, key), p.limit(), n)
	if err != nil {
		return Decision{}, fmt.Errorf("ratelimit: policy %q: %w", p.Name, err)
	}
	d := Decision{
		Allowed:    res.Allowed > 0,
		Limit:      p.Limit,
		Remaining:  max(res.Remaining, 0),
		ResetAfter: max(res.ResetAfter, 0),
	}
	// redis_rate reports RetryAfter as -1 when allowed.
	if !d.Allowed {
		d.RetryAfter = max(res.RetryAfter, 0)
	}
	return d, nil
}

// Reset forgets everything spent of p's budget for key (tests, admin).
func (l *Limiter) Reset(ctx context.Context, p Policy, key string) error {
	if err := l.rl.Reset(ctx, l.bucketName(p, key)); err != nil {
		return fmt.Errorf("ratelimit: reset policy %q: %w", p.Name, err)
	}
	return nil
}

// Peek reports the budget left under p for key without spending any of it
// (GCRA with cost 0). Allowed means at least one whole request is left;
// when not, RetryAfter is when the next one will be.
func (l *Limiter) Peek(ctx context.Context, p Policy, key string) (Decision, error) {
	if err := p.Validate(); err != nil {
		return Decision{}, err
	}
	res, err := l.rl.AllowN(ctx, l.bucketName(p, key), p.limit(), 0)
	if err != nil {
		return Decision{}, fmt.Errorf("ratelimit: policy %q: %w", p.Name, err)
	}
	d := Decision{Limit: p.Limit, Remaining: max(res.Remaining, 0), ResetAfter: max(res.ResetAfter, 0)}
	d.Allowed = d.Remaining > 0
	if !d.Allowed {
		// The bucket is full until one emission interval has drained.
		interval := p.Period / time.Duration(p.Limit)
		d.RetryAfter = max(d.ResetAfter-time.Duration(p.Limit-1)*interval, time.Second)
	}
	return d, nil
}
