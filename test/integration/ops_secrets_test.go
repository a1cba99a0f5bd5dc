package integration

import (
	"strings"
	"testing"
	"time"

	"gptbot/internal/library/llm/llmtest"
)

// With debug on or off, the log never holds a password, the API key, the
// text of a message or reply, or a raw session id.
func TestLogNeverLeaksSecretsOrMessages(t *testing.T) {
	for _, debug := range []bool{true, false} {
		t.Run(map[bool]string{true: "debug on", false: "debug off"}[debug], func(t *testing.T) {
			const (
				apiKey   = "sk-test-SECRETKEY-0123456789"
				password = "pw-SECRETPASSWORD-42"
				prompt   = "PROMPT-MARKER-xyzzy tell me a secret"
				answer   = "REPLY-MARKER-plugh"
			)
			fake := llmtest.New(t, llmtest.Reply("Sure: ", answer, " done."))
			up := newUpstream(t, fake)
			app := StartApp(t, Options{Debug: debug, Env: []string{"OPENAI_API_KEY=" + apiKey}, ExtraYAML: chatYAML(up.URL(), "")})
			c := app.Client()
			c.MustSignUp("leaky", password)
			conv := newConversation(t, c, map[string]any{})
			r := sendJSON(t, c, conv, map[string]any{"content": prompt})
			Expect(t, r, 200, "send")
			if !strings.Contains(r.Raw, answer) {
				t.Fatalf("reply: %s", r.Raw)
			}
			if got := fake.Requests(); len(got) == 0 || got[0].Header.Get("Authorization") != "Bearer "+apiKey {
				t.Fatal("the API key did not reach the upstream: the test would prove nothing")
			}
			Expect(t, c.Do("POST", "/api/v1/me/password", map[string]string{"oldPassword": password, "newPassword": password + "-new"}), 200, "password change")
			Expect(t, c.Login("leaky", "wrong-"+password), 401, "failed login")
			time.Sleep(200 * time.Millisecond)

			log := app.Log()
			if debug && !strings.Contains(log, "debug request_id=") {
				t.Fatal("debug on, but no debug lines: the test would prove nothing")
			}
			for name, secret := range map[string]string{
				"API key": apiKey, "password": password, "prompt": "PROMPT-MARKER", "reply": answer, "session id": c.SessionCookie(),
			} {
				if strings.Contains(log, secret) {
					t.Errorf("log contains the %s", name)
				}
			}
		})
	}
}
