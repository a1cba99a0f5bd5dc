// =================================================================================
// Code generated and maintained by GoFrame CLI tool. DO NOT EDIT.
// =================================================================================

package entity

import (
	"github.com/gogf/gf/v2/os/gtime"
)

// UsageLedger is the golang structure for table usage_ledger.
type UsageLedger struct {
	Id               int64       `json:"id"               orm:"id"                description:""` //
	UserId           int64       `json:"userId"           orm:"user_id"           description:""` //
	Kind             string      `json:"kind"             orm:"kind"              description:""` //
	Tokens           int64       `json:"tokens"           orm:"tokens"            description:""` //
	Model            string      `json:"model"            orm:"model"             description:""` //
	PromptTokens     int64       `json:"promptTokens"     orm:"prompt_tokens"     description:""` //
	CompletionTokens int64       `json:"completionTokens" orm:"completion_tokens" description:""` //
	Estimated        bool        `json:"estimated"        orm:"estimated"         description:""` //
	MessageId        int64       `json:"messageId"        orm:"message_id"        description:""` //
	Note             string      `json:"note"             orm:"note"              description:""` //
	CreatedAt        *gtime.Time `json:"createdAt"        orm:"created_at"        description:""` //
}
