// Package metrics defines every Prometheus metric gptbot exports, on the
// app's own registry (never prometheus.DefaultRegisterer, so a library cannot
// slip its own series into /metrics).
//
// Every label value comes either from code (fixed vocabularies, normalised
// below) or from configuration (model ids, policy names, route templates):
// nothing a client sends can create a new series.
package metrics

import (
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Label values for gptbot_llm_requests_total{status}.
const (
	LLMStatusOK          = "ok"           // answer completed
	LLMStatusError       = "error"        // upstream error or bad response
	LLMStatusTimeout     = "timeout"      // upstream did not answer in time
	LLMStatusCancelled   = "cancelled"    // the client went away
	LLMStatusRateLimited = "rate_limited" // upstream 429 after all retries
)

// Label values for gptbot_llm_usage_rejected_total{reason}: why the usage
// a provider reported was not believed (the offline count was charged).
const (
	UsageNegative              = "negative"                // a negative figure
	UsagePromptAboveSent       = "prompt_above_sent"       // far more prompt tokens than were sent
	UsagePromptBelowSent       = "prompt_below_sent"       // far fewer prompt tokens than were sent
	UsageCompletionAboveLimit  = "completion_above_limit"  // more completion tokens than max_tokens
	UsageCompletionBelowOutput = "completion_below_output" // far fewer completion tokens than were received
)

// Label values for gptbot_logins_total{result}.
const (
	LoginSuccess     = "success"
	LoginFailed      = "failed"       // unknown user or wrong password
	LoginDisabled    = "disabled"     // account disabled by an admin
	LoginRateLimited = "rate_limited" // refused by the auth or login-user policy
	LoginError       = "error"        // a dependency failed
)

// Label values for gsession_operations_total{status}.
const (
	SessionStatusOK    = "ok"
	SessionStatusError = "error"
)

// other replaces any label value outside a fixed vocabulary.
const other = "other"

var (
	llmStatuses  = []string{LLMStatusOK, LLMStatusError, LLMStatusTimeout, LLMStatusCancelled, LLMStatusRateLimited}
	loginResults = []string{LoginSuccess, LoginFailed, LoginDisabled, LoginRateLimited, LoginError}
	usageReasons = []string{UsageNegative, UsagePromptAboveSent, UsagePromptBelowSent, UsageCompletionAboveLimit,
		UsageCompletionBelowOutput}
)

var (
	// HTTP latency includes whole SSE chat streams, hence buckets to 5 min.
	httpBuckets = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120, 300}
	// Session operations are single Redis round trips.
	sessionBuckets = []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1}
	ttftBuckets    = []float64{.1, .25, .5, 1, 2, 3, 5, 10, 20, 30, 60, 120}
	// A long completion from a slow model can take minutes.
	llmBuckets = []float64{.25, .5, 1, 2.5, 5, 10, 20, 30, 60, 90, 120, 180, 240, 300}
)

// Metrics holds gptbot's collectors and the registry they live on.
// All methods are safe for concurrent use.
type Metrics struct {
	reg *prometheus.Registry

	httpRequests *prometheus.CounterVec
	httpDuration *prometheus.HistogramVec
	httpInFlight prometheus.Gauge

	sessionOps      *prometheus.CounterVec
	sessionDuration *prometheus.HistogramVec

	llmRequests *prometheus.CounterVec
	llmTokens   *prometheus.CounterVec
	llmTTFT     *prometheus.HistogramVec
	llmDuration *prometheus.HistogramVec
	llmStreams  prometheus.Gauge
	llmRejected *prometheus.CounterVec

	rateLimited *prometheus.CounterVec
	logins      *prometheus.CounterVec

	mu     sync.RWMutex
	models map[string]bool // declared model ids; empty = accept any
}

// New registers gptbot's metrics, plus the Go and process collectors, on a
// fresh registry.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		httpRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "http_requests_total",
			Help: "HTTP requests served, by method, matched route template and status code.",
		}, []string{"method", "route", "code"}),
		httpDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "http_request_duration_seconds",
			Help:    "Time to serve an HTTP request, whole SSE streams included.",
			Buckets: httpBuckets,
		}, []string{"method", "route"}),
		httpInFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "http_requests_in_flight",
			Help: "HTTP requests being served right now.",
		}),
		sessionOps: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gsession_operations_total",
			Help: "Session store operations, by operation and status (ok|error).",
		}, []string{"operation", "status"}),
		sessionDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "gsession_operation_duration_seconds",
			Help:    "Time taken by session store operations.",
			Buckets: sessionBuckets,
		}, []string{"operation"}),
		llmRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gptbot_llm_requests_total",
			Help: "Requests to the upstream model, by model and outcome.",
		}, []string{"model", "status"}),
		llmTokens: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gptbot_llm_tokens_total",
			Help: "Tokens used, by model and type (prompt|completion).",
		}, []string{"model", "type"}),
		llmTTFT: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "gptbot_llm_time_to_first_token_seconds",
			Help:    "Time from sending a request upstream to receiving its first token.",
			Buckets: ttftBuckets,
		}, []string{"model"}),
		llmDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "gptbot_llm_request_duration_seconds",
			Help:    "Total time of an upstream model request, retries included.",
			Buckets: llmBuckets,
		}, []string{"model"}),
		llmStreams: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "gptbot_llm_streams_in_flight",
			Help: "Answers being streamed from the model right now.",
		}),
		llmRejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gptbot_llm_usage_rejected_total",
			Help: "Answers whose reported token usage was implausible and replaced by the offline count, by model and reason.",
		}, []string{"model", "reason"}),
		rateLimited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gptbot_rate_limited_total",
			Help: "Requests refused by a rate-limit policy.",
		}, []string{"policy"}),
		logins: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gptbot_logins_total",
			Help: "Login attempts, by result.",
		}, []string{"result"}),
		models: map[string]bool{},
	}
	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.httpRequests, m.httpDuration, m.httpInFlight,
		m.sessionOps, m.sessionDuration,
		m.llmRequests, m.llmTokens, m.llmTTFT, m.llmDuration, m.llmStreams, m.llmRejected,
		m.rateLimited, m.logins,
	)
	// Zero series from the start, so rate() and dashboards see a 0 rather
	// than "no data" before the first event.
	for _, r := range loginResults {
		m.logins.WithLabelValues(r)
	}
	return m
}

