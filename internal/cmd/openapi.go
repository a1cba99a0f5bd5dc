package cmd

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync/atomic"

	"github.com/gogf/gf/v2/errors/gerror"
	"github.com/gogf/gf/v2/net/ghttp"
	"github.com/gogf/gf/v2/net/goai"

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

// build documents every strict route (the api/<module>/v1 Req/Res pairs).
func (d *apiDoc) build(s *ghttp.Server) error {
	doc := goai.New()
	doc.Info.Title = "gptbot API"
	doc.Info.Version = "v1"
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
		}
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return gerror.Wrap(err, "openapi: encode")
	}
	d.body.Store(&b)
	return nil
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
