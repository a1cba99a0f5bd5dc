// =================================================================================
// Code generated and maintained by GoFrame CLI tool. DO NOT EDIT.
// =================================================================================

package entity

import (
	"github.com/gogf/gf/v2/os/gtime"
)

// Messages is the golang structure for table messages.
type Messages struct {
	Id               int64       `json:"id"               orm:"id"                description:""` //
	ConversationId   int64       `json:"conversationId"   orm:"conversation_id"   description:""` //
	Role             string      `json:"role"             orm:"role"              description:""` //
	Content          string      `json:"content"          orm:"content"           description:""` //
	Status           string      `json:"status"           orm:"status"            description:""` //
	Model            string      `json:"model"            orm:"model"             description:""` //
	PromptTokens     int64       `json:"promptTokens"     orm:"prompt_tokens"     description:""` //
	CompletionTokens int64       `json:"completionTokens" orm:"completion_tokens" description:""` //
	ReservedTokens   int64       `json:"reservedTokens"   orm:"reserved_tokens"   description:""` //
	ChargedTokens    int64       `json:"chargedTokens"    orm:"charged_tokens"    description:""` //
	Estimated        bool        `json:"estimated"        orm:"estimated"         description:""` //
	FinishReason     string      `json:"finishReason"     orm:"finish_reason"     description:""` //
	Error            string      `json:"error"            orm:"error"             description:""` //
	CreatedAt        *gtime.Time `json:"createdAt"        orm:"created_at"        description:""` //
	UpdatedAt        *gtime.Time `json:"updatedAt"        orm:"updated_at"        description:""` //
}
