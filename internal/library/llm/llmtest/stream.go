package llmtest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/sashabaranov/go-openai"

	"gptbot/internal/library/llm/openaiwire"
)

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

func (e *sseWriter) send(choices []openaiwire.ChunkChoice, u *openaiwire.Usage) {
	b, _ := json.Marshal(openaiwire.Chunk{ID: "chatcmpl-llmtest", Object: "chat.completion.chunk", Created: e.at,
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
	e.send([]openaiwire.ChunkChoice{{Delta: openaiwire.Delta{Role: "assistant", Content: &empty}}}, nil)
	for _, p := range sc.Pieces {
		if !s.sleep(ctx, sc.Delay) {
			return
		}
		e.send([]openaiwire.ChunkChoice{{Delta: openaiwire.Delta{Content: &p}}}, nil)
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
	e.send([]openaiwire.ChunkChoice{{FinishReason: &fr}}, nil)
	if body.StreamOptions != nil && body.StreamOptions.IncludeUsage && !sc.NoUsage {
		p, c := sc.usage()
		u := openaiwire.NewUsage(p, c)
		e.send([]openaiwire.ChunkChoice{}, &u)
	}
	e.raw("[DONE]")
	s.sleep(ctx, sc.Linger)
}
