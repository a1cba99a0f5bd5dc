package devllm

import (
	"strings"
	"testing"
)

func TestPiecesRoundTrip(t *testing.T) {
	for _, s := range []string{"", "one", " lead", "a b  c\n\nd\t", Reply("m", "hello world")} {
		p := pieces(s)
		if got := strings.Join(p, ""); got != s {
			t.Errorf("pieces(%q) joined = %q", s, got)
		}
		for _, piece := range p[min(1, len(p)):] {
			if strings.TrimSpace(piece) == "" {
				t.Errorf("pieces(%q) has a whitespace-only piece after the first", s)
			}
		}
	}
}
