package llmtest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/sashabaranov/go-openai"
)

// Wire types of a chat.completion.chunk, spelled out so that the fake
// controls exactly what goes on the wire (nulls included).
type chunk struct {
	ID      string        `json:"id"`
	Object  string        `json:"object"`
	Created int64         `json:"created"`
	Model   string        `json:"model"`
	Choices []chunkChoice `json:"choices"`
	Usage   *usage        `json:"usage"`
}

type chunkChoice struct {
	Index        int     `json:"index"`
	Delta        delta   `json:"delta"`
	FinishReason *string `json:"finish_reason"`
}

type delta struct {
	Role    string  `json:"role,omitempty"`
	Content *string `json:"content,omitempty"`
}

type usage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	TotalTokens      int `json:"total_tokens"`
}

type sseWriter struct {
	w     io.Writer
	f     http.Flusher
	model string
	at    int64
}

func (e *sseWriter) raw(line string) {
	fmt.Fprintf(e.w, "data: %s\n\n", line)
	e.f.Flush()
}

func (e *sseWriter) send(choices []chunkChoice, u *usage) {
	b, _ := json.Marshal(chunk{ID: "chatcmpl-llmtest", Object: "chat.completion.chunk", Created: e.at,
		Model: e.model, Choices: choices, Usage: u})
	e.raw(string(b))
}

func (s *Server) stream(w http.ResponseWriter, ctx context.Context, sc Scenario, body openai.ChatCompletionRequest) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	e := &sseWriter{w: w, f: w.(http.Flusher), model: body.Model, at: time.Now().Unix()}

	// Like OpenAI: a first chunk with the role and empty content.
	empty := ""
	e.send([]chunkChoice{{Delta: delta{Role: "assistant", Content: &empty}}}, nil)
	for _, p := range sc.Pieces {
		if !s.sleep(ctx, sc.Delay) {
			return
		}
		e.send([]chunkChoice{{Delta: delta{Content: &p}}}, nil)
	}

	switch sc.End {
	case EndHang:
		s.hang(ctx)
		return
	case EndCut:
		// net/http closes the connection without the chunked terminator.
		panic(http.ErrAbortHandler)
	case EndEOF:
		return
	case EndMalformed:
		e.raw(`{"id":"chatcmpl-llmtest","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"x`)
		return
	case EndStreamError:
		b, _ := json.Marshal(errorBody("server_error", "", "The server had an error while processing your request."))
		e.raw(string(b))
		return
	}

	fr := sc.finishReason()
	e.send([]chunkChoice{{FinishReason: &fr}}, nil)
	if body.StreamOptions != nil && body.StreamOptions.IncludeUsage && !sc.NoUsage {
		p, c := sc.usage()
		e.send([]chunkChoice{}, &usage{p, c, p + c})
	}
	e.raw("[DONE]")
	s.sleep(ctx, sc.Linger)
}
