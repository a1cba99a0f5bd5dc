package llm

import (
	"strings"
	"sync"

	"github.com/pkoukk/tiktoken-go"
	tiktoken_loader "github.com/pkoukk/tiktoken-go-loader"
)

func init() {
	// The default loader downloads the BPE ranks from the internet; the
	// offline one reads the copies embedded in the binary.
	tiktoken.SetBpeLoader(tiktoken_loader.NewOfflineLoader())
}

// How OpenAI bills current chat models' prompts: every message is wrapped in 3 tokens, and every reply is
// primed with <|start|>assistant<|message|>, 3 more.
const (
	tokensPerMessage = 3
	tokensReplyPrime = 3
)

// encodings caches one *Tiktoken per encoding name: building one sorts
// 100k–200k ranks and takes a good fraction of a second. A Tiktoken is
// read-only after construction, so sharing it between goroutines is safe.
var encodings sync.Map // encoding name -> func() *tiktoken.Tiktoken (sync.OnceValue)

func encoder(model string) *tiktoken.Tiktoken {
	name := encodingName(model)
	f, _ := encodings.LoadOrStore(name, sync.OnceValue(func() *tiktoken.Tiktoken {
		enc, err := tiktoken.GetEncoding(name)
		if err != nil {
			// Only possible if the embedded assets are broken, which the
			// tests would catch; cl100k keeps counting going meanwhile.
			enc, _ = tiktoken.GetEncoding(tiktoken.MODEL_CL100K_BASE)
		}
		return enc
	}))
	return f.(func() *tiktoken.Tiktoken)()
}

// o200kPrefixes are model families newer than tiktoken-go's table that use
// o200k_base.
var o200kPrefixes = []string{"gpt-4o", "gpt-4.1", "gpt-4.5", "gpt-5", "gpt-6", "chatgpt-4o", "o1", "o3", "o4"}

// encodingName picks the encoding for a model. Models tiktoken does not know
// (local models, "gptbot-dev") get cl100k_base: their real tokenizer is
// unknown anyway and this is the usual estimate.
func encodingName(model string) string {
	if name, ok := tiktoken.MODEL_TO_ENCODING[model]; ok {
		return name
	}
	for prefix, name := range tiktoken.MODEL_PREFIX_TO_ENCODING {
		if strings.HasPrefix(model, prefix) {
			return name
		}
	}
	for _, p := range o200kPrefixes {
		if strings.HasPrefix(model, p) {
			return tiktoken.MODEL_O200K_BASE
		}
	}
	return tiktoken.MODEL_CL100K_BASE
}

// CountText returns the number of tokens in text for model. Special-token
// text such as "<|endoftext|>" in user input is counted as ordinary text.
// Its time is linear in len(text); see maxStretch for the inputs whose
// count is an estimate. For valid UTF-8 the count never exceeds len(text):
// every token stands for at least one byte.
func CountText(model, text string) int {
	return count(encoder(model), text)
}

// CountMessages estimates the prompt tokens msgs cost, reply priming
// included, the way OpenAI bills chat prompts.
func CountMessages(model string, msgs []Message) int {
	enc := encoder(model)
	n := tokensReplyPrime
	for _, m := range msgs {
		n += messageTokens(enc, m)
	}
	return n
}

func messageTokens(enc *tiktoken.Tiktoken, m Message) int {
	return tokensPerMessage + count(enc, m.Role) + count(enc, m.Content)
}

func count(enc *tiktoken.Tiktoken, text string) int {
	n := 0
	segments(text, maxSegment, func(part string) bool {
		n += len(enc.EncodeOrdinary(part))
		return true
	})
	return n
}

// TruncateText returns the longest prefix of text that is at most maxTokens
// tokens for model, cut on a token boundary (never inside a UTF-8 rune).
// Only as much of text is encoded as the prefix needs.
func TruncateText(model, text string, maxTokens int) string {
	enc := encoder(model)
	var toks []int
	segments(text, maxSegment, func(part string) bool {
		toks = append(toks, enc.EncodeOrdinary(part)...)
		return len(toks) <= maxTokens
	})
	if len(toks) <= maxTokens {
		return text
	}
	// A token may hold half of a multi-byte rune; drop the broken tail.
	return strings.ToValidUTF8(enc.Decode(toks[:max(maxTokens, 0)]), "")
}

// MinPromptTokens is the least a prompt holding msgs can cost, whatever
// their text and encoding, without counting: the framing of each message
// and the reply priming, and a token for each non-empty text. A balance
// below it cannot pay for the prompt, so the caller can refuse before any
// counting.
func MinPromptTokens(msgs []Message) int {
	n := tokensReplyPrime
	for _, m := range msgs {
		n += tokensPerMessage + min(len(m.Role), 1) + min(len(m.Content), 1)
	}
	return n
}
