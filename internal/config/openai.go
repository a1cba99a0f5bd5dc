package config

import (
	"context"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/gogf/gf/v2/errors/gerror"
	"github.com/gogf/gf/v2/frame/g"

	"gptbot/internal/consts"
	"gptbot/internal/library/devllm"
)

// ChatModel is one model the app offers.
type ChatModel struct {
	Id                  string `json:"id"`
	Name                string `json:"name"`
	ContextWindow       int    `json:"contextWindow"`
	MaxCompletionTokens int    `json:"maxCompletionTokens"`
}

// OpenAI configures the OpenAI-compatible model provider (section openai).
type OpenAI struct {
	// BaseURL of the provider; empty means OpenAI when OPENAI_API_KEY is set,
	// else the offline dev model at DevModelURL.
	BaseURL string `json:"baseURL"`
	// APIKey comes only from the environment (OPENAI_API_KEY), never YAML.
	APIKey       string      `json:"-"`
	Models       []ChatModel `json:"models"`
	DefaultModel string      `json:"defaultModel"`
	// DevModelURL is where `gptbot devllm` listens (used only in dev mode).
	DevModelURL string `json:"devModelURL"`

	ConnectTimeout      time.Duration `json:"connectTimeout"`
	FirstTokenTimeout   time.Duration `json:"firstTokenTimeout"`
	TotalTimeout        time.Duration `json:"totalTimeout"`
	MaxRetries          int           `json:"maxRetries"` // extra attempts; -1 disables retries
	RetryBaseDelay      time.Duration `json:"retryBaseDelay"`
	RetryMaxDelay       time.Duration `json:"retryMaxDelay"`
	MaxIdleConnsPerHost int           `json:"maxIdleConnsPerHost"`

	// DevModel is true when neither OPENAI_API_KEY nor a base URL is
	// configured: the app then talks to the built-in offline dev model.
	DevModel bool `json:"-"`
}

// Chat limits what users may send, and shapes how replies are delivered
// (section chat).
type Chat struct {
	MaxMessageChars      int `json:"maxMessageChars"`      // per message, in characters
	MaxSystemPromptChars int `json:"maxSystemPromptChars"` // per conversation
	// KeepAliveInterval: a stream silent this long gets an SSE comment, so
	// proxies do not cut it while the model thinks.
	KeepAliveInterval time.Duration `json:"keepAliveInterval"`
	// ShutdownGrace: on SIGTERM/SIGINT, replies in progress may finish for
	// this long; the rest are then stopped, settled and answered with 503.
	ShutdownGrace time.Duration `json:"shutdownGrace"`
	// SettleInterval: how often reservations left open by a stopped
	// process or a failed settlement are looked for and settled.
	SettleInterval time.Duration `json:"settleInterval"`
}

// Defaults of the openai and chat sections.
const (
	OpenAIDefaultBaseURL = "https://api.openai.com/v1"
	DevModelDefaultURL   = "http://127.0.0.1:8081/v1"
	DevModelID           = devllm.ModelID

	ChatDefaultKeepAliveInterval = 15 * time.Second
	// ChatDefaultShutdownGrace lets most replies finish, and with the
	// settlement after it fits in systemd's default stop timeout (90 s).
	ChatDefaultShutdownGrace = 60 * time.Second

	ChatDefaultSettleInterval = time.Minute
)

