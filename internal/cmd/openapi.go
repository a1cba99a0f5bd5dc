package cmd

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"sync/atomic"

	"github.com/gogf/gf/v2/errors/gerror"
	"github.com/gogf/gf/v2/net/ghttp"
	"github.com/gogf/gf/v2/net/goai"

	chatv1 "gptbot/api/chat/v1"
	"gptbot/internal/library/envelope"
)

// apiDoc serves /api.json. GoFrame's own endpoint (server.openapiPath)
// builds its document in Server.Start after the listener is already up and
// reads it from request goroutines without synchronisation, a data race the
// race detector reports. gptbot builds the same document from the same
// request structs once Start has returned, in the goroutine that started the
// server, and publishes the encoded bytes atomically.
type apiDoc struct {
	body atomic.Pointer[[]byte]
}

// eventStreamer is a Res whose answer is, by default, a server-sent-event
// stream; the Res itself is the application/json form.
type eventStreamer interface {
	EventStream() []chatv1.StreamEvent
}

// downloader is a Res written as a file download, not in the envelope.
type downloader interface {
	Download() (contentTypes []string)
}

const mimeEventStream = "text/event-stream"

// build documents every strict route (the api/<module>/v1 Req/Res pairs):
// JSON answers in the {code,message,data} envelope, reply streams as their
// events, downloads as files.
func (d *apiDoc) build(s *ghttp.Server) error {
	doc := goai.New()
	doc.Info.Title = "gptbot API"
	doc.Info.Version = "v1"
	doc.Config.CommonResponse = envelope.Envelope{}
	doc.Config.CommonResponseDataField = "Data"
	for _, item := range s.GetRoutes() {
		if item.Type == ghttp.HandlerTypeMiddleware || item.Type == ghttp.HandlerTypeHook ||
			item.Handler == nil || !item.Handler.Info.IsStrictRoute {
			continue
		}
		methods := []string{item.Method}
		if strings.EqualFold(item.Method, "ALL") {
			methods = ghttp.SupportedMethods()
		}
		for _, method := range methods {
			err := doc.Add(goai.AddInput{Path: item.Route, Method: method, Object: item.Handler.Info.Value.Interface()})
			if err != nil {
				return gerror.Wrapf(err, "openapi: %s %s", method, item.Route)
			}
			res := reflect.New(item.Handler.Info.Type.Out(0).Elem()).Interface()
			op := operation(doc, item.Route, method)
			if op == nil {
				continue
			}
			if es, ok := res.(eventStreamer); ok {
				if err = documentStream(doc, op, es.EventStream()); err != nil {
					return gerror.Wrapf(err, "openapi: %s %s", method, item.Route)
				}
			}
			if dl, ok := res.(downloader); ok {
				documentDownload(op, dl.Download())
			}
		}
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return gerror.Wrap(err, "openapi: encode")
	}
	d.body.Store(&b)
	return nil
}

// operation is the documented operation of method on path, nil if none.
func operation(doc *goai.OpenApiV3, path, method string) *goai.Operation {
	p, ok := doc.Paths[path]
	if !ok {
		return nil
	}
	switch strings.ToUpper(method) {
	case http.MethodGet:
		return p.Get
	case http.MethodPost:
		return p.Post
	case http.MethodPut:
		return p.Put
	case http.MethodPatch:
		return p.Patch
	case http.MethodDelete:
		return p.Delete
	}
	return nil
}

// documentStream adds the event stream to the operation's 200 answer: its
// schema is one of the event types, and its description names each
// event's `event:` line.
func documentStream(doc *goai.OpenApiV3, op *goai.Operation, events []chatv1.StreamEvent) error {
	ok, found := op.Responses["200"]
	if !found || ok.Value == nil {
		return gerror.New("no 200 response to add the event stream to")
	}
	var (
		refs  goai.SchemaRefs
		names []string
	)
	for _, e := range events {
		if err := doc.Add(goai.AddInput{Object: e.Data}); err != nil {
			return err
		}
		ref := schemaName(reflect.TypeOf(e.Data))
		refs = append(refs, goai.SchemaRef{Ref: ref})
		names = append(names, "`event: "+e.Name+"` "+ref[strings.LastIndex(ref, ".")+1:])
	}
	ok.Value.Content[mimeEventStream] = goai.MediaType{Schema: &goai.SchemaRef{Value: &goai.Schema{
		Type: goai.TypeObject,
		Description: "Server-sent events (the default answer; Accept: application/json gives the JSON reply), " +
			"each with a JSON data line: " + strings.Join(names, ", ") + ". Comment lines keep a silent stream open.",
		OneOf: refs,
	}}}
	if ok.Value.Description == "" {
		ok.Value.Description = "the reply: an event stream, or one JSON reply"
	}
	op.Responses["200"] = ok
	return nil
}

// documentDownload makes the operation's 200 answer a file of one of the
// content types.
func documentDownload(op *goai.Operation, contentTypes []string) {
	ok, found := op.Responses["200"]
	if !found || ok.Value == nil {
		return
	}
	content := goai.Content{}
	for _, ct := range contentTypes {
		content[ct] = goai.MediaType{Schema: &goai.SchemaRef{Value: &goai.Schema{Type: goai.TypeString, Format: goai.FormatBinary}}}
	}
	ok.Value.Content = content
	if ok.Value.Description == "" {
		ok.Value.Description = "a file download (Content-Disposition: attachment)"
	}
	op.Responses["200"] = ok
}

// schemaName is the name goai gives the schema of type t: its package
// path, dotted, and its name.
func schemaName(t reflect.Type) string {
	return strings.ReplaceAll(t.PkgPath(), "/", ".") + "." + t.Name()
}

func (d *apiDoc) serve(r *ghttp.Request) {
	b := d.body.Load()
	if b == nil {
		envelope.Error(r, http.StatusServiceUnavailable, "the API description is being built")
		return
	}
	r.Response.Header().Set("Content-Type", "application/json")
	r.Response.Write(*b)
}
