package chat

import (
	"math"
	"testing"

	"gptbot/internal/library/metrics"
)

func TestCheckUsage(t *testing.T) {
	// A prompt we counted at 100 tokens, max_tokens 1024, a reply we count
	// at 40 tokens.
	const sent, limit, produced = 100, 1024, 40
	for _, tc := range []struct {
		name               string
		prompt, completion int
		sent, produced     int64
		want               string
	}{
		{"exact", 100, 40, sent, produced, ""},
		{"another tokenizer", 180, 70, sent, produced, ""},
		{"template and hidden system prompt", 2*sent + usageSlack, 40, sent, produced, ""},
		{"completion at the limit plus slack", 100, limit + completionSlack, sent, produced, ""},
		{"small figures for a small prompt", 1, 1, sent, produced, ""},
		{"reasoning tokens above the visible reply", 100, 250, sent, produced, ""},

		{"int64-max both", math.MaxInt64, math.MaxInt64, sent, produced, metrics.UsagePromptAboveSent},
		{"int64-max completion", 100, math.MaxInt64, sent, produced, metrics.UsageCompletionAboveLimit},
		{"int64-min prompt", math.MinInt64, 40, sent, produced, metrics.UsageNegative},
		{"negative prompt", -1, 40, sent, produced, metrics.UsageNegative},
		{"negative completion", 100, -40, sent, produced, metrics.UsageNegative},
		{"1e12", 1e12, 1e12, sent, produced, metrics.UsagePromptAboveSent},
		{"prompt just above the bound", 2*sent + usageSlack + 1, 40, sent, produced, metrics.UsagePromptAboveSent},
		{"completion above max_tokens", 100, limit + completionSlack + 1, sent, produced, metrics.UsageCompletionAboveLimit},
		{"zero prompt for a long one", 0, 40, 4000, produced, metrics.UsagePromptBelowSent},
		{"zero completion for a long reply", 100, 0, sent, 800, metrics.UsageCompletionBelowOutput},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := checkUsage(tc.prompt, tc.completion, tc.sent, limit, tc.produced); got != tc.want {
				t.Fatalf("checkUsage(%d, %d, sent %d, limit %d, produced %d) = %q, want %q",
					tc.prompt, tc.completion, tc.sent, limit, tc.produced, got, tc.want)
			}
		})
	}
}
