package v1

// The reply stream of SendReq and RegenerateReq (Accept: text/event-stream,
// the default): server-sent events, each an `event:` line naming the event
// and a `data:` line with its JSON, in this order: start, delta (many),
// usage, then done; or error, which ends the stream at any point after
// start (usage may come before it when the reply was charged). Comment
// lines (": keep-alive") keep a silent stream open through proxies.
const (
	EventStart = "start"
	EventDelta = "delta"
	EventUsage = "usage"
	EventDone  = "done"
	EventError = "error"
)

// StartEvent: the reply has begun; its messages are stored.
type StartEvent struct {
	MessageId     int64 `json:"messageId"     dc:"the assistant message being generated"`
	UserMessageId int64 `json:"userMessageId" dc:"the user message it answers"`
}

// DeltaEvent is the next piece of the answer's text.
type DeltaEvent struct {
	Content string `json:"content"`
}

// UsageEvent is what the reply cost and the balance after it.
type UsageEvent struct {
	PromptTokens     int64 `json:"promptTokens"`
	CompletionTokens int64 `json:"completionTokens"`
	Estimated        bool  `json:"estimated" dc:"counted with the offline tokenizer, not reported by the provider"`
	Balance          int64 `json:"balance"`
}

// DoneEvent ends a complete reply.
type DoneEvent struct {
	MessageId    int64  `json:"messageId"`
	FinishReason string `json:"finishReason"`
}

// ErrorEvent ends a reply that did not complete; code is the HTTP status
// the same failure has in JSON mode (499: the client went away).
type ErrorEvent struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// StreamEvent documents one kind of event of a stream.
type StreamEvent struct {
	Name string
	Data any
}

// ReplyStream is the reply stream's events, in their order.
var ReplyStream = []StreamEvent{
	{EventStart, StartEvent{}},
	{EventDelta, DeltaEvent{}},
	{EventUsage, UsageEvent{}},
	{EventDone, DoneEvent{}},
	{EventError, ErrorEvent{}},
}
