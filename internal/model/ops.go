package model

import (
	"gptbot/internal/library/clientip"
	"gptbot/internal/library/metrics"
	"gptbot/internal/library/ratelimit"
)

// OpsDeps is what the operations middleware (limits, debug, request ids)
// is wired with at boot.
type OpsDeps struct {
	Limiter  *ratelimit.Limiter
	Policies map[string]ratelimit.Policy
	Metrics  *metrics.Metrics
	IPs      *clientip.Resolver
	Debug    bool
}
