package llm

import (
	"strings"
	"sync"
	"testing"

	"github.com/pkoukk/tiktoken-go"
)

func TestEncodingName(t *testing.T) {
	tests := map[string]string{
		"gpt-4o":        tiktoken.MODEL_O200K_BASE,
		"gpt-4o-mini":   tiktoken.MODEL_O200K_BASE,
		"gpt-4.1-nano":  tiktoken.MODEL_O200K_BASE,
		"o3-mini":       tiktoken.MODEL_O200K_BASE,
		"gpt-5":         tiktoken.MODEL_O200K_BASE,
		"gpt-4":         tiktoken.MODEL_CL100K_BASE,
		"gpt-3.5-turbo": tiktoken.MODEL_CL100K_BASE,
		"gptbot-dev":    tiktoken.MODEL_CL100K_BASE,
		"llama3":        tiktoken.MODEL_CL100K_BASE,
		"":              tiktoken.MODEL_CL100K_BASE,
	}
	for model, want := range tests {
		if got := encodingName(model); got != want {
			t.Errorf("encodingName(%q) = %s, want %s", model, got, want)
		}
	}
}

func TestCountText(t *testing.T) {
	// Reference values from OpenAI's tokenizer for these encodings.
	tests := []struct {
		model, text string
		want        int
	}{
		{"gpt-4", "hello world", 2},
		{"gpt-4", "tiktoken is great!", 6},
		{"gptbot-dev", "tiktoken is great!", 6},
		{"gpt-4", "", 0},
		{"gpt-4", "<|endoftext|>", 7}, // user text, not the special token
	}
	for _, tt := range tests {
		if got := CountText(tt.model, tt.text); got != tt.want {
			t.Errorf("CountText(%q, %q) = %d, want %d", tt.model, tt.text, got, tt.want)
		}
	}
}

func TestCountUsesModelEncoding(t *testing.T) {
	// o200k_base is much denser than cl100k_base on non-Latin scripts.
	const text = "Привет! Как у тебя дела сегодня? Расскажи о погоде."
	o200k, _ := tiktoken.GetEncoding(tiktoken.MODEL_O200K_BASE)
	cl100k, _ := tiktoken.GetEncoding(tiktoken.MODEL_CL100K_BASE)
	if got, want := CountText("gpt-4o", text), len(o200k.EncodeOrdinary(text)); got != want {
		t.Errorf("gpt-4o: %d tokens, o200k_base says %d", got, want)
	}
	if got, want := CountText("llama3", text), len(cl100k.EncodeOrdinary(text)); got != want {
		t.Errorf("llama3: %d tokens, cl100k_base says %d", got, want)
	}
	if CountText("gpt-4o", text) >= CountText("gpt-4", text) {
		t.Errorf("gpt-4o does not look like o200k_base")
	}
}

func TestCountMessages(t *testing.T) {
	msgs := []Message{{Role: "system", Content: "Be brief."}, {Role: "user", Content: "hello world"}}
	// 3 priming + (3 + "system" 1 + "Be brief." 3) + (3 + "user" 1 + 2)
	if got := CountMessages("gpt-4", msgs); got != 16 {
		t.Errorf("CountMessages = %d, want 16", got)
	}
	if got := CountMessages("gpt-4", nil); got != 3 {
		t.Errorf("CountMessages(nil) = %d, want 3", got)
	}
}

func TestCountConcurrent(t *testing.T) {
	want := CountText("llama3", "the same text, counted from many goroutines")
	var wg sync.WaitGroup
	for i := range 8 {
		model := []string{"llama3", "gpt-4o"}[i%2]
		wg.Go(func() {
			for range 20 {
				n := CountText(model, "the same text, counted from many goroutines")
				if model == "llama3" && n != want {
					t.Errorf("got %d, want %d", n, want)
				}
			}
		})
	}
	wg.Wait()
}

func BenchmarkCountMessages(b *testing.B) {
	msgs := []Message{
		{Role: "system", Content: "You are a helpful assistant. Answer in Markdown."},
		{Role: "user", Content: strings.Repeat("How do I reverse a slice in Go? ", 20)},
		{Role: "assistant", Content: strings.Repeat("Use slices.Reverse(s) from the standard library. ", 40)},
		{Role: "user", Content: "Thanks! And sorting?"},
	}
	CountMessages("gpt-4o", msgs) // load the encoding outside the timing
	b.ReportAllocs()
	for b.Loop() {
		CountMessages("gpt-4o", msgs)
	}
}

func TestTruncateText(t *testing.T) {
	text := "Привет, мир! Hello, world! 🎉🎉🎉"
	if got := TruncateText("gpt-4", text, 1000); got != text {
		t.Errorf("short text changed: %q", got)
	}
	n := CountText("gpt-4", text)
	for limit := 0; limit < n; limit++ {
		got := TruncateText("gpt-4", text, limit)
		if !strings.HasPrefix(text, got) || CountText("gpt-4", got) > limit {
			t.Fatalf("TruncateText(%d) = %q (%d tokens)", limit, got, CountText("gpt-4", got))
		}
	}
}

// MinPromptTokens never exceeds the real count, and is exact for the
// framing of a message whose texts are single tokens.
func TestMinPromptTokens(t *testing.T) {
	for _, model := range encodingModels {
		for i := range 20 {
			msgs := []Message{{Role: "system", Content: ordinaryText(uint64(i), i*37)},
				{Role: "user", Content: ordinaryText(uint64(i+1), i*101)}, {Role: "assistant", Content: ""}}
			if least, n := MinPromptTokens(msgs), CountMessages(model, msgs); least > n {
				t.Errorf("%s: MinPromptTokens %d > CountMessages %d", model, least, n)
			}
		}
		one := []Message{{Role: "user", Content: "hi"}}
		if least, n := MinPromptTokens(one), CountMessages(model, one); least != n {
			t.Errorf("%s: MinPromptTokens %d, CountMessages %d for one short message", model, least, n)
		}
	}
	if got := MinPromptTokens(nil); got != tokensReplyPrime {
		t.Errorf("MinPromptTokens(nil) = %d", got)
	}
}
