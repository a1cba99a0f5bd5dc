package llm

// TrimToWindow builds the messages to send: the system prompt (when not
// empty) followed by the newest messages of history that fit, together with
// the reply priming, in contextWindow − maxCompletion tokens. Older messages
// are dropped whole and the kept ones stay contiguous: skipping one in the
// middle would make the conversation incoherent. It also returns what the
// kept messages cost (CountMessages of the result): each message is
// counted once, the dropped ones beyond the first not at all.
//
// The newest message is always kept, even when it alone does not fit: it is
// what the user just asked, and refusing or cutting it is the caller's
// decision (check the returned count against the window).
// contextWindow <= 0 means the window is unknown: everything is kept.
// history is not modified; the result is a new slice.
func TrimToWindow(model string, system string, history []Message, contextWindow, maxCompletion int) ([]Message, int) {
	enc := encoder(model)
	out := make([]Message, 0, len(history)+1)
	tokens := tokensReplyPrime
	if system != "" {
		sys := Message{Role: RoleSystem, Content: system}
		out = append(out, sys)
		tokens += messageTokens(enc, sys)
	}
	if len(history) == 0 {
		return out, tokens
	}
	budget := contextWindow - max(maxCompletion, 0)
	first := len(history) - 1 // index of the oldest kept message
	tokens += messageTokens(enc, history[first])
	for first > 0 {
		cost := messageTokens(enc, history[first-1])
		if contextWindow > 0 && tokens+cost > budget {
			break
		}
		tokens += cost
		first--
	}
	return append(out, history[first:]...), tokens
}
