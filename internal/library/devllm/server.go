package devllm

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	"gptbot/internal/library/llm"
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
	u := usage{PromptTokens: llm.CountMessages(req.Model, msgs), CompletionTokens: llm.CountText(req.Model, text)}
	u.TotalTokens = u.PromptTokens + u.CompletionTokens
	id := fmt.Sprintf("chatcmpl-gptbotdev-%d", s.seq.Add(1))

	if !req.Stream {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(completion{
			ID: id, Object: "chat.completion", Created: time.Now().Unix(), Model: req.Model,
			Choices: []completionChoice{{Message: message{Role: "assistant", Content: text}, FinishReason: finish}},
			Usage:   u,
		})
		return
	}
	includeUsage := req.StreamOptions != nil && req.StreamOptions.IncludeUsage
	s.stream(w, r, chunk{ID: id, Object: "chat.completion.chunk", Created: time.Now().Unix(), Model: req.Model},
		text, finish, includeUsage, u)
}

// stream sends text word by word as SSE, like OpenAI: a role chunk, content
// chunks, a finish chunk, the usage chunk when asked for, then [DONE].
func (s *server) stream(w http.ResponseWriter, r *http.Request, head chunk, text, finish string, includeUsage bool, u usage) {
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
	sendChunk := func(choices []chunkChoice, u *usage) bool {
		c := head
		c.Choices, c.Usage = choices, u
		b, _ := json.Marshal(c)
		return send(string(b))
	}

	empty := ""
	if !sendChunk([]chunkChoice{{Delta: delta{Role: "assistant", Content: &empty}}}, nil) {
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
		if !sendChunk([]chunkChoice{{Delta: delta{Content: &p}}}, nil) {
			return
		}
	}
	if !sendChunk([]chunkChoice{{FinishReason: &finish}}, nil) {
		return
	}
	if includeUsage && !sendChunk([]chunkChoice{}, &u) {
		return
	}
	send("[DONE]")
}
