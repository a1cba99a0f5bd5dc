// Package sql embeds the versioned schema migrations, one directory per SQL
// dialect, so the binary can migrate its database without files on disk.
package sql

import "embed"

// FS holds <dialect>/<version>_<name>.sql files.
//
//go:embed sqlite/*.sql
var FS embed.FS
