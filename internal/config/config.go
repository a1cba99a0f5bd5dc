// Package config reads gptbot's typed settings from GoFrame's configuration
// (manifest/config/config.yaml, or the file named by GF_GCFG_FILE).
package config

import (
	"context"
	"os"
	"strings"
	"time"

	"github.com/gogf/gf/v2/errors/gerror"
	"github.com/gogf/gf/v2/frame/g"

	"gptbot/internal/library/ratelimit"
	"gptbot/internal/library/sessionstore"
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

// RateLimit holds the limit policies and proxy trust.
type RateLimit struct {
	Policies       map[string]ratelimit.Policy `json:"policies"`
	TrustedProxies []string                    `json:"trustedProxies"`
}

// Rate-limit policy names (SPEC "Middleware").
const (
	PolicyChat      = "chat"       // per user, on sending and regenerating messages
	PolicyAuth      = "auth"       // per client IP, on login and register
	PolicyLoginUser = "login-user" // per account, on wrong password guesses (login and password change)
	PolicyAPI       = "api"        // per client IP, on every API request
)

// Metrics configures /metrics.
type Metrics struct {
	Path    string `json:"path"`
	Address string `json:"address"` // optional separate listener, e.g. 127.0.0.1:9100
	// Token is read from GPTBOT_METRICS_TOKEN only: a secret never lives in YAML.
	Token string `json:"-"`
}

// Debug switches request debugging.
type Debug struct {
	Enabled bool `json:"enabled"`
	// PprofAddress is pprof's own loopback listener, used while debug is
	// on; the main listener never serves pprof (a reverse proxy on the same
	// host would make its requests look local).
	PprofAddress string `json:"pprofAddress"`
}

// Config is everything gptbot reads beyond GoFrame's own sections.
type Config struct {
	Server    Server
	Session   Session
	Quota     Quota
	RateLimit RateLimit
	Debug     Debug
	Metrics   Metrics
}

// Load reads and validates the configuration.
func Load(ctx context.Context) (*Config, error) {
	c := &Config{
		Session: Session{Storage: "redis", Prefix: "gptbot:", AbsoluteTimeout: 168 * time.Hour, CookieSecure: "auto"},
		Quota:   Quota{NewUserTokens: 100000},
		Metrics: Metrics{Path: "/metrics"},
		Debug:   Debug{PprofAddress: DefaultPprofAddress},
	}
	for key, dst := range map[string]any{
		"session": &c.Session, "quota": &c.Quota, "ratelimit": &c.RateLimit, "debug": &c.Debug,
		"metrics": &c.Metrics,
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
	c.Server = loadServer(ctx)
	c.Session.CookieName = g.Cfg().MustGet(ctx, "server.sessionIdName", "gptbot_session").String()
	c.Session.IdleTimeout = g.Cfg().MustGet(ctx, "server.sessionMaxAge", "2h").Duration()
	c.Metrics.Token = os.Getenv("GPTBOT_METRICS_TOKEN")
	c.RateLimit.Policies = withDefaultPolicies(c.RateLimit.Policies)
	return c, c.validate()
}

func (c *Config) validate() error {
	if err := c.Server.validate(); err != nil {
		return err
	}
	if err := validatePprofAddress(c.Debug.PprofAddress); err != nil {
		return err
	}
	if err := sessionstore.CheckPrefix(c.Session.Prefix); err != nil {
		return gerror.Wrap(err, "config: session.prefix")
	}
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
	case !strings.HasPrefix(c.Metrics.Path, "/"):
		return gerror.New("config: metrics.path must start with /")
	}
	for _, name := range []string{PolicyChat, PolicyAuth, PolicyLoginUser, PolicyAPI} {
		p, ok := c.RateLimit.Policies[name]
		if !ok {
			return gerror.Newf("config: ratelimit.policies.%s is missing", name)
		}
		if err := p.Validate(); err != nil {
			return gerror.Wrapf(err, "config: ratelimit.policies.%s (period is a duration string such as \"1m\")", name)
		}
	}
	return nil
}

// withDefaultPolicies fills in the SPEC's default policies for names the
// configuration leaves out, and names each policy after its key.
func withDefaultPolicies(configured map[string]ratelimit.Policy) map[string]ratelimit.Policy {
	out := map[string]ratelimit.Policy{
		PolicyChat:      {Limit: 20, Period: time.Minute},
		PolicyAuth:      {Limit: 10, Period: time.Minute},
		PolicyLoginUser: {Limit: 5, Period: 15 * time.Minute},
		PolicyAPI:       {Limit: 300, Period: time.Minute},
	}
	for name, p := range configured {
		out[name] = p
	}
	for name, p := range out {
		p.Name = name
		out[name] = p
	}
	return out
}
