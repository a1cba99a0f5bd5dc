// Package pages serves the browser UI: server-rendered page shells (the
// pages fetch their data from /api/v1 with their own module scripts) and
// the embedded static files. Pages decide only who may see them; every
// action goes through the JSON API and its checks.
package pages

import (
	"bytes"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/gogf/gf/v2/frame/g"
	"github.com/gogf/gf/v2/net/ghttp"

	renderv1 "gptbot/api/render/v1"
	"gptbot/internal/consts"
	"gptbot/internal/library/httperr"
	"gptbot/internal/library/markdown"
	"gptbot/internal/model/entity"
	"gptbot/internal/service"
	"gptbot/resource"
)

// Controller renders the pages and serves /static/.
type Controller struct {
	pages  map[string]*template.Template
	assets map[string]*asset
}

// page is what a page template sees.
type page struct {
	Name   string // template file and body class
	Title  string
	Script string // module under /static/js/, without .js
	User   *entity.Users
	Status int
	// Message is shown by the error page.
	Message string
	// Limits are the form limits, the API's own (consts).
	Limits pageLimits
}

// pageLimits puts the API's input limits into the forms, so the browser
// checks exactly what the server will.
type pageLimits struct {
	UsernameMinLen, UsernameMaxLen           int
	UsernamePattern                          string // for an HTML pattern attribute
	PasswordMinLen, PasswordMaxLen           int
	LoginUsernameMaxLen, LoginPasswordMaxLen int
	TitleMaxChars                            int
	// The render endpoint's limits, for the page's batching of history.
	RenderMaxItems, RenderMaxItemBytes, RenderBatchBytes int
}

var formLimits = pageLimits{
	UsernameMinLen: consts.UsernameMinLen, UsernameMaxLen: consts.UsernameMaxLen,
	UsernamePattern: htmlPattern(consts.UsernamePattern),
	PasswordMinLen:  consts.PasswordMinLen, PasswordMaxLen: consts.PasswordMaxLen,
	LoginUsernameMaxLen: consts.LoginUsernameMaxLen, LoginPasswordMaxLen: consts.LoginPasswordMaxLen,
	TitleMaxChars:  consts.TitleMaxChars,
	RenderMaxItems: renderv1.MaxItems, RenderMaxItemBytes: renderv1.MaxItemBytes,
	// Half the request cap: JSON escaping may grow a batch on the wire.
	RenderBatchBytes: renderv1.MaxTotalBytes / 2,
}

// htmlPattern turns an anchored Go pattern into an HTML pattern attribute:
// the browser anchors it itself and compiles it in the unicode-sets mode,
// where a literal '-' in a class must be escaped.
func htmlPattern(goPattern string) string {
	p := strings.TrimSuffix(strings.TrimPrefix(goPattern, "^"), "$")
	return strings.ReplaceAll(p, "-]", `\-]`)
}

// pageNames are the templates under resource/public/pages besides layout.
var pageNames = []string{"chat", "login", "register", "settings", "usage", "admin", "error", "apidoc"}

// New parses the templates and loads the static files once: a broken
// template fails the start, not a request.
func New() (*Controller, error) {
	c := &Controller{pages: map[string]*template.Template{}}
	for _, name := range pageNames {
		t, err := template.New(name).ParseFS(resource.Pages(), "layout.html", name+".html")
		if err != nil {
			return nil, err
		}
		c.pages[name] = t
	}
	assets, err := loadAssets(resource.Static())
	if err != nil {
		return nil, err
	}
	// Generated from the chroma version that emits the classes.
	assets["css/highlight.css"] = newAsset("highlight.css", []byte(markdown.HighlightCSS()))
	c.assets = assets
	return c, nil
}

// Errors renders an error page for failures before or in a page handler
// (Redis or the database down: 503), instead of GoFrame's plain-text
// answer that would show err.Error().
func (c *Controller) Errors(r *ghttp.Request) {
	r.Middleware.Next()
	err := r.GetError()
	if err == nil {
		return
	}
	status, message, internal := httperr.Resolve(err)
	if internal {
		g.Log().Errorf(r.Context(), "%s %s: %+v", r.Method, r.URL.Path, err)
	}
	r.Response.ClearBuffer()
	c.render(r, status, page{Name: "error", Title: http.StatusText(status), Message: message})
}

