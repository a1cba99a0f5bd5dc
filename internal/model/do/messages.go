// =================================================================================
// Code generated and maintained by GoFrame CLI tool. DO NOT EDIT.
// =================================================================================

package do

import (
	"github.com/gogf/gf/v2/frame/g"
	"github.com/gogf/gf/v2/os/gtime"
)

// Messages is the golang structure of table messages for DAO operations like Where/Data.
type Messages struct {
	g.Meta           `orm:"table:messages, do:true"`
	Id               any         //
	ConversationId   any         //
	Role             any         //
	Content          any         //
	Status           any         //
	Model            any         //
	PromptTokens     any         //
	CompletionTokens any         //
	ReservedTokens   any         //
	ChargedTokens    any         //
	Estimated        any         //
	FinishReason     any         //
	Error            any         //
	CreatedAt        *gtime.Time //
	UpdatedAt        *gtime.Time //
}
