// ================================================================================
// Code generated and maintained by GoFrame CLI tool. DO NOT EDIT.
// You can delete these comments if you wish manually maintain this interface file.
// ================================================================================

package service

import (
	"github.com/gogf/gf/v2/net/ghttp"
)

type (
	IMiddleware interface {
		// Session attaches the request's session from its cookie.
		Session(r *ghttp.Request)
		// Auth requires a logged-in, enabled user and puts it in the context.
		Auth(r *ghttp.Request)
		// Admin requires the admin role (after Auth).
		Admin(r *ghttp.Request)
		// CrossOrigin refuses state-changing requests a browser sent from another
		// site (Go's CrossOriginProtection: Sec-Fetch-Site, then Origin vs Host).
		// Requests without those headers (curl, scripts) pass: they carry no
		// ambient browser cookies an attacker could ride on.
		CrossOrigin(r *ghttp.Request)
		// Body reads request bodies once, up front, whatever the method (GoFrame
		// binds a GET's body too): too large is 413, malformed or non-object JSON
		// is 400, fields the endpoint does not define are 400 (a typo such as
		// "passwrod" must not be silently ignored), and so is a path parameter
		// repeated in the query or body (the path alone names the object).
		Body(r *ghttp.Request)
		// SecurityHeaders sets headers every answer carries: no inline script, no
		// framing, no MIME sniffing, no full URLs leaked in Referer, and nothing
		// stored by browser or proxy caches. Almost every answer depends on who is
		// logged in (the API, errors included, the pages, exports), so no-store is
		// the default; a handler whose answer is public and revalidated, such as
		// /static/, replaces it.
		SecurityHeaders(r *ghttp.Request)
		// Response writes the envelope with the right HTTP status. GoFrame's
		// MiddlewareHandlerResponse answers 200 for errors and shows err.Error(),
		// wrapped causes included; here the status comes from the error's code and
		// only its safe message is shown, while the cause is logged once.
		Response(r *ghttp.Request)
		// NotFound answers unmatched API paths with the JSON envelope (pages and
		// other paths keep GoFrame's plain 404).
		NotFound(r *ghttp.Request)
	}
)

var (
	localMiddleware IMiddleware
)

func Middleware() IMiddleware {
	if localMiddleware == nil {
		panic("implement not found for interface IMiddleware, forgot register?")
	}
	return localMiddleware
}

func RegisterMiddleware(i IMiddleware) {
	localMiddleware = i
}
