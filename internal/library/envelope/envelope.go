// Package envelope writes gptbot's JSON answer shape.
package envelope

import "github.com/gogf/gf/v2/net/ghttp"

// Envelope is every JSON answer: code 0 on success, else the HTTP status.
type Envelope struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Data    any    `json:"data"`
}

// OK writes a success envelope.
func OK(r *ghttp.Request, data any) {
	r.Response.WriteJson(Envelope{Code: 0, Message: "OK", Data: data})
}

// Error replaces any buffered output with an error envelope and status.
func Error(r *ghttp.Request, status int, message string) {
	r.Response.ClearBuffer()
	r.Response.Header().Set("Content-Type", "application/json")
	r.Response.WriteHeader(status)
	r.Response.WriteJson(Envelope{Code: status, Message: message, Data: nil})
}
