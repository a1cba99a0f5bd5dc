package integration

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"gptbot/internal/library/llm/llmtest"
)

// rawSequence reads a stream to its end as a sequence of event names, with
// ":" for every keep-alive comment (which must be a whole SSE block).
func rawSequence(t *testing.T, s *sseStream) []string {
	t.Helper()
	var out []string
	for {
		line, err := s.rd.ReadString('\n')
		if err != nil {
			return out
		}
		line = strings.TrimRight(line, "\r\n")
		switch {
		case line == ": keep-alive":
			if next, _ := s.rd.ReadString('\n'); next != "\n" {
				t.Errorf("keep-alive comment not followed by a blank line but %q", next)
			}
			out = append(out, ":")
		case strings.HasPrefix(line, ":"):
			t.Errorf("unexpected comment %q", line)
		case strings.HasPrefix(line, "event: "):
			out = append(out, strings.TrimPrefix(line, "event: "))
		}
	}
}

// TestSSEKeepAlive: a stream silent for chat.keepAliveInterval gets a
// comment line, so that proxies do not cut it: while waiting for the first
// token, while a failed attempt waits for its retry, and in a long pause
// between tokens; on send and regenerate alike.
func TestSSEKeepAlive(t *testing.T) {
	app, up := startChatApp(t, Options{NewUserTokens: 100000}, "chat:\n  keepAliveInterval: \"200ms\"\n")
	c := signUp(t, app, "patient")
	slow := llmtest.Reply("first", " second").WithDelay(1500 * time.Millisecond)

	// between reports whether a keep-alive came between the first event
	// called from and the next one called to.
	between := func(seq []string, from, to string) bool {
		for i, name := range seq {
			if name != from {
				continue
			}
			for _, next := range seq[i+1:] {
				switch next {
				case ":":
					return true
				case to:
					return false
				}
			}
			return false
		}
		return false
	}
	check := func(t *testing.T, seq []string, pauseBetweenTokens bool) {
		t.Helper()
		var events []string
		for _, n := range seq {
			if n != ":" {
				events = append(events, n)
			}
		}
		if got := strings.Join(events, ","); !strings.HasPrefix(got, "start,delta") || !strings.HasSuffix(got, "usage,done") {
			t.Fatalf("events %s", got)
		}
		if !between(seq, "start", "delta") {
			t.Errorf("no keep-alive before the first token: %v", seq)
		}
		if pauseBetweenTokens && !between(seq, "delta", "delta") {
			t.Errorf("no keep-alive in the pause between tokens: %v", seq)
		}
	}

	t.Run("waiting for the first token and between tokens", func(t *testing.T) {
		up.Use(llmtest.New(t, slow))
		conv := newConversation(t, c, nil)
		check(t, rawSequence(t, openSSE(t, c, streamPath(conv), map[string]any{"content": "think hard"})), true)
	})
	t.Run("waiting for a retry", func(t *testing.T) {
		up.Use(llmtest.New(t, llmtest.Error(429, "2"), llmtest.Reply("ok")))
		conv := newConversation(t, c, nil)
		check(t, rawSequence(t, openSSE(t, c, streamPath(conv), map[string]any{"content": "busy?"})), false)
	})
	t.Run("regenerate", func(t *testing.T) {
		up.Use(llmtest.New(t, llmtest.Reply("quick")))
		conv := newConversation(t, c, nil)
		Expect(t, sendJSON(t, c, conv, map[string]any{"content": "again"}), 200, "first reply")
		up.Use(llmtest.New(t, slow))
		path := fmt.Sprintf("/api/v1/conversations/%d/regenerate", conv)
		check(t, rawSequence(t, openSSE(t, c, path, map[string]any{})), true)
	})
}