// LoadOpenAI reads and validates the openai and chat sections, and the API
// key from the environment (OPENAI_API_KEY).
func LoadOpenAI(ctx context.Context) (*OpenAI, *Chat, error) {
	o := &OpenAI{
		DevModelURL:       DevModelDefaultURL,
		ConnectTimeout:    10 * time.Second,
		FirstTokenTimeout: 60 * time.Second,
		TotalTimeout:      300 * time.Second,
	}
	c := &Chat{MaxMessageChars: 32000, MaxSystemPromptChars: 8000,
		KeepAliveInterval: ChatDefaultKeepAliveInterval, ShutdownGrace: ChatDefaultShutdownGrace,
		SettleInterval: ChatDefaultSettleInterval}
	for key, dst := range map[string]any{"openai": o, "chat": c} {
		v, err := g.Cfg().Get(ctx, key)
		if err != nil {
			return nil, nil, gerror.Wrapf(err, "config: read %s", key)
		}
		if !v.IsNil() {
			if err := v.Scan(dst); err != nil {
				return nil, nil, gerror.Wrapf(err, "config: %s", key)
			}
		}
	}
	o.APIKey = strings.TrimSpace(os.Getenv("OPENAI_API_KEY"))
	o.BaseURL = strings.TrimRight(strings.TrimSpace(o.BaseURL), "/")
	switch {
	case o.APIKey == "" && o.BaseURL == "":
		// Nothing configured: the offline dev model, and only its model,
		// so nobody mistakes its answers for a real model's.
		o.DevModel = true
		o.BaseURL = strings.TrimRight(o.DevModelURL, "/")
		o.Models = []ChatModel{{
			Id: DevModelID, Name: "gptbot dev model (offline)", ContextWindow: 8192, MaxCompletionTokens: 1024,
		}}
		o.DefaultModel = DevModelID
	case o.BaseURL == "":
		o.BaseURL = OpenAIDefaultBaseURL
	}
	if o.DefaultModel == "" && len(o.Models) > 0 {
		o.DefaultModel = o.Models[0].Id
	}
	if err := o.validate(); err != nil {
		return nil, nil, err
	}
	if c.MaxMessageChars <= 0 || c.MaxSystemPromptChars <= 0 {
		return nil, nil, gerror.New("config: chat.maxMessageChars and chat.maxSystemPromptChars must be positive")
	}
	if c.MaxSystemPromptChars > consts.SystemPromptMaxLen {
		return nil, nil, gerror.Newf("config: chat.maxSystemPromptChars must be at most %d, what the API accepts",
			consts.SystemPromptMaxLen)
	}
	if c.KeepAliveInterval < time.Millisecond {
		return nil, nil, gerror.New("config: chat.keepAliveInterval must be a duration string such as \"15s\"")
	}
	if c.ShutdownGrace < 0 {
		return nil, nil, gerror.New("config: chat.shutdownGrace must be a duration string such as \"60s\" (\"0s\": stop replies at once)")
	}
	if c.SettleInterval < time.Millisecond {
		return nil, nil, gerror.New("config: chat.settleInterval must be a duration string such as \"1m\"")
	}
	return o, c, nil
}

func (o *OpenAI) validate() error {
	u, err := url.Parse(o.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return gerror.New("config: openai.baseURL must be an http(s) URL such as https://api.openai.com/v1")
	}
	if len(o.Models) == 0 {
		return gerror.New("config: openai.models is empty")
	}
	seen := map[string]bool{}
	for i, m := range o.Models {
		switch {
		case strings.TrimSpace(m.Id) == "":
			return gerror.Newf("config: openai.models[%d].id is empty", i)
		case seen[m.Id]:
			return gerror.Newf("config: openai.models: %q is listed twice", m.Id)
		case m.ContextWindow <= 0 || m.MaxCompletionTokens <= 0:
			return gerror.Newf("config: openai.models %q needs contextWindow and maxCompletionTokens > 0", m.Id)
		case m.MaxCompletionTokens >= m.ContextWindow:
			return gerror.Newf("config: openai.models %q: maxCompletionTokens must be below contextWindow", m.Id)
		}
		seen[m.Id] = true
		if m.Name == "" {
			o.Models[i].Name = m.Id
		}
	}
	if !seen[o.DefaultModel] {
		return gerror.Newf("config: openai.defaultModel %q is not in openai.models", o.DefaultModel)
	}
	if o.FirstTokenTimeout <= 0 || o.TotalTimeout <= 0 || o.ConnectTimeout <= 0 {
		return gerror.New("config: openai timeouts must be duration strings such as \"60s\"")
	}
	return nil
}

// Model returns the configured model with id.
func (o *OpenAI) Model(id string) (ChatModel, bool) {
	for _, m := range o.Models {
		if m.Id == id {
			return m, true
		}
	}
	return ChatModel{}, false
}

// SafeBaseURL is the base URL without any user:password part, for logs.
func (o *OpenAI) SafeBaseURL() string {
	u, err := url.Parse(o.BaseURL)
	if err != nil {
		return "(invalid URL)"
	}
	u.User = nil
	u.RawQuery = ""
	return u.String()
}
