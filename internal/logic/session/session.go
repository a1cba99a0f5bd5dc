// Package session binds gsession sessions on Redis to requests and manages
// a user's devices. GoFrame's defaults are replaced where they are unsafe:
// ids come only from the cookie, unknown ids are never adopted, logins and
// logouts are written synchronously (GoFrame saves after the response and
// only logs failures), and the cookie is written here with hardened flags.
package session

import (
	"context"
	"net/http"

	"github.com/gogf/gf/v2/frame/g"
	"github.com/gogf/gf/v2/net/ghttp"
	"github.com/gogf/gf/v2/os/gsession"
	"github.com/gogf/gf/v2/os/gtime"

	"gptbot/internal/config"
	"gptbot/internal/library/clientip"
	"gptbot/internal/library/httperr"
	"gptbot/internal/library/sessionstore"
	"gptbot/internal/model"
)

type sSession struct {
	store   *sessionstore.Store
	manager *gsession.Manager
	cfg     config.Session
	ips     *clientip.Resolver
}

// New returns the session service on the Redis store, with the session
// settings and the proxy trust (client address, HTTPS) of ips.
func New(store *sessionstore.Store, cfg config.Session, ips *clientip.Resolver) *sSession {
	return &sSession{store: store, cfg: cfg, ips: ips, manager: gsession.New(cfg.IdleTimeout, store)}
}

var errStorage = "session storage is unavailable"

// Attach gives the request its session: the one its cookie names if that
// session exists on the server, else a fresh one that is stored only when a
// login creates it. It runs before any handler touches r.Session.
func (s *sSession) Attach(r *ghttp.Request) error {
	// GoFrame also takes the id from a request header named like the
	// cookie; ids are accepted only from the cookie.
	r.Header.Del(s.cfg.CookieName)
	r.Session = s.fresh(r.Context())
	id := r.Cookie.GetSessionId()
	if id == "" {
		return nil
	}
	if !sessionstore.ValidID(id) {
		s.clearCookie(r)
		return nil
	}
	candidate := s.manager.New(r.Context(), id)
	uid, err := candidate.Get(sessionstore.KeyUserID)
	if err != nil {
		return httperr.Wrap(httperr.Unavailable, err, errStorage)
	}
	if uid.IsNil() {
		// Unknown or expired: never adopt a client-chosen id.
		s.clearCookie(r)
		return nil
	}
	r.Session = candidate
	return nil
}

func (s *sSession) fresh(ctx context.Context) *gsession.Session {
	sess := s.manager.New(ctx)
	_ = sess.SetIdFunc(sessionstore.IDFunc)
	return sess
}

// UserId is the logged-in user's id, 0 when logged out.
func (s *sSession) UserId(ctx context.Context) int64 {
	r := g.RequestFromCtx(ctx)
	if r == nil || r.Session == nil {
		return 0
	}
	v, err := r.Session.Get(sessionstore.KeyUserID)
	if err != nil || v.IsNil() {
		return 0
	}
	return v.Int64()
}

// currentId is the id of the request's stored session, "" when none.
func (s *sSession) currentId(r *ghttp.Request) string {
	if s.UserId(r.Context()) == 0 {
		return ""
	}
	id, _ := r.Session.Id()
	return id
}

// Start logs uid in on this request under a brand-new session id; any
// session the request had is deleted first. It fails, and nothing is
// reported as logged in, when the session does not reach Redis.
func (s *sSession) Start(ctx context.Context, uid int64) error {
	r := g.RequestFromCtx(ctx)
	id := sessionstore.NewUserID(uid)
	err := s.store.Regenerate(ctx, s.currentId(r), id, sessionstore.Record{
		UserID:    uid,
		IP:        s.ips.ClientIP(r.Request),
		UserAgent: r.UserAgent(),
		Data:      map[string]any{"authAt": gtime.Now().Unix()},
	})
	if err != nil {
		r.Session = s.fresh(ctx)
		return httperr.Wrap(httperr.Unavailable, err, errStorage)
	}
	r.Session = s.manager.New(ctx, id)
	s.writeCookie(r, id, int(s.cfg.AbsoluteTimeout.Seconds()))
	return nil
}