// Chat is "/": the conversations and the chat pane.
func (c *Controller) Chat(r *ghttp.Request) {
	if r.URL.Path != "/" {
		// Defensive: only "/" itself is the chat, never a fallback for
		// paths no route took.
		r.Response.WriteStatus(http.StatusNotFound, "not found")
		return
	}
	c.userPage(r, page{Name: "chat", Title: "Chat", Script: "chat"})
}

// Settings is the password and devices page.
func (c *Controller) Settings(r *ghttp.Request) {
	c.userPage(r, page{Name: "settings", Title: "Settings", Script: "settings"})
}

// Usage is the per-day usage page.
func (c *Controller) Usage(r *ghttp.Request) {
	c.userPage(r, page{Name: "usage", Title: "Usage", Script: "usage"})
}

// Admin is the users page; other roles get a 403 page.
func (c *Controller) Admin(r *ghttp.Request) {
	u := c.user(r)
	if u == nil {
		c.loginOrError(r)
		return
	}
	if u.Role != consts.AccountRoleAdmin {
		c.render(r, http.StatusForbidden, page{
			Name: "error", Title: "Forbidden", User: u,
			Message: "This page is for administrators only.",
		})
		return
	}
	c.render(r, http.StatusOK, page{Name: "admin", Title: "Admin", Script: "admin", User: u})
}

// APIDoc is the API reference at /swagger, built in the browser from
// /api.json. GoFrame's own /swagger page loads Redoc from a CDN, which the
// CSP blocks and an offline install cannot reach.
func (c *Controller) APIDoc(r *ghttp.Request) {
	c.render(r, http.StatusOK, page{Name: "apidoc", Title: "API reference", Script: "apidoc"})
}

// Login is the login form; a logged-in user goes straight to the chat.
func (c *Controller) Login(r *ghttp.Request) {
	c.guestPage(r, page{Name: "login", Title: "Log in", Script: "login"})
}

// Register is the sign-up form.
func (c *Controller) Register(r *ghttp.Request) {
	c.guestPage(r, page{Name: "register", Title: "Create account", Script: "register"})
}

func (c *Controller) userPage(r *ghttp.Request, p page) {
	if p.User = c.user(r); p.User == nil {
		c.loginOrError(r)
		return
	}
	c.render(r, http.StatusOK, p)
}

func (c *Controller) guestPage(r *ghttp.Request, p page) {
	if u := c.user(r); u != nil {
		c.redirect(r, safeNext(r.GetQuery("next").String()))
		return
	}
	if r.GetError() != nil {
		return // Errors renders it
	}
	c.render(r, http.StatusOK, p)
}

// user is the logged-in, enabled user, or nil, as service.User().LoggedIn
// decides for the API too (it ends the session of a user who is gone or
// disabled; otherwise /login and / would send such a browser back and
// forth). A failure to find out is left for Errors to render.
func (c *Controller) user(r *ghttp.Request) *entity.Users {
	u, err := service.User().LoggedIn(r.Context())
	if err != nil {
		if !httperr.IsCode(err, httperr.Unauthorized) && !httperr.IsCode(err, httperr.Forbidden) {
			r.SetError(err) // rendered by Errors, typically 503
		}
		return nil
	}
	return u
}

// loginOrError sends a logged-out browser to the login form, unless
// finding out failed: then Errors shows the failure.
func (c *Controller) loginOrError(r *ghttp.Request) {
	if r.GetError() != nil {
		return
	}
	target := "/login"
	if r.URL.Path != "/" {
		target += "?next=" + url.QueryEscape(r.URL.Path)
	}
	c.redirect(r, target)
}

func (c *Controller) redirect(r *ghttp.Request, to string) {
	r.Response.Header().Set("Cache-Control", "no-store")
	r.Response.RedirectTo(to, http.StatusSeeOther)
}

// nextPath accepts only this app's own page paths, so a crafted link
// cannot turn the login form into an open redirect.
var nextPath = regexp.MustCompile(`^/(settings|usage|admin)?$`)

func safeNext(next string) string {
	if nextPath.MatchString(next) {
		return next
	}
	return "/"
}

// render writes a page. Pages depend on who is logged in, so they are
// never stored by caches.
func (c *Controller) render(r *ghttp.Request, status int, p page) {
	t := c.pages[p.Name]
	p.Status, p.Limits = status, formLimits
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		g.Log().Errorf(r.Context(), "render page %s: %+v", p.Name, err)
		r.Response.WriteStatus(http.StatusInternalServerError, "internal server error")
		return
	}
	h := r.Response.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	r.Response.WriteHeader(status)
	r.Response.Write(buf.Bytes())
}
