package llm

import (
	"fmt"
	"slices"
	"testing"
)

func history(n int) []Message {
	h := make([]Message, n)
	for i := range h {
		role := []string{"user", "assistant"}[i%2]
		h[i] = Message{Role: role, Content: fmt.Sprintf("message %d with a few words of content", i)}
	}
	return h
}

func TestTrimToWindow(t *testing.T) {
	const model, sys, maxC = "gpt-4o", "You are terse.", 100
	h := history(6)
	orig := slices.Clone(h)
	sysMsg := Message{Role: "system", Content: sys}
	// window that fits exactly the system prompt plus the last k messages
	window := func(k int) int {
		return CountMessages(model, append([]Message{sysMsg}, h[len(h)-k:]...)) + maxC
	}

	tests := []struct {
		name   string
		system string
		window int
		want   []Message
	}{
		{"unknown window keeps all", sys, 0, append([]Message{sysMsg}, h...)},
		{"large window keeps all", sys, 100000, append([]Message{sysMsg}, h...)},
		{"exact fit for 3", sys, window(3), append([]Message{sysMsg}, h[3:]...)},
		{"one token short of 3", sys, window(3) - 1, append([]Message{sysMsg}, h[4:]...)},
		{"newest kept even if too big", sys, 10, append([]Message{sysMsg}, h[5:]...)},
		{"no system prompt", "", 100000, h},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, tokens := TrimToWindow(model, tt.system, h, tt.window, maxC)
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %d messages %v\nwant %d %v", len(got), got, len(tt.want), tt.want)
			}
			if want := CountMessages(model, got); tokens != want {
				t.Errorf("returned %d tokens, CountMessages says %d", tokens, want)
			}
			if len(got) > 2 && tt.window > 0 && CountMessages(model, got)+maxC > tt.window {
				t.Errorf("result exceeds the window")
			}
		})
	}
	if !slices.Equal(h, orig) {
		t.Error("history was modified")
	}
	if got, tokens := TrimToWindow(model, sys, nil, 1000, maxC); !slices.Equal(got, []Message{sysMsg}) ||
		tokens != CountMessages(model, got) {
		t.Errorf("empty history: %v, %d tokens", got, tokens)
	}
}
