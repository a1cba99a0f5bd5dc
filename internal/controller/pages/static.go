package pages

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/gogf/gf/v2/net/ghttp"
)

// asset is one file served under /static/, read once at start.
type asset struct {
	body        []byte
	contentType string
	etag        string
}

// contentTypes are set explicitly rather than guessed: the system's MIME
// table differs between machines, and a module script served with the
// wrong type is refused by the browser (nosniff).
var contentTypes = map[string]string{
	".css":         "text/css; charset=utf-8",
	".js":          "text/javascript; charset=utf-8",
	".mjs":         "text/javascript; charset=utf-8",
	".json":        "application/json",
	".svg":         "image/svg+xml",
	".png":         "image/png",
	".ico":         "image/x-icon",
	".webp":        "image/webp",
	".woff2":       "font/woff2",
	".txt":         "text/plain; charset=utf-8",
	".webmanifest": "application/manifest+json",
}

func newAsset(name string, body []byte) *asset {
	ct, ok := contentTypes[strings.ToLower(path.Ext(name))]
	if !ok {
		ct = "application/octet-stream"
	}
	sum := sha256.Sum256(body)
	return &asset{body: body, contentType: ct, etag: `"` + hex.EncodeToString(sum[:12]) + `"`}
}

// loadAssets reads every file of fsys; directories are not entries, so
// there is nothing to list.
func loadAssets(fsys fs.FS) (map[string]*asset, error) {
	assets := map[string]*asset{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		assets[p] = newAsset(p, body)
		return nil
	})
	return assets, err
}

// Static serves /static/*path from the embedded files. Assets are small and
// their URLs are not fingerprinted (no build step), so the browser keeps
// them but revalidates each use: Cache-Control no-cache with a strong ETag,
// answered by 304 while unchanged.
func (c *Controller) Static(r *ghttp.Request) {
	name := r.Get("path").String()
	a, ok := c.assets[name]
	if !ok || name != path.Clean(name) {
		r.Response.WriteStatus(http.StatusNotFound, "not found")
		return
	}
	h := r.Response.Header()
	h.Set("Cache-Control", "no-cache")
	h.Set("ETag", a.etag)
	if etagMatches(r.Header.Get("If-None-Match"), a.etag) {
		r.Response.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", a.contentType)
	r.Response.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		r.Response.Write(a.body)
	}
}

// etagMatches implements If-None-Match's weak comparison over a list.
func etagMatches(header, etag string) bool {
	for _, v := range strings.Split(header, ",") {
		v = strings.TrimPrefix(strings.TrimSpace(v), "W/")
		if v == etag || v == "*" {
			return true
		}
	}
	return false
}
