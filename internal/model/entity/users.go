// =================================================================================
// Code generated and maintained by GoFrame CLI tool. DO NOT EDIT.
// =================================================================================

package entity

import (
	"github.com/gogf/gf/v2/os/gtime"
)

// Users is the golang structure for table users.
type Users struct {
	Id           int64       `json:"id"           orm:"id"            description:""` //
	Username     string      `json:"username"     orm:"username"      description:""` //
	UsernameKey  string      `json:"usernameKey"  orm:"username_key"  description:""` //
	PasswordHash string      `json:"passwordHash" orm:"password_hash" description:""` //
	Role         string      `json:"role"         orm:"role"          description:""` //
	TokenBalance int64       `json:"tokenBalance" orm:"token_balance" description:""` //
	Disabled     bool        `json:"disabled"     orm:"disabled"      description:""` //
	CreatedAt    *gtime.Time `json:"createdAt"    orm:"created_at"    description:""` //
	UpdatedAt    *gtime.Time `json:"updatedAt"    orm:"updated_at"    description:""` //
}
