// =================================================================================
// Code generated and maintained by GoFrame CLI tool. DO NOT EDIT.
// =================================================================================

package entity

import (
	"github.com/gogf/gf/v2/os/gtime"
)

// Conversations is the golang structure for table conversations.
type Conversations struct {
	Id           int64       `json:"id"           orm:"id"            description:""` //
	UserId       int64       `json:"userId"       orm:"user_id"       description:""` //
	Title        string      `json:"title"        orm:"title"         description:""` //
	Model        string      `json:"model"        orm:"model"         description:""` //
	SystemPrompt string      `json:"systemPrompt" orm:"system_prompt" description:""` //
	BusyUntil    int64       `json:"busyUntil"    orm:"busy_until"    description:""` //
	CreatedAt    *gtime.Time `json:"createdAt"    orm:"created_at"    description:""` //
	UpdatedAt    *gtime.Time `json:"updatedAt"    orm:"updated_at"    description:""` //
}
