package metrics

import (
	"io"
	"net/http"
	"os"
	"os/exec"
	"testing"

	"github.com/gogf/gf/v2/net/ghttp"
	dto "github.com/prometheus/client_model/go"

	"gptbot/internal/testutil"
)

// startServer runs a real GoFrame server with the routes register sets up.
func startServer(t *testing.T, register func(s *ghttp.Server)) string {
	t.Helper()
	return testutil.StartServer(t, register)
}

// do sends one request and returns status and body.
func do(t *testing.T, c *http.Client, method, url string, header map[string]string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body)
}

// families gathers the registry by family name.
func families(t *testing.T, m *Metrics) map[string]*dto.MetricFamily {
	t.Helper()
	mfs, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := make(map[string]*dto.MetricFamily, len(mfs))
	for _, mf := range mfs {
		out[mf.GetName()] = mf
	}
	return out
}

// seriesCount is the number of labelled series on the registry.
func seriesCount(t *testing.T, m *Metrics) int {
	t.Helper()
	n := 0
	for _, mf := range families(t, m) {
		n += len(mf.GetMetric())
	}
	return n
}

// value returns a series' counter or gauge value, or its histogram's sample
// count; -1 when the series does not exist.
func value(t *testing.T, m *Metrics, name string, labels map[string]string) float64 {
	t.Helper()
	mf, ok := families(t, m)[name]
	if !ok {
		return -1
	}
next:
	for _, s := range mf.GetMetric() {
		if len(s.GetLabel()) != len(labels) {
			continue
		}
		for _, lp := range s.GetLabel() {
			if v, ok := labels[lp.GetName()]; !ok || v != lp.GetValue() {
				continue next
			}
		}
		switch {
		case s.Counter != nil:
			return s.GetCounter().GetValue()
		case s.Gauge != nil:
			return s.GetGauge().GetValue()
		case s.Histogram != nil:
			return float64(s.GetHistogram().GetSampleCount())
		}
	}
	return -1
}

// promtool returns the path of promtool; tests fail (never skip) without it.
func promtool(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("promtool"); err == nil {
		return p
	}
	if _, err := os.Stat("/usr/bin/promtool"); err == nil {
		return "/usr/bin/promtool"
	}
	t.Fatal("promtool is not installed (apt-get install -y prometheus)")
	return ""
}

// allFamilies lists the gptbot families by name; the tests check that
// /metrics and the Grafana dashboard cover all of them.
var allFamilies = []string{
	"http_requests_total",
	"http_request_duration_seconds",
	"http_requests_in_flight",
	"gsession_operations_total",
	"gsession_operation_duration_seconds",
	"gptbot_llm_requests_total",
	"gptbot_llm_tokens_total",
	"gptbot_llm_time_to_first_token_seconds",
	"gptbot_llm_request_duration_seconds",
	"gptbot_llm_streams_in_flight",
	"gptbot_llm_usage_rejected_total",
	"gptbot_rate_limited_total",
	"gptbot_logins_total",
}
