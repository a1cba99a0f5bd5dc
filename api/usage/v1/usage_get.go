package v1

import (
	"github.com/gogf/gf/v2/frame/g"

	"gptbot/internal/model"
)

// GetReq returns the user's token usage per day.
type GetReq struct {
	g.Meta `path:"/usage" method:"get" tags:"Usage" summary:"My token usage per day"`
	Days   int `json:"days" in:"query" d:"30" v:"integer|between:1,365#days must be a whole number|days must be between 1 and 365"`
}

// GetRes is the report.
type GetRes struct {
	*model.UsageReport
}