// Registry is the registry holding every gptbot metric (for tests or for
// registering extra collectors).
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// DeclarePolicies pre-creates gptbot_rate_limited_total for the configured
// policies, so their series read 0 rather than "no data" before a limit hits.
func (m *Metrics) DeclarePolicies(policies ...string) {
	for _, p := range policies {
		m.rateLimited.WithLabelValues(p)
	}
}

// DeclareModels tells Metrics the configured model ids and pre-creates their
// series. Once any model is declared, an undeclared id is recorded as
// "other", so a model name smuggled in a request cannot add series.
func (m *Metrics) DeclareModels(models ...string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, id := range models {
		m.models[id] = true
		for _, s := range llmStatuses {
			m.llmRequests.WithLabelValues(id, s)
		}
		m.llmTokens.WithLabelValues(id, "prompt")
		m.llmTokens.WithLabelValues(id, "completion")
		m.llmTTFT.WithLabelValues(id)
		m.llmDuration.WithLabelValues(id)
		for _, r := range usageReasons {
			m.llmRejected.WithLabelValues(id, r)
		}
	}
}

func (m *Metrics) model(id string) string {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if len(m.models) == 0 || m.models[id] {
		return id
	}
	return other
}

// ObserveSessionOp records one session store operation. op must be a
// constant from code ("load", "save", "delete", "regenerate", ...).
func (m *Metrics) ObserveSessionOp(op string, err error, d time.Duration) {
	status := SessionStatusOK
	if err != nil {
		status = SessionStatusError
	}
	m.sessionOps.WithLabelValues(op, status).Inc()
	m.sessionDuration.WithLabelValues(op).Observe(d.Seconds())
}

// ObserveLLMRequest records the end of one upstream request: its outcome
// (one of the LLMStatus constants; anything else counts as "other") and its
// total duration.
func (m *Metrics) ObserveLLMRequest(model, status string, d time.Duration) {
	model = m.model(model)
	m.llmRequests.WithLabelValues(model, oneOf(status, llmStatuses)).Inc()
	m.llmDuration.WithLabelValues(model).Observe(d.Seconds())
}

// ObserveLLMTimeToFirstToken records how long the first token took.
func (m *Metrics) ObserveLLMTimeToFirstToken(model string, d time.Duration) {
	m.llmTTFT.WithLabelValues(m.model(model)).Observe(d.Seconds())
}

// AddLLMTokens counts the tokens charged for one answer.
func (m *Metrics) AddLLMTokens(model string, prompt, completion int) {
	model = m.model(model)
	if prompt > 0 {
		m.llmTokens.WithLabelValues(model, "prompt").Add(float64(prompt))
	}
	if completion > 0 {
		m.llmTokens.WithLabelValues(model, "completion").Add(float64(completion))
	}
}

// UsageRejected counts an answer whose reported usage was not believed;
// reason is one of the Usage constants (anything else counts as "other").
func (m *Metrics) UsageRejected(model, reason string) {
	m.llmRejected.WithLabelValues(m.model(model), oneOf(reason, usageReasons)).Inc()
}

// LLMStreamStarted counts a stream in flight; call the returned function
// (once; later calls do nothing) when it ends.
func (m *Metrics) LLMStreamStarted() (done func()) {
	m.llmStreams.Inc()
	var once sync.Once
	return func() { once.Do(m.llmStreams.Dec) }
}

// RateLimited counts a request refused by policy.
func (m *Metrics) RateLimited(policy string) {
	m.rateLimited.WithLabelValues(policy).Inc()
}

// Login counts a login attempt; result is one of the Login constants
// (anything else counts as "other").
func (m *Metrics) Login(result string) {
	m.logins.WithLabelValues(oneOf(result, loginResults)).Inc()
}

func oneOf(v string, allowed []string) string {
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	return other
}
