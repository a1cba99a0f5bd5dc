package v1

import "github.com/gogf/gf/v2/frame/g"

// DeleteReq deletes a conversation and its messages. A reply being
// generated in it is stopped; what it used is still charged.
type DeleteReq struct {
	g.Meta `path:"/conversations/{id}" method:"delete" tags:"Chat" summary:"Delete a conversation"`
	Id     int64 `json:"id" in:"path" v:"integer|min:1#id must be a positive whole number|id must be a positive whole number"`
}

// DeleteRes is empty.
type DeleteRes struct{}
