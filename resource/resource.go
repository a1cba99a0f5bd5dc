// Package resource embeds the browser UI into the binary, so that one file
// serves everything and the pages work offline (no CDN, no build step).
//
//	public/pages   HTML templates of the pages (html/template, parsed once)
//	public/static  files served as they are under /static/
package resource

import (
	"embed"
	"io/fs"
)

//go:embed public
var public embed.FS

// Pages holds the page templates (layout.html and one file per page).
func Pages() fs.FS {
	return mustSub("public/pages")
}

// Static holds the files served under /static/.
func Static() fs.FS {
	return mustSub("public/static")
}

func mustSub(dir string) fs.FS {
	sub, err := fs.Sub(public, dir)
	if err != nil {
		panic(err) // only on a typo in dir: the folders are embedded
	}
	return sub
}
