package metrics

import (
	"errors"
	"testing"
	"time"
)

func TestFamiliesMoveOnTheirEvents(t *testing.T) {
	m := New()
	m.DeclareModels("gpt-4o-mini")
	m.DeclarePolicies("chat", "login-user")

	m.ObserveSessionOp("load", nil, 2*time.Millisecond)
	m.ObserveSessionOp("save", errors.New("redis down"), time.Millisecond)
	m.ObserveLLMTimeToFirstToken("gpt-4o-mini", 300*time.Millisecond)
	m.ObserveLLMRequest("gpt-4o-mini", LLMStatusOK, 4*time.Second)
	m.ObserveLLMRequest("gpt-4o-mini", LLMStatusTimeout, 250*time.Second)
	m.AddLLMTokens("gpt-4o-mini", 120, 30)
	m.AddLLMTokens("gpt-4o-mini", 5, 0)
	done := m.LLMStreamStarted()
	m.UsageRejected("gpt-4o-mini", UsageNegative)
	m.RateLimited("chat")
	m.Login(LoginSuccess)
	m.Login(LoginFailed)
	m.Login(LoginFailed)

	for _, tc := range []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"gsession_operations_total", map[string]string{"operation": "load", "status": "ok"}, 1},
		{"gsession_operations_total", map[string]string{"operation": "save", "status": "error"}, 1},
		{"gsession_operation_duration_seconds", map[string]string{"operation": "load"}, 1},
		{"gptbot_llm_requests_total", map[string]string{"model": "gpt-4o-mini", "status": "ok"}, 1},
		{"gptbot_llm_requests_total", map[string]string{"model": "gpt-4o-mini", "status": "timeout"}, 1},
		{"gptbot_llm_requests_total", map[string]string{"model": "gpt-4o-mini", "status": "error"}, 0}, // pre-declared
		{"gptbot_llm_tokens_total", map[string]string{"model": "gpt-4o-mini", "type": "prompt"}, 125},
		{"gptbot_llm_tokens_total", map[string]string{"model": "gpt-4o-mini", "type": "completion"}, 30},
		{"gptbot_llm_time_to_first_token_seconds", map[string]string{"model": "gpt-4o-mini"}, 1},
		{"gptbot_llm_request_duration_seconds", map[string]string{"model": "gpt-4o-mini"}, 2},
		{"gptbot_llm_streams_in_flight", nil, 1},
		{"gptbot_llm_usage_rejected_total", map[string]string{"model": "gpt-4o-mini", "reason": "negative"}, 1},
		{"gptbot_llm_usage_rejected_total", map[string]string{"model": "gpt-4o-mini", "reason": "prompt_above_sent"}, 0}, // pre-declared
		{"gptbot_rate_limited_total", map[string]string{"policy": "chat"}, 1},
		{"gptbot_rate_limited_total", map[string]string{"policy": "login-user"}, 0}, // pre-declared
		{"gptbot_logins_total", map[string]string{"result": "success"}, 1},
		{"gptbot_logins_total", map[string]string{"result": "failed"}, 2},
		{"gptbot_logins_total", map[string]string{"result": "rate_limited"}, 0}, // pre-declared
	} {
		if got := value(t, m, tc.name, tc.labels); got != tc.want {
			t.Errorf("%s%v = %v, want %v", tc.name, tc.labels, got, tc.want)
		}
	}

	done()
	done() // idempotent: a double call must not drive the gauge negative
	if got := value(t, m, "gptbot_llm_streams_in_flight", nil); got != 0 {
		t.Errorf("streams in flight after done = %v", got)
	}

	// The 250 s request lands in a finite bucket: buckets reach 300 s.
	h := families(t, m)["gptbot_llm_request_duration_seconds"].GetMetric()[0].GetHistogram()
	bs := h.GetBucket()
	if top := bs[len(bs)-1]; top.GetUpperBound() != 300 || top.GetCumulativeCount() != 2 {
		t.Errorf("top bucket = %v (le %v), want le=300 holding both requests", top.GetCumulativeCount(), top.GetUpperBound())
	}
}

func TestFixedVocabulariesCannotGrow(t *testing.T) {
	m := New()
	m.DeclareModels("a")
	m.ObserveLLMRequest("attacker-chosen-model", "weird-status", time.Second)
	m.AddLLMTokens("attacker-chosen-model", 1, 1)
	m.UsageRejected("attacker-chosen-model", "weird-reason")
	m.Login("<script>")

	if got := value(t, m, "gptbot_llm_requests_total", map[string]string{"model": "other", "status": "other"}); got != 1 {
		t.Errorf("undeclared model/status not folded into other: %v", got)
	}
	if got := value(t, m, "gptbot_llm_tokens_total", map[string]string{"model": "other", "type": "prompt"}); got != 1 {
		t.Errorf("undeclared model tokens: %v", got)
	}
	if got := value(t, m, "gptbot_llm_usage_rejected_total", map[string]string{"model": "other", "reason": "other"}); got != 1 {
		t.Errorf("undeclared model/reason of rejected usage: %v", got)
	}
	if got := value(t, m, "gptbot_logins_total", map[string]string{"result": "other"}); got != 1 {
		t.Errorf("unknown login result: %v", got)
	}
}

func TestGoAndProcessCollectors(t *testing.T) {
	fs := families(t, New())
	for _, name := range []string{"go_goroutines", "go_memstats_alloc_bytes", "process_cpu_seconds_total", "process_resident_memory_bytes"} {
		if _, ok := fs[name]; !ok {
			t.Errorf("%s missing", name)
		}
	}
}

// Two instances (tests, or a second server) must not collide on a global
// registry.
func TestOwnRegistry(t *testing.T) {
	a, b := New(), New()
	a.Login(LoginSuccess)
	if got := value(t, b, "gptbot_logins_total", map[string]string{"result": "success"}); got != 0 {
		t.Fatalf("instances share state: %v", got)
	}
}