// End logs the request's session out: deleted in Redis before the answer.
func (s *sSession) End(ctx context.Context) error {
	r := g.RequestFromCtx(ctx)
	if id := s.currentId(r); id != "" {
		if err := s.store.Destroy(ctx, id); err != nil {
			return httperr.Wrap(httperr.Unavailable, err, errStorage)
		}
	}
	r.Session = s.fresh(ctx)
	s.clearCookie(r)
	return nil
}

// Rotate ends every session of the logged-in user, this one included, and
// starts a new one for this request (after a password change).
func (s *sSession) Rotate(ctx context.Context) (revoked int, err error) {
	r := g.RequestFromCtx(ctx)
	uid := s.UserId(ctx)
	if uid == 0 {
		return 0, httperr.New(httperr.Unauthorized, "not logged in")
	}
	if revoked, err = s.store.DestroyUser(ctx, uid, ""); err != nil {
		return 0, httperr.Wrap(httperr.Unavailable, err, errStorage)
	}
	r.Session = s.fresh(ctx)
	if err = s.Start(ctx, uid); err != nil {
		return 0, err
	}
	return revoked - 1, nil // the current session was replaced, not revoked
}

// List returns the logged-in user's sessions.
func (s *sSession) List(ctx context.Context) ([]model.SessionView, error) {
	r := g.RequestFromCtx(ctx)
	uid := s.UserId(ctx)
	infos, err := s.store.List(ctx, uid)
	if err != nil {
		return nil, httperr.Wrap(httperr.Unavailable, err, errStorage)
	}
	current := sessionstore.Handle(s.currentId(r))
	out := make([]model.SessionView, 0, len(infos))
	for _, in := range infos {
		out = append(out, model.SessionView{
			Handle:     in.Handle,
			CreatedAt:  gtime.New(in.CreatedAt),
			LastSeenAt: gtime.New(in.LastSeenAt),
			Ip:         in.IP,
			UserAgent:  in.UserAgent,
			Current:    in.Handle == current,
		})
	}
	return out, nil
}

// Revoke ends one of the logged-in user's sessions; another user's handle
// is simply not found.
func (s *sSession) Revoke(ctx context.Context, handle string) error {
	r := g.RequestFromCtx(ctx)
	ok, err := s.store.Revoke(ctx, s.UserId(ctx), handle)
	if err != nil {
		return httperr.Wrap(httperr.Unavailable, err, errStorage)
	}
	if !ok {
		return httperr.New(httperr.NotFound, "session not found")
	}
	if handle == sessionstore.Handle(s.currentId(r)) {
		r.Session = s.fresh(ctx)
		s.clearCookie(r)
	}
	return nil
}

// RevokeOthers ends every session of the logged-in user but this one.
func (s *sSession) RevokeOthers(ctx context.Context) (int, error) {
	r := g.RequestFromCtx(ctx)
	n, err := s.store.DestroyUser(ctx, s.UserId(ctx), sessionstore.Handle(s.currentId(r)))
	if err != nil {
		return 0, httperr.Wrap(httperr.Unavailable, err, errStorage)
	}
	return n, nil
}

// RevokeUser ends every session of a user (account disabled).
func (s *sSession) RevokeUser(ctx context.Context, uid int64) (int, error) {
	n, err := s.store.DestroyUser(ctx, uid, "")
	if err != nil {
		return 0, httperr.Wrap(httperr.Unavailable, err, errStorage)
	}
	return n, nil
}

func (s *sSession) secure(r *ghttp.Request) bool {
	switch s.cfg.CookieSecure {
	case "true":
		return true
	case "false":
		return false
	}
	return s.ips.IsHTTPS(r.Request)
}

func (s *sSession) writeCookie(r *ghttp.Request, id string, maxAge int) {
	r.Cookie.SetHttpCookie(&http.Cookie{
		Name:     s.cfg.CookieName,
		Value:    id,
		Path:     "/",
		MaxAge:   maxAge,
		HttpOnly: true,
		Secure:   s.secure(r),
		SameSite: http.SameSiteLaxMode,
	})
}

func (s *sSession) clearCookie(r *ghttp.Request) {
	s.writeCookie(r, "", -1)
}
