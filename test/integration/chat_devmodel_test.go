package integration

import (
	"bytes"
	"fmt"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"gptbot/internal/testutil"
)

// TestChatDevModelEndToEnd runs `gptbot devllm` and an app with neither an
// API key nor a base URL: the app must use the dev model and say so.
func TestChatDevModelEndToEnd(t *testing.T) {
	port := testutil.FreePort(t)
	var devLog bytes.Buffer
	dev := exec.Command(binary, "devllm", "--address", fmt.Sprintf("127.0.0.1:%d", port))
	dev.Stdout, dev.Stderr = &devLog, &devLog
	if err := dev.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = dev.Process.Kill(); _, _ = dev.Process.Wait() })
	devURL := fmt.Sprintf("http://127.0.0.1:%d/v1", port)
	waitFor(t, 10*time.Second, "gptbot devllm to listen", func() bool {
		resp, err := http.Get(devURL + "/models")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	})

	app := StartApp(t, Options{NewUserTokens: 50000, ExtraYAML: fmt.Sprintf("openai:\n  devModelURL: %q\n", devURL)})
	if !strings.Contains(app.Log(), "OFFLINE DEV MODEL IN USE") {
		t.Fatalf("the log does not say the dev model is in use:\n%s", app.Log())
	}
	c := signUp(t, app, "demo")
	r := c.Do("GET", "/api/v1/models", nil)
	Expect(t, r, 200, "models")
	var m struct {
		Models []struct {
			Id string `json:"id"`
		} `json:"models"`
		DefaultModel string `json:"defaultModel"`
		DevModel     bool   `json:"devModel"`
		Notice       string `json:"notice"`
	}
	mustJSON(t, r.Data, &m)
	if !m.DevModel || len(m.Models) != 1 || m.Models[0].Id != "gptbot-dev" || m.DefaultModel != "gptbot-dev" ||
		!strings.Contains(m.Notice, "dev model") {
		t.Fatalf("models: %s", r.Raw)
	}

	conv := newConversation(t, c, nil)
	evs := openSSE(t, c, streamPath(conv), map[string]any{"content": "What is <b>bold</b>?"}).All()
	if n := names(evs); !strings.HasPrefix(n, "start,delta,") || !strings.HasSuffix(n, ",usage,done") {
		t.Fatalf("events %s", n)
	}
	if text := deltas(evs); !strings.Contains(text, "offline development model") {
		t.Fatalf("reply %q", text)
	}
	u := find(t, evs, "usage")
	if u.Data["estimated"] != false || u.num("completionTokens") <= 0 || u.num("balance") != 50000-u.num("promptTokens")-u.num("completionTokens") {
		t.Fatalf("usage %s", u.Raw)
	}
	checkLedger(t, app)
}
