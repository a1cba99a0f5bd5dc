package integration

import (
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"gptbot/internal/library/llm/llmtest"
)

// oaSchema is the part of an OpenAPI schema the checks read.
type oaSchema struct {
	Ref        string              `json:"$ref"`
	Type       string              `json:"type"`
	Format     string              `json:"format"`
	Properties map[string]oaSchema `json:"properties"`
	OneOf      []oaSchema          `json:"oneOf"`
}

type oaDoc struct {
	Paths map[string]map[string]struct {
		Responses map[string]struct {
			Content map[string]struct {
				Schema oaSchema `json:"schema"`
			} `json:"content"`
		} `json:"responses"`
	} `json:"paths"`
	Components struct {
		Schemas map[string]oaSchema `json:"schemas"`
	} `json:"components"`
}

// resolve follows a $ref.
func (d *oaDoc) resolve(t *testing.T, s oaSchema) oaSchema {
	t.Helper()
	if s.Ref == "" {
		return s
	}
	got, ok := d.Components.Schemas[strings.TrimPrefix(s.Ref, "#/components/schemas/")]
	if !ok {
		t.Fatalf("dangling $ref %s", s.Ref)
	}
	return got
}

func keys[V any](m map[string]V) string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}

func fetchAPIDoc(t *testing.T, c *Client) *oaDoc {
	t.Helper()
	spec := c.Do("GET", "/api.json", nil)
	for i := 0; spec.Status == 503 && i < 100; i++ {
		time.Sleep(50 * time.Millisecond)
		spec = c.Do("GET", "/api.json", nil)
	}
	if spec.Status != 200 {
		t.Fatalf("/api.json: %d", spec.Status)
	}
	var doc oaDoc
	if err := json.Unmarshal([]byte(spec.Raw), &doc); err != nil {
		t.Fatalf("/api.json: %v", err)
	}
	return &doc
}

// TestAPIDocDescribesWhatTheServerSends: /api.json shows every JSON answer
// in the {code,message,data} envelope, the reply stream of send and
// regenerate (text/event-stream, one schema per event) next to their JSON
// reply, and the export as a file download; and the fields it documents
// are the ones a real stream, a real JSON reply and a real error carry.
func TestAPIDocDescribesWhatTheServerSends(t *testing.T) {
	app, up := startChatApp(t, Options{NewUserTokens: 5000}, "")
	doc := fetchAPIDoc(t, app.Client())

	const (
		send   = "/api/v1/conversations/{id}/messages"
		regen  = "/api/v1/conversations/{id}/regenerate"
		export = "/api/v1/conversations/{id}/export"
	)
	operations := 0
	for path, ops := range doc.Paths {
		for method, op := range ops {
			ok, found := op.Responses["200"]
			if !found {
				t.Errorf("%s %s: no 200 answer", method, path)
				continue
			}
			operations++
			if path == export {
				if got := keys(ok.Content); got != "application/json; charset=utf-8,text/markdown; charset=utf-8" {
					t.Errorf("export answers %s, want the Markdown and JSON files", got)
				}
				for ct, mt := range ok.Content {
					if mt.Schema.Type != "string" || mt.Schema.Format != "binary" {
						t.Errorf("export %s: schema %+v, want a binary file, not the envelope", ct, mt.Schema)
					}
				}
				continue
			}
			want := "application/json"
			if path == send || path == regen {
				want = "application/json,text/event-stream"
			}
			if got := keys(ok.Content); got != want {
				t.Errorf("%s %s answers %s, want %s", method, path, got, want)
				continue
			}
			env := doc.resolve(t, ok.Content["application/json"].Schema)
			if keys(env.Properties) != "code,data,message" {
				t.Errorf("%s %s: JSON answer %s, want the envelope code,data,message", method, path, keys(env.Properties))
			}
		}
	}
	if operations < 20 {
		t.Fatalf("only %d operations documented", operations)
	}

	// The stream: each event's documented fields, by event name.
	documented := map[string]string{}
	for _, path := range []string{send, regen} {
		events := doc.Paths[path]["post"].Responses["200"].Content["text/event-stream"].Schema.OneOf
		names := []string{}
		for _, e := range events {
			s := doc.resolve(t, e)
			name := strings.TrimSuffix(e.Ref[strings.LastIndex(e.Ref, ".")+1:], "Event")
			names = append(names, strings.ToLower(name))
			documented[strings.ToLower(name)] = keys(s.Properties)
		}
		if got := strings.Join(names, ","); got != "start,delta,usage,done,error" {
			t.Fatalf("%s: stream events %s", path, got)
		}
	}

	// What a real server sends: a complete reply, a failed one, a JSON reply
	// and an error envelope carry exactly the documented fields.
	up.Use(llmtest.New(t, llmtest.Reply("Hello", " world").WithUsage(11, 2), llmtest.Error(400, ""),
		llmtest.Reply("again").WithUsage(11, 1)))
	c := signUp(t, app, "apidoc")
	conv := newConversation(t, c, nil)
	seen := map[string]string{}
	for i, path := range []string{streamPath(conv), strings.Replace(regen, "{id}", jsonNumber(conv), 1)} {
		body := map[string]any{"content": "hi"}
		if i == 1 {
			body = map[string]any{}
		}
		s := openSSE(t, c, path, body)
		if s.Resp.StatusCode != 200 {
			t.Fatalf("POST %s: %d", path, s.Resp.StatusCode)
		}
		for _, e := range s.All() {
			seen[e.Name] = keys(e.Data)
		}
		s.Close()
	}
	for name, fields := range seen {
		if documented[name] != fields {
			t.Errorf("event %s carries %s, documented %s", name, fields, documented[name])
		}
	}
	if keys(seen) != "delta,done,error,start,usage" {
		t.Fatalf("the streams sent %s", keys(seen))
	}

	r := sendJSON(t, c, conv, map[string]any{"content": "and JSON"})
	var data map[string]any
	if err := json.Unmarshal(r.Data, &data); err != nil {
		t.Fatalf("JSON reply %d: %v", r.Status, err)
	}
	reply := doc.resolve(t, doc.resolve(t, doc.Paths[send]["post"].Responses["200"].Content["application/json"].Schema).Properties["data"])
	if keys(data) != keys(reply.Properties) {
		t.Errorf("JSON reply carries %s, documented %s", keys(data), keys(reply.Properties))
	}
	var raw map[string]any
	errResp := c.Do("GET", "/api/v1/conversations/999999", nil)
	if err := json.Unmarshal([]byte(errResp.Raw), &raw); err != nil || keys(raw) != "code,data,message" {
		t.Errorf("error answer %s (%v), want the envelope", errResp.Raw, err)
	}
	if !slices.Contains([]int{404}, errResp.Status) {
		t.Errorf("error answer status %d", errResp.Status)
	}
}

func jsonNumber(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}
