// Command schemadb builds an empty SQLite database from manifest/sql for
// `gf gen dao` to read (make dao). It uses the same migrations the app runs.
package main

import (
	"context"
	"fmt"
	"os"

	_ "github.com/gogf/gf/contrib/drivers/sqlite/v2"
	"github.com/gogf/gf/v2/database/gdb"

	"gptbot/internal/library/migrate"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: schemadb <path/to/new.db>")
		os.Exit(2)
	}
	_ = os.Remove(os.Args[1])
	db, err := gdb.New(gdb.ConfigNode{Type: "sqlite", Name: os.Args[1]})
	if err == nil {
		_, err = migrate.Up(context.Background(), db)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "schemadb:", err)
		os.Exit(1)
	}
}
