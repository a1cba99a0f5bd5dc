package metrics

import (
	"bytes"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/gogf/gf/v2/net/ghttp"
)

func TestMetricsEndpointPassesPromtool(t *testing.T) {
	m := New()
	m.DeclareModels("gpt-4o-mini", "llama3")
	// One event per family, so promtool lints real samples of each.
	m.ObserveSessionOp("load", nil, time.Millisecond)
	m.ObserveLLMTimeToFirstToken("gpt-4o-mini", time.Second)
	m.ObserveLLMRequest("gpt-4o-mini", LLMStatusOK, 3*time.Second)
	m.AddLLMTokens("gpt-4o-mini", 10, 20)
	m.UsageRejected("gpt-4o-mini", UsagePromptAboveSent)
	defer m.LLMStreamStarted()()
	m.RateLimited("api")
	m.Login(LoginSuccess)
	base := serve(t, m)
	c := &http.Client{}
	do(t, c, "GET", base+"/api/v1/items/1", nil)
	do(t, c, "GET", base+"/nowhere", nil)

	code, body := do(t, c, "GET", base+"/metrics", nil)
	if code != 200 {
		t.Fatalf("/metrics: %d", code)
	}
	for _, fam := range allFamilies {
		if !strings.Contains(body, "\n# TYPE "+fam+" ") {
			t.Errorf("/metrics lacks family %s", fam)
		}
	}
	if !strings.Contains(body, `http_requests_total{code="200",method="GET",route="/api/v1/items/{id}"} 1`) {
		t.Errorf("/metrics lacks the item request:\n%s", grep(body, "http_requests_total"))
	}

	cmd := exec.Command(promtool(t), "check", "metrics")
	cmd.Stdin = strings.NewReader(body)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("promtool check metrics: %v\n%s", err, out.String())
	}
}

func TestHandlerBearerToken(t *testing.T) {
	m := New()
	base := startServer(t, func(s *ghttp.Server) {
		s.BindHandler("GET:/metrics", ghttp.WrapH(m.Handler("s3cret-token")))
	})
	c := &http.Client{}
	for _, tc := range []struct {
		auth string
		want int
	}{
		{"", 401},
		{"Bearer wrong", 401},
		{"Bearer s3cret-token-but-longer", 401},
		{"Bearer ", 401},
		{"Basic czNjcmV0LXRva2Vu", 401},
		{"s3cret-token", 401},
		{"Bearer s3cret-token", 200},
		{"bearer s3cret-token", 200}, // the scheme is case-insensitive
	} {
		h := map[string]string{}
		if tc.auth != "" {
			h["Authorization"] = tc.auth
		}
		code, body := do(t, c, "GET", base+"/metrics", h)
		if code != tc.want {
			t.Errorf("Authorization %q: %d, want %d", tc.auth, code, tc.want)
		}
		if code == 200 && !strings.Contains(body, "gptbot_logins_total") {
			t.Errorf("authorised scrape lacks metrics")
		}
		if code == 401 && strings.Contains(body, "gptbot_") {
			t.Errorf("unauthorised scrape leaked metrics")
		}
	}
}

func grep(s, sub string) string {
	var b strings.Builder
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}
