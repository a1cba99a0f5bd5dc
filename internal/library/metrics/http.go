package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gogf/gf/v2/net/ghttp"
)

// RouteUnmatched is the route label of every request no registered handler
// served: 404s for random paths must not each create a series.
const RouteUnmatched = "unmatched"

// HTTPMiddleware records http_requests_total, http_request_duration_seconds
// and http_requests_in_flight.
//
// Install it with s.Use(m.HTTPMiddleware), first. GoFrame registers s.Use
// middleware on the pattern "/*", which matches every path, so it also runs
// for requests that match no route and those are counted as "unmatched"
// (group middleware would only see its group's paths). Static files served
// by GoFrame's file server bypass all middleware and are not counted.
func (m *Metrics) HTTPMiddleware(r *ghttp.Request) {
	start := time.Now()
	m.httpInFlight.Inc()
	// Deferred so the request is counted even if something below panics.
	defer func() {
		m.httpInFlight.Dec()
		method, route := normaliseMethod(r.Method), routeTemplate(r)
		m.httpRequests.WithLabelValues(method, route, strconv.Itoa(finalStatus(r))).Inc()
		m.httpDuration.WithLabelValues(method, route).Observe(time.Since(start).Seconds())
	}()
	r.Middleware.Next()
}

// routeTemplate returns the pattern of the handler that serves r, e.g.
// "/api/v1/conversations/{id}". r.Router is no use here: GoFrame points it
// at whichever handler runs at the moment, so inside this middleware it is
// the middleware's own "/*". GetServeHandler is the route lookup's result,
// nil when only middleware matched (GoFrame's own metrics use it the same
// way, but fall back to the raw path).
func routeTemplate(r *ghttp.Request) string {
	if h := r.GetServeHandler(); h != nil && h.Handler != nil && h.Handler.Router != nil {
		return h.Handler.Router.Uri
	}
	return RouteUnmatched
}

// finalStatus is the status GoFrame will send. Middleware.Next sets it once
// the chain has run; when a middleware stopped the chain without writing a
// status, GoFrame's handleResponse picks one later with these same rules.
func finalStatus(r *ghttp.Request) int {
	if s := r.Response.Status; s != 0 {
		return s
	}
	switch {
	case r.Response.BufferLength() > 0:
		return http.StatusOK
	case r.GetError() != nil:
		return http.StatusInternalServerError
	default:
		return http.StatusNotFound
	}
}

// normaliseMethod maps any method outside the standard set to "OTHER":
// Go's server accepts any token as a method, and each would be a series.
func normaliseMethod(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return m
	}
	return "OTHER"
}
