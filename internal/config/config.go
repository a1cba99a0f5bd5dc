// Package config reads gptbot's typed settings from GoFrame's configuration
// (manifest/config/config.yaml, or the file named by GF_GCFG_FILE).
package config

import (
	"context"
	"time"

	"github.com/gogf/gf/v2/errors/gerror"
	"github.com/gogf/gf/v2/frame/g"
)

// Session configures gptbot's session handling.
type Session struct {
	Storage         string        `json:"storage"`
	Prefix          string        `json:"prefix"`
	AbsoluteTimeout time.Duration `json:"absoluteTimeout"`
	CookieSecure    string        `json:"cookieSecure"` // auto | true | false
	// From the server section (GoFrame's own keys).
	CookieName  string        `json:"-"`
	IdleTimeout time.Duration `json:"-"`
}

// Quota configures token grants.
type Quota struct {
	NewUserTokens int64 `json:"newUserTokens"`
}

// RateLimit holds proxy trust (and, later, policies).
type RateLimit struct {
	TrustedProxies []string `json:"trustedProxies"`
}

// Debug switches request debugging.
type Debug struct {
	Enabled bool `json:"enabled"`
}

// Config is everything gptbot reads beyond GoFrame's own sections.
type Config struct {
	Session   Session
	Quota     Quota
	RateLimit RateLimit
	Debug     Debug
}

// Load reads and validates the configuration.
func Load(ctx context.Context) (*Config, error) {
	c := &Config{
		Session: Session{Storage: "redis", Prefix: "gptbot:", AbsoluteTimeout: 168 * time.Hour, CookieSecure: "auto"},
		Quota:   Quota{NewUserTokens: 100000},
	}
	for key, dst := range map[string]any{
		"session": &c.Session, "quota": &c.Quota, "ratelimit": &c.RateLimit, "debug": &c.Debug,
	} {
		v, err := g.Cfg().Get(ctx, key)
		if err != nil {
			return nil, gerror.Wrapf(err, "config: read %s", key)
		}
		if !v.IsNil() {
			if err := v.Scan(dst); err != nil {
				return nil, gerror.Wrapf(err, "config: %s", key)
			}
		}
	}
	c.Session.CookieName = g.Cfg().MustGet(ctx, "server.sessionIdName", "gptbot_session").String()
	c.Session.IdleTimeout = g.Cfg().MustGet(ctx, "server.sessionMaxAge", "2h").Duration()
	return c, c.validate()
}

func (c *Config) validate() error {
	s := c.Session
	switch {
	case s.Storage != "redis":
		return gerror.Newf("config: session.storage %q is not supported (use redis)", s.Storage)
	case s.IdleTimeout < time.Second:
		return gerror.New("config: server.sessionMaxAge must be a duration string of at least 1s, e.g. \"2h\"")
	case s.AbsoluteTimeout < s.IdleTimeout:
		return gerror.New("config: session.absoluteTimeout must not be shorter than server.sessionMaxAge")
	case s.CookieSecure != "auto" && s.CookieSecure != "true" && s.CookieSecure != "false":
		return gerror.Newf("config: session.cookieSecure %q must be auto, true or false", s.CookieSecure)
	case s.CookieName == "":
		return gerror.New("config: server.sessionIdName is empty")
	case c.Quota.NewUserTokens < 0:
		return gerror.New("config: quota.newUserTokens must not be negative")
	}
	return nil
}
