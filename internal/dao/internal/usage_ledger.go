// ==========================================================================
// Code generated and maintained by GoFrame CLI tool. DO NOT EDIT.
// ==========================================================================

package internal

import (
	"context"

	"github.com/gogf/gf/v2/database/gdb"
	"github.com/gogf/gf/v2/frame/g"
)

// UsageLedgerDao is the data access object for the table usage_ledger.
type UsageLedgerDao struct {
	table    string             // table is the underlying table name of the DAO.
	group    string             // group is the database configuration group name of the current DAO.
	columns  UsageLedgerColumns // columns contains all the column names of Table for convenient usage.
	handlers []gdb.ModelHandler // handlers for customized model modification.
}

// UsageLedgerColumns defines and stores column names for the table usage_ledger.
type UsageLedgerColumns struct {
	Id               string //
	UserId           string //
	Kind             string //
	Tokens           string //
	Model            string //
	PromptTokens     string //
	CompletionTokens string //
	Estimated        string //
	MessageId        string //
	Note             string //
	CreatedAt        string //
}

// usageLedgerColumns holds the columns for the table usage_ledger.
var usageLedgerColumns = UsageLedgerColumns{
	Id:               "id",
	UserId:           "user_id",
	Kind:             "kind",
	Tokens:           "tokens",
	Model:            "model",
	PromptTokens:     "prompt_tokens",
	CompletionTokens: "completion_tokens",
	Estimated:        "estimated",
	MessageId:        "message_id",
	Note:             "note",
	CreatedAt:        "created_at",
}

// NewUsageLedgerDao creates and returns a new DAO object for table data access.
func NewUsageLedgerDao(handlers ...gdb.ModelHandler) *UsageLedgerDao {
	return &UsageLedgerDao{
		group:    "default",
		table:    "usage_ledger",
		columns:  usageLedgerColumns,
		handlers: handlers,
	}
}

// DB retrieves and returns the underlying raw database management object of the current DAO.
func (dao *UsageLedgerDao) DB() gdb.DB {
	return g.DB(dao.group)
}

// Table returns the table name of the current DAO.
func (dao *UsageLedgerDao) Table() string {
	return dao.table
}

// Columns returns all column names of the current DAO.
func (dao *UsageLedgerDao) Columns() UsageLedgerColumns {
	return dao.columns
}

// Group returns the database configuration group name of the current DAO.
func (dao *UsageLedgerDao) Group() string {
	return dao.group
}

// Ctx creates and returns a Model for the current DAO. It automatically sets the context for the current operation.
func (dao *UsageLedgerDao) Ctx(ctx context.Context) *gdb.Model {
	model := dao.DB().Model(dao.table)
	for _, handler := range dao.handlers {
		model = handler(model)
	}
	return model.Safe().Ctx(ctx)
}

// Transaction wraps the transaction logic using function f.
// It rolls back the transaction and returns the error if function f returns a non-nil error.
// It commits the transaction and returns nil if function f returns nil.
//
// Note: Do not commit or roll back the transaction in function f,
// as it is automatically handled by this function.
func (dao *UsageLedgerDao) Transaction(ctx context.Context, f func(ctx context.Context, tx gdb.TX) error) (err error) {
	return dao.Ctx(ctx).Transaction(ctx, f)
}
