// =================================================================================
// Code generated and maintained by GoFrame CLI tool. DO NOT EDIT.
// =================================================================================

package do

import (
	"github.com/gogf/gf/v2/frame/g"
	"github.com/gogf/gf/v2/os/gtime"
)

// Conversations is the golang structure of table conversations for DAO operations like Where/Data.
type Conversations struct {
	g.Meta       `orm:"table:conversations, do:true"`
	Id           any         //
	UserId       any         //
	Title        any         //
	Model        any         //
	SystemPrompt any         //
	BusyUntil    any         //
	CreatedAt    *gtime.Time //
	UpdatedAt    *gtime.Time //
}
