package llm

// TrimToWindow builds the messages to send: the system prompt (when not
// empty) followed by the newest messages of history that fit, together with
// the reply priming, in contextWindow − maxCompletion tokens. Older messages
// are dropped whole and the kept ones stay contiguous: skipping one in the
// middle would make the conversation incoherent.
//
// The newest message is always kept, even when it alone does not fit: it is
// what the user just asked, and refusing or cutting it is the caller's
// decision (check CountMessages on the result against the window).
// contextWindow <= 0 means the window is unknown: everything is kept.
// history is not modified; the result is a new slice.
func TrimToWindow(model string, system string, history []Message, contextWindow, maxCompletion int) []Message {
	out := make([]Message, 0, len(history)+1)
	if system != "" {
		out = append(out, Message{Role: "system", Content: system})
	}
	if contextWindow <= 0 || len(history) == 0 {
		return append(out, history...)
	}

	enc := encoder(model)
	budget := contextWindow - max(maxCompletion, 0) - tokensReplyPrime
	for _, m := range out {
		budget -= messageTokens(enc, m)
	}
	first := len(history) - 1 // index of the oldest kept message
	budget -= messageTokens(enc, history[first])
	for first > 0 {
		cost := messageTokens(enc, history[first-1])
		if cost > budget {
			break
		}
		budget -= cost
		first--
	}
	return append(out, history[first:]...)
}
