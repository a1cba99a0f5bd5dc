package chat

import "gptbot/internal/library/metrics"

// Bounds of plausible usage as the provider reports it. A compatible
// server's tokenizer counts differently from ours and its chat template
// adds tokens, hence a factor and a slack; beyond them the figures come
// from a broken or hostile upstream, and the offline count is charged.
const (
	usageFactor = 2   // another tokenizer counts at most this many times more, or fewer, tokens
	usageSlack  = 256 // tokens a chat template or a server-side system prompt may add
	// completionSlack is how far past the max_tokens asked for a server may
	// count (some count the end-of-turn token).
	completionSlack = 16
)

// checkUsage says why reported usage cannot be right, "" when it can. prompt
// and completion are as reported; sent is our count of the prompt sent,
// limit the max_tokens asked for, produced our count of the content
// received. Only the reported figures can be huge, and they are only
// compared, never added or multiplied.
func checkUsage(prompt, completion int, sent, limit, produced int64) string {
	p, c := int64(prompt), int64(completion)
	switch {
	case p < 0 || c < 0:
		return metrics.UsageNegative
	case p > sent*usageFactor+usageSlack:
		return metrics.UsagePromptAboveSent
	case p < sent/usageFactor-usageSlack:
		return metrics.UsagePromptBelowSent
	case c > limit+completionSlack:
		return metrics.UsageCompletionAboveLimit
	case c < produced/usageFactor-usageSlack:
		return metrics.UsageCompletionBelowOutput
	}
	return ""
}
