package devllm

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
	"unicode/utf8"
)

var tips = []string{
	"Press **Regenerate**: the dev model answers the same input the same way, which makes UI bugs easy to reproduce.",
	"Set `OPENAI_API_KEY` and restart to talk to a real model instead.",
	"Watch your token balance: every reply is charged with the usage the model reports.",
	"Open `/metrics` to see `gptbot_llm_requests_total` count this answer.",
	"Try a message with `<b>HTML</b>` in it: the answer echoes it, and the page must show it as text.",
	"Stop a reply half-way: the partial answer is kept and only what was generated is charged.",
}

// Reply is the dev model's answer to prompt, the last user message. It is a
// pure function of model and prompt, and uses the Markdown the UI must
// render: emphasis, a quote, a list, a table and a fenced code block.
// The prompt is echoed verbatim on purpose: model output is untrusted, and
// the dev model lets anyone check that the UI sanitises it.
func Reply(model, prompt string) string {
	prompt = strings.TrimSpace(prompt)
	if prompt == "" {
		return "You sent an empty message. Ask me anything: I am **" + model +
			"**, an offline development model, and I will answer with a deterministic reply."
	}
	h := fnv.New32a()
	h.Write([]byte(model + "\x00" + prompt))
	sum := h.Sum32()
	words := len(strings.Fields(prompt))
	chars := utf8.RuneCountInString(prompt)

	var b strings.Builder
	fmt.Fprintf(&b, "This is **%s**, the offline development model: no real AI was asked. "+
		"Here is a deterministic answer built from your message.\n\n", model)
	fmt.Fprintf(&b, "You wrote %d %s:\n\n", words, plural(words, "word", "words"))
	for _, line := range strings.Split(truncate(prompt, 280), "\n") {
		b.WriteString("> " + line + "\n")
	}
	b.WriteString("\nThings to try:\n\n")
	for i := range 3 {
		fmt.Fprintf(&b, "%d. %s\n", i+1, tips[(int(sum)+i)%len(tips)])
	}
	b.WriteString("\nA code block, to check highlighting:\n\n```go\npackage main\n\nimport \"fmt\"\n\nfunc main() {\n")
	fmt.Fprintf(&b, "\tfmt.Println(%s)\n}\n```\n\n", strconv.Quote(truncate(prompt, 60)))
	b.WriteString("| words | characters | fingerprint |\n|---:|---:|---|\n")
	fmt.Fprintf(&b, "| %d | %d | `%08x` |\n", words, chars, sum)
	return b.String()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// truncate cuts s to at most n runes, marking the cut.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// pieces splits s into words with their trailing whitespace, the way a model
// streams tokens; concatenated, they give s back exactly.
func pieces(s string) []string {
	var out []string
	start, inSpace := 0, false
	for i, r := range s {
		space := r == ' ' || r == '\n' || r == '\t'
		if inSpace && !space && i > 0 {
			out = append(out, s[start:i])
			start = i
		}
		inSpace = space
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}
