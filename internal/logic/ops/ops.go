// Package ops holds the operator-facing middleware: rate limits, request
// ids, debug logging and pprof.
package ops

import (
	"gptbot/internal/model"
	"gptbot/internal/service"
)

type sOps struct {
	deps model.OpsDeps
}

func init() {
	service.RegisterOps(New())
}

// New returns an unconfigured ops service; Configure it at boot.
func New() *sOps {
	return &sOps{}
}

// Configure wires the limiter, policies, metrics and proxy trust.
func (s *sOps) Configure(deps model.OpsDeps) {
	s.deps = deps
}
