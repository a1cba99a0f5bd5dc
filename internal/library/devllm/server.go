package devllm

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	"gptbot/internal/library/llm"
	"gptbot/internal/library/llm/openaiwire"
)

type server struct {
	delay time.Duration
	seq   atomic.Uint64 // for response ids
}

func (s *server) models(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{
		"object": "list",
		"data":   []map[string]any{{"id": ModelID, "object": "model", "created": 0, "owned_by": "gptbot"}},
	})
}

func (s *server) chat(w http.ResponseWriter, r *http.Request) {
	var req chatRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	if err := dec.Decode(&req); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(w, http.StatusRequestEntityTooLarge, "request body too large")
			return
		}
		writeError(w, http.StatusBadRequest, "We could not parse the JSON body of your request: "+err.Error())
		return
	}
	switch {
	case req.Model == "":
		writeError(w, http.StatusBadRequest, "you must provide a model parameter")
		return
	case len(req.Messages) == 0:
		writeError(w, http.StatusBadRequest, "messages must not be empty")
		return
	}

	// Any model name is answered: an app configured with other names while
	// pointed at the dev model should still work in a demo.
	msgs := make([]llm.Message, len(req.Messages))
	var prompt string
	for i, m := range req.Messages {
		msgs[i] = llm.Message{Role: m.Role, Content: string(m.Content)}
		if m.Role == "user" {
			prompt = string(m.Content)
		}
	}
	text, finish := Reply(req.Model, prompt), "stop"
	limit := req.MaxCompletionTokens
	if limit == 0 {
		limit = req.MaxTokens
	}
	if limit > 0 {
		if cut := llm.TruncateText(req.Model, text, limit); cut != text {
			text, finish = cut, "length"
		}
	}
	u := openaiwire.Usage{PromptTokens: llm.CountMessages(req.Model, msgs), CompletionTokens: llm.CountText(req.Model, text)}
	u.TotalTokens = u.PromptTokens + u.CompletionTokens
	id := fmt.Sprintf("chatcmpl-gptbotdev-%d", s.seq.Add(1))

	if !req.Stream {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(openaiwire.Completion{
			ID: id, Object: "chat.completion", Created: time.Now().Unix(), Model: req.Model,
			Choices: []openaiwire.CompletionChoice{{Message: openaiwire.Message{Role: "assistant", Content: text}, FinishReason: finish}},
			Usage:   u,
		})
		return
	}
	includeUsage := req.StreamOptions != nil && req.StreamOptions.IncludeUsage
	s.stream(w, r, openaiwire.Chunk{ID: id, Object: "chat.completion.chunk", Created: time.Now().Unix(), Model: req.Model},
		text, finish, includeUsage, u)
}

// stream sends text word by word as SSE, like OpenAI: a role chunk, content
// chunks, a finish chunk, the usage chunk when asked for, then [DONE].
func (s *server) stream(w http.ResponseWriter, r *http.Request, head openaiwire.Chunk, text, finish string, includeUsage bool, u openaiwire.Usage) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Accel-Buffering", "no")
	rc := http.NewResponseController(w)
	send := func(data string) bool {
		if _, err := fmt.Fprintf(w, "data: %s\n\n", data); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	sendChunk := func(choices []openaiwire.ChunkChoice, u *openaiwire.Usage) bool {
		c := head
		c.Choices, c.Usage = choices, u
		b, _ := json.Marshal(c)
		return send(string(b))
	}

	empty := ""
	if !sendChunk([]openaiwire.ChunkChoice{{Delta: openaiwire.Delta{Role: "assistant", Content: &empty}}}, nil) {
		return
	}
	var tick *time.Ticker
	if s.delay > 0 {
		tick = time.NewTicker(s.delay)
		defer tick.Stop()
	}
	for _, p := range pieces(text) {
		if tick != nil {
			select {
			case <-tick.C:
			case <-r.Context().Done():
				return // the client went away: stop generating
			}
		}
		if !sendChunk([]openaiwire.ChunkChoice{{Delta: openaiwire.Delta{Content: &p}}}, nil) {
			return
		}
	}
	if !sendChunk([]openaiwire.ChunkChoice{{FinishReason: &finish}}, nil) {
		return
	}
	if includeUsage && !sendChunk([]openaiwire.ChunkChoice{}, &u) {
		return
	}
	send("[DONE]")
}
