package llm

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"gptbot/internal/testutil"
)

// The models of every encoding tiktoken-go knows.
var encodingModels = []string{"gpt-4o", "gpt-4", "text-davinci-003", "davinci"}

// ordinaryText is text of every kind a chat holds, long enough to be
// encoded in many segments.
func ordinaryText(seed uint64, size int) string {
	words := []string{
		"The", "quick", "brown", "fox", "don't", "it's", "we'll", "HTTPServer", "naïve", "cafe\u0301",
		"Привет,", "мир!", "你好，世界。", "日本語のテキスト、句読点つき。", "😀", "👍🏽", "🎉!",
		"https://example.com/path?q=1&r=two#frag", "user@example.com", "3.14159", "1,000,000", "2024-05-01",
		"func main() {", "}", "fmt.Println(\"hi\")", "x := []int{1, 2, 3}", "if (a && b) || c {", "// comment",
		"SELECT * FROM users WHERE id = 42;", "<div class=\"x\">", "</div>", "**bold**", "`code`", "- item",
		"aGVsbG8gd29ybGQ=", "\t", "\n", "\n\n", "  ", "...", "—", "«quoted»", "$100", "50%", "C++", "O'Reilly",
		"ÀÉÎÕÜ", "ǅungla", "ΑΒΓ αβγ", "עברית", "العربية", "हिन्दी", "½", "Ⅻ", "x²",
	}
	r := rand.New(rand.NewPCG(seed, seed))
	var b strings.Builder
	for b.Len() < size {
		b.WriteString(words[r.IntN(len(words))])
		if r.IntN(4) > 0 {
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// Counting in segments gives exactly the tokens of the whole for text
// without a stretch where no piece ends (see maxStretch).
func TestCountTextIsExactOnOrdinaryText(t *testing.T) {
	for i, model := range encodingModels {
		text := ordinaryText(uint64(i), 2*maxSegment+1000)
		want := len(encoder(model).EncodeOrdinary(text))
		if got := CountText(model, text); got != want {
			t.Errorf("%s: CountText = %d, tiktoken says %d", model, got, want)
		}
		msgs := []Message{{Role: "system", Content: text[:1000]}, {Role: "user", Content: text}}
		wantMsgs := tokensReplyPrime + 2*tokensPerMessage + 2 +
			len(encoder(model).EncodeOrdinary(text[:1000])) + want
		if got := CountMessages(model, msgs); got != wantMsgs {
			t.Errorf("%s: CountMessages = %d, want %d", model, got, wantMsgs)
		}
	}
}

// Cutting anywhere segments may cut leaves the tokens unchanged: checked
// with parts far smaller than in use, so that nearly every such place is
// a cut, on ordinary text and on random strings of the characters the
// pre-tokenisers treat apart (cases, marks, contractions, numbers, spaces
// of all kinds, invalid UTF-8).
func TestSegmentsCutWherePiecesEnd(t *testing.T) {
	palette := []string{"a", "B", "z", "é", "e\u0301", "\u0301", "'", "'s", "'S", "'ll", " ", "  ", "\n", "\r\n",
		"\t", "1", "23", "456", "½", "x²", ".", ",", "!", "?", "-", "_", "/", "(", ")", "😀", "👍🏽", "漢", "。", "，",
		"Ж", "ж", "ǅ", "ʰ", "\u00a0", "\u2028", "\u3000", "<|endoftext|>", "\xff", "A", "HT", "ml", "\u200d", "ｱ", "ー"}
	r := rand.New(rand.NewPCG(1, 2))
	for i, model := range encodingModels {
		enc := encoder(model)
		for j := range 5 {
			text := ordinaryText(uint64(100*i+j), 2000)
			if err := checkSegments(enc.EncodeOrdinary, text, 1); err != nil {
				t.Fatalf("%s: %v", model, err)
			}
		}
		for range 1000 {
			var b strings.Builder
			for range r.IntN(30) {
				b.WriteString(palette[r.IntN(len(palette))])
			}
			if err := checkSegments(enc.EncodeOrdinary, b.String(), 1); err != nil {
				t.Fatalf("%s: %v", model, err)
			}
		}
	}
}

// checkSegments tells whether text cut by segments into parts of about
// size bytes reassembles to text and encodes to the same tokens.
func checkSegments(encode func(string) []int, text string, size int) error {
	var parts []string
	var toks []int
	segments(text, size, func(part string) bool {
		parts = append(parts, part)
		toks = append(toks, encode(part)...)
		return true
	})
	if strings.Join(parts, "") != text {
		return fmt.Errorf("parts %q do not make up %q", parts, text)
	}
	if want := encode(text); !slices.Equal(toks, want) {
		return fmt.Errorf("%q cut into %q: %d tokens, whole %d", text, parts, len(toks), len(want))
	}
	return nil
}

// hostileTexts are single pre-tokenised pieces of the largest message
// size: tiktoken's merge is quadratic in a piece's length.
var hostileTexts = map[string]string{
	"emoji":  strings.Repeat("😀", 32000),
	"letter": strings.Repeat("a", 128000),
	"cjk":    strings.Repeat("漢", 42000),
	"spaces": strings.Repeat(" ", 128000) + "x",
	"digits": strings.Repeat("7", 128000),
	"punct":  strings.Repeat("!#", 64000),
	"marks":  "e" + strings.Repeat("\u0301", 64000),
	"mixed":  strings.Repeat("😀a!漢 ", 12000),
}

// Counting is linear: 32,000 emoji took 13 s, twice. The count of such a
// text is an estimate, but never more than its bytes.
func TestCountTextIsLinearOnLongPieces(t *testing.T) {
	for _, model := range []string{"gpt-4o", "gpt-4"} {
		CountText(model, "warm up") // load the encoding outside the measure
		for name, text := range hostileTexts {
			var n int
			var cut string
			cpu := testutil.CPUTime(t, func() {
				n = CountText(model, text)
				if model == "gpt-4o" { // the other paths, once
					TrimToWindow(model, "", []Message{{Role: "user", Content: text}}, 1<<20, 100)
					cut = TruncateText(model, text, 1000)
				}
			})
			if limit := testutil.CPUBound(time.Second); cpu > limit {
				t.Errorf("%s %s: counted %d KB in %v CPU, more than %v", model, name, len(text)>>10, cpu, limit)
			}
			if n <= 0 || n > len(text) {
				t.Errorf("%s %s: %d tokens for %d bytes", model, name, n, len(text))
			}
			if model == "gpt-4o" && (!strings.HasPrefix(text, cut) || !utf8.ValidString(cut) || len(cut) == 0 ||
				CountText(model, cut) > 1000) {
				t.Errorf("%s %s: TruncateText to 1000 tokens gave %d bytes, %d tokens", model, name, len(cut), CountText(model, cut))
			}
		}
	}
}

// FuzzCountText: any text is counted in bounded time and to at most one
// token per byte, and the segments it is encoded in give exactly the
// tokens of the whole when no piece is cut (texts up to maxStretch bytes).
func FuzzCountText(f *testing.F) {
	for _, s := range []string{"", "hello world", "don't it's", "😀😀😀", "a  b\n\n c", "x²½Ⅻ", "cafe\u0301s",
		"你好，世界。", "HTTPServer's", "1234567.89", "'s'S'", "a'", "\t\r\n", "<|endoftext|>", "\xff\xfe"} {
		f.Add(s)
	}
	for _, text := range hostileTexts {
		f.Add(text[:min(len(text), 4000)])
	}
	enc := encoder("gpt-4o")
	f.Fuzz(func(t *testing.T, text string) {
		var n int
		cpu := testutil.CPUTime(t, func() { n = CountText("gpt-4o", text) })
		if limit := testutil.CPUBound(time.Second); cpu > limit && len(text) <= 1<<20 {
			t.Errorf("%d bytes counted in %v CPU", len(text), cpu)
		}
		if utf8.ValidString(text) && n > len(text) {
			t.Errorf("%d tokens for %d bytes", n, len(text))
		}
		if len(text) <= maxStretch {
			for _, size := range []int{1, 5, 64} {
				if err := checkSegments(enc.EncodeOrdinary, text, size); err != nil {
					t.Error(err)
				}
			}
		}
	})
}
