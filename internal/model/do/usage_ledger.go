// =================================================================================
// Code generated and maintained by GoFrame CLI tool. DO NOT EDIT.
// =================================================================================

package do

import (
	"github.com/gogf/gf/v2/frame/g"
	"github.com/gogf/gf/v2/os/gtime"
)

// UsageLedger is the golang structure of table usage_ledger for DAO operations like Where/Data.
type UsageLedger struct {
	g.Meta           `orm:"table:usage_ledger, do:true"`
	Id               any         //
	UserId           any         //
	Kind             any         //
	Tokens           any         //
	Model            any         //
	PromptTokens     any         //
	CompletionTokens any         //
	Estimated        any         //
	MessageId        any         //
	Note             any         //
	CreatedAt        *gtime.Time //
}
