package model

import "github.com/gogf/gf/v2/os/gtime"

// Message roles (messages.role; the system prompt is sent to the model with
// the system role, never stored as a message) and statuses (messages.status).
const (
	MessageRoleUser      = "user"
	MessageRoleAssistant = "assistant"
	MessageRoleSystem    = "system"

	MessageStreaming = "streaming" // a reply is being generated
	MessageComplete  = "complete"
	MessageCancelled = "cancelled" // the client went away; the partial answer is kept
	MessageFailed    = "failed"    // the upstream failed; a partial answer, if any, is kept
)

// ModelView is a configured model as the API shows it.
type ModelView struct {
	Id                  string `json:"id"`
	Name                string `json:"name"`
	ContextWindow       int    `json:"contextWindow"`
	MaxCompletionTokens int    `json:"maxCompletionTokens"`
	Default             bool   `json:"default"`
}

// ModelList is GET /models.
type ModelList struct {
	Models       []ModelView `json:"models"`
	DefaultModel string      `json:"defaultModel"`
	// DevModel is true when the app talks to the built-in offline dev model.
	DevModel bool   `json:"devModel"`
	Notice   string `json:"notice,omitempty"`
}

// ConversationView is a conversation without its messages.
type ConversationView struct {
	Id           int64       `json:"id"`
	Title        string      `json:"title"`
	Model        string      `json:"model"`
	SystemPrompt string      `json:"systemPrompt"`
	Streaming    bool        `json:"streaming"` // a reply is being generated right now
	CreatedAt    *gtime.Time `json:"createdAt"`
	UpdatedAt    *gtime.Time `json:"updatedAt"`
}

// MessageView is one message of a conversation.
type MessageView struct {
	Id               int64       `json:"id"`
	Role             string      `json:"role"`
	Content          string      `json:"content"`
	Status           string      `json:"status"`
	Model            string      `json:"model,omitempty"`
	PromptTokens     int64       `json:"promptTokens"`
	CompletionTokens int64       `json:"completionTokens"`
	ChargedTokens    int64       `json:"chargedTokens"`
	Estimated        bool        `json:"estimated"`
	FinishReason     string      `json:"finishReason,omitempty"`
	Error            string      `json:"error,omitempty"`
	CreatedAt        *gtime.Time `json:"createdAt"`
}

// ConversationDetail is a conversation with its messages, oldest first.
type ConversationDetail struct {
	ConversationView
	Messages []MessageView `json:"messages"`
}

// ConversationPage is one page of the conversation list, newest activity first.
type ConversationPage struct {
	List  []ConversationView `json:"list"`
	Total int                `json:"total"`
	Page  int                `json:"page"`
	Size  int                `json:"size"`
}

// ConversationInput creates or changes a conversation; nil fields are left as they are.
type ConversationInput struct {
	Title        *string
	Model        *string
	SystemPrompt *string
}

// ChatInput asks for a reply: a new user message (Send) or a new answer to
// the last one (Regenerate, Content empty).
type ChatInput struct {
	ConversationId int64
	Content        string
	Model          string // optional: overrides the conversation's model for this reply
}

// UsageView is what a reply cost.
type UsageView struct {
	PromptTokens     int64 `json:"promptTokens"`
	CompletionTokens int64 `json:"completionTokens"`
	Estimated        bool  `json:"estimated"`
	Balance          int64 `json:"balance"`
}

// ReplyEmitter receives a reply as it is produced: Start once its tokens
// are reserved and its messages stored, Delta for every piece of text, and
// End exactly once, after settlement. It knows nothing of the transport:
// the controller streams the events or collects them into one answer.
type ReplyEmitter interface {
	Start(ReplyStart)
	Delta(content string)
	End(ReplyEnd)
}

// ReplyStart names the messages of a reply that has begun.
type ReplyStart struct {
	ConversationId int64
	MessageId      int64 // the assistant message being generated
	UserMessageId  int64 // the message it answers
}

// ReplyEnd is how a reply ended, once it is settled.
type ReplyEnd struct {
	MessageId    int64
	FinishReason string
	// Usage is what the reply cost and the balance after it; nil when it
	// cost nothing and did not complete.
	Usage *UsageView
	// Reply is the whole reply as stored, when it completed.
	Reply *ChatReply
	// Err is why it did not complete: an httperr code and a safe message.
	Err error
}

// ChatReply is the JSON (non-streaming) answer to a message.
type ChatReply struct {
	ConversationId int64       `json:"conversationId"`
	UserMessageId  int64       `json:"userMessageId"`
	Message        MessageView `json:"message"`
	Usage          UsageView   `json:"usage"`
}

// UsageDay is one day of a user's usage.
type UsageDay struct {
	Date             string `json:"date"` // YYYY-MM-DD, server time
	Requests         int64  `json:"requests"`
	PromptTokens     int64  `json:"promptTokens"`
	CompletionTokens int64  `json:"completionTokens"`
	Tokens           int64  `json:"tokens"`  // charged, net of refunds
	Granted          int64  `json:"granted"` // tokens added to the balance
}

// UsageReport is GET /usage.
type UsageReport struct {
	Days    int        `json:"days"`
	Balance int64      `json:"balance"`
	Total   UsageDay   `json:"total"` // Date empty
	Daily   []UsageDay `json:"daily"` // oldest first, every day of the range
}

// AdminUserView is a user as administrators see it.
type AdminUserView struct {
	UserView
	Disabled bool `json:"disabled"`
}

// AdminUserPage is one page of users.
type AdminUserPage struct {
	List  []AdminUserView `json:"list"`
	Total int             `json:"total"`
	Page  int             `json:"page"`
	Size  int             `json:"size"`
}

// Settlement is what a finished model call used against its reservation.
type Settlement struct {
	UserId           int64
	MessageId        int64
	Model            string
	Reserved         int64
	PromptTokens     int64
	CompletionTokens int64
	Estimated        bool // counted with the offline tokenizer, not reported upstream
}

// Content types of an exported conversation.
const (
	ExportMarkdownType = "text/markdown; charset=utf-8"
	ExportJSONType     = "application/json; charset=utf-8"
)

// ExportFile is a conversation rendered for download.
type ExportFile struct {
	Name        string
	ContentType string
	Body        []byte
}
