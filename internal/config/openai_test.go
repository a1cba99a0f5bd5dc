package config

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/gogf/gf/v2/frame/g"
	"github.com/gogf/gf/v2/os/gcfg"

	"gptbot/internal/consts"
)

// The configured system prompt limit can only tighten what the API itself
// accepts, never loosen it.
func TestSystemPromptLimitStaysWithinTheAPIs(t *testing.T) {
	adapter, ok := g.Cfg().GetAdapter().(*gcfg.AdapterFile)
	if !ok {
		t.Fatalf("config adapter is %T", g.Cfg().GetAdapter())
	}
	t.Cleanup(adapter.ClearContent)
	load := func(limit int) error {
		adapter.SetContent(fmt.Sprintf(`openai:
  baseURL: "http://127.0.0.1:9/v1"
  models:
    - {id: "m", name: "M", contextWindow: 4096, maxCompletionTokens: 256}
chat:
  maxSystemPromptChars: %d
`, limit))
		_, _, err := LoadOpenAI(context.Background())
		return err
	}
	if err := load(consts.SystemPromptMaxLen); err != nil {
		t.Fatalf("the API's own limit refused: %v", err)
	}
	if err := load(consts.SystemPromptMaxLen + 1); err == nil || !strings.Contains(err.Error(), "maxSystemPromptChars") {
		t.Fatalf("a limit above the API's accepted: %v", err)
	}
}
