package v1

import "github.com/gogf/gf/v2/frame/g"

// SessionRevokeReq ends one of the user's sessions by its handle.
type SessionRevokeReq struct {
	g.Meta `path:"/me/sessions/{handle}" method:"delete" tags:"Me" summary:"Revoke one session"`
	Handle string `json:"handle" in:"path" v:"required#handle is required"`
}

// SessionRevokeRes is empty.
type SessionRevokeRes struct{}
