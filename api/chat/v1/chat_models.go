package v1

import (
	"github.com/gogf/gf/v2/frame/g"

	"gptbot/internal/model"
)

// ModelsReq lists the models users may choose.
type ModelsReq struct {
	g.Meta `path:"/models" method:"get" tags:"Chat" summary:"Configured models (and whether the offline dev model is in use)"`
}

// ModelsRes is the model list.
type ModelsRes struct {
	*model.ModelList
}
