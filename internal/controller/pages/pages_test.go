package pages

import (
	"html"
	"io/fs"
	"path"
	"regexp"
	"strconv"
	"strings"
	"testing"

	renderv1 "gptbot/api/render/v1"
	"gptbot/internal/consts"
	"gptbot/resource"
)

// Every page template parses and every embedded file has a known type: a
// module script served as application/octet-stream is refused by browsers
// under nosniff.
func TestNewLoadsPagesAndAssets(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range pageNames {
		if c.pages[name] == nil {
			t.Errorf("page %s not parsed", name)
		}
	}
	for name, a := range c.assets {
		if a.contentType == "application/octet-stream" {
			t.Errorf("%s: unknown content type", name)
		}
		if !strings.HasPrefix(a.etag, `"`) || len(a.body) == 0 {
			t.Errorf("%s: bad asset", name)
		}
	}
	for _, want := range []string{"css/app.css", "css/highlight.css", "js/chat.js", "js/sse.js", "icons/logo.svg"} {
		if c.assets[want] == nil {
			t.Errorf("%s is not served", want)
		}
	}
}

// The pages must work under "script-src 'self'; style-src 'self'": no
// inline script, no style attributes or elements, no on*= handlers, and
// nothing loaded from another origin.
func TestTemplatesFollowTheCSP(t *testing.T) {
	err := fs.WalkDir(resource.Pages(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(resource.Pages(), p)
		if err != nil {
			return err
		}
		s := strings.ToLower(string(b))
		for _, bad := range []string{" style=", "<style", " onclick=", " onload=", " onerror=", " onsubmit=", " onchange=", " oninput=", "javascript:", "http://", "https://", "//cdn"} {
			if strings.Contains(s, bad) {
				t.Errorf("%s contains %q", p, bad)
			}
		}
		for i := 0; ; {
			j := strings.Index(s[i:], "<script")
			if j < 0 {
				break
			}
			tag := s[i+j : i+j+strings.Index(s[i+j:], ">")]
			if !strings.Contains(tag, `src="/static/js/`) {
				t.Errorf("%s: inline or foreign script %q", p, tag)
			}
			i += j + 1
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Scripts build the DOM with textContent; innerHTML is reserved for the
	// server-sanitised Markdown in markdown.js.
	err = fs.WalkDir(resource.Static(), "js", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(p) != ".js" {
			return err
		}
		b, _ := fs.ReadFile(resource.Static(), p)
		s := string(b)
		for _, bad := range []string{"outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"} {
			if strings.Contains(s, bad) {
				t.Errorf("%s uses %s", p, bad)
			}
		}
		if n := strings.Count(s, ".innerHTML"); n > 0 && p != "js/markdown.js" || n > 1 {
			t.Errorf("%s assigns innerHTML %d times", p, n)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"": "/", "/": "/", "/settings": "/settings", "/usage": "/usage", "/admin": "/admin",
		"//evil.example": "/", "https://evil.example/": "/", "/\\evil.example": "/",
		"/settings/../x": "/", "/login": "/", "javascript:alert(1)": "/",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEtagMatches(t *testing.T) {
	const e = `"abc"`
	for h, want := range map[string]bool{
		`"abc"`: true, `W/"abc"`: true, `"x", "abc"`: true, `*`: true, `"x"`: false, ``: false,
	} {
		if got := etagMatches(h, e); got != want {
			t.Errorf("etagMatches(%q) = %v, want %v", h, got, want)
		}
	}
}

// The forms carry the API's own limits (consts), never a copy of them: the
// rendered inputs say exactly what the server validates, and no page
// template writes a length of its own.
func TestFormsCarryTheAPILimits(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	render := func(name string) string {
		var b strings.Builder
		if err := c.pages[name].ExecuteTemplate(&b, "layout", page{Name: name, Limits: formLimits}); err != nil {
			t.Fatal(err)
		}
		return html.UnescapeString(b.String()) // what the browser reads
	}
	n := strconv.Itoa
	for name, wants := range map[string][]string{
		"register": {
			`minlength="` + n(consts.UsernameMinLen) + `" maxlength="` + n(consts.UsernameMaxLen) + `" pattern="[A-Za-z0-9_.\-]+"`,
			`minlength="` + n(consts.PasswordMinLen) + `" maxlength="` + n(consts.PasswordMaxLen) + `"`,
		},
		"login":    {`maxlength="` + n(consts.LoginUsernameMaxLen) + `"`, `maxlength="` + n(consts.LoginPasswordMaxLen) + `"`},
		"settings": {`minlength="` + n(consts.PasswordMinLen) + `" maxlength="` + n(consts.PasswordMaxLen) + `"`},
		"chat": {`maxlength="` + n(consts.TitleMaxChars) + `"`,
			`data-render-max-items="` + n(renderv1.MaxItems) + `" data-render-max-item-bytes="` + n(renderv1.MaxItemBytes) + `"`},
	} {
		page := render(name)
		for _, want := range wants {
			if !strings.Contains(page, want) {
				t.Errorf("%s page lacks %s", name, want)
			}
		}
	}
	literal := regexp.MustCompile(`(?:minlength|maxlength|pattern)="[^{"]`)
	for _, name := range pageNames {
		b, err := fs.ReadFile(resource.Pages(), name+".html")
		if err != nil {
			t.Fatal(err)
		}
		if m := literal.Find(b); m != nil {
			t.Errorf("%s.html writes a limit of its own: %s", name, m)
		}
	}
}
