package llmtest

import "time"

// Ending says how a scenario's response ends after its content pieces.
type Ending int

const (
	EndNormal            Ending = iota // finish chunk, usage chunk (if asked), [DONE]
	EndHang                            // stop sending and wait for the client to go away
	EndHangBeforeHeaders               // not even the response headers are sent
	EndCut                             // drop the connection mid-body (no chunked terminator)
	EndEOF                             // end the body cleanly, but without finish or [DONE]
	EndMalformed                       // send a data line that is not valid JSON
	EndStreamError                     // send an OpenAI error object inside the 200 stream
)

// Scenario scripts the response to one request. Build one with the
// constructors below and adjust it with the With* methods.
type Scenario struct {
	Pieces           []string      // content deltas, in order
	Delay            time.Duration // before each piece
	NoUsage          bool          // never send usage, even when include_usage is set
	PromptTokens     int           // reported usage; default 11
	CompletionTokens int           // reported usage; default len(Pieces)
	// ExactUsage reports PromptTokens and CompletionTokens as they are,
	// zeros included (WithUsage sets it): a broken upstream's figures.
	ExactUsage   bool
	FinishReason string // default "stop"
	End          Ending
	// Linger keeps the response open this long after [DONE], as slow
	// servers and proxies do; a client that does not read to the end of
	// the body then loses its keep-alive connection.
	Linger time.Duration

	// Status >= 400 makes the response an OpenAI error body.
	Status       int
	RetryAfter   string // Retry-After header value, sent when non-empty
	ErrorMessage string // default: the status text
	ErrorType    string // default derived from Status
	ErrorCode    string // JSON null when empty
	RawBody      string // replaces the JSON error body (e.g. an HTML page)
}

// Reply answers with pieces streamed as deltas, then a normal ending.
func Reply(pieces ...string) Scenario { return Scenario{Pieces: pieces} }

// Error answers with an OpenAI error body and status; retryAfter is the
// Retry-After header ("" for none).
func Error(status int, retryAfter string) Scenario {
	return Scenario{Status: status, RetryAfter: retryAfter}
}

// Hang sends the headers and a role-only chunk, then nothing.
func Hang() Scenario { return Scenario{End: EndHang} }

// HangBeforeHeaders accepts the request and never answers.
func HangBeforeHeaders() Scenario { return Scenario{End: EndHangBeforeHeaders} }

// Cut streams pieces, then drops the connection.
func Cut(pieces ...string) Scenario { return Scenario{Pieces: pieces, End: EndCut} }

// EOF streams pieces, then ends the body without finish_reason or [DONE].
func EOF(pieces ...string) Scenario { return Scenario{Pieces: pieces, End: EndEOF} }

// Malformed streams pieces, then a line of broken JSON.
func Malformed(pieces ...string) Scenario { return Scenario{Pieces: pieces, End: EndMalformed} }

// StreamError streams pieces, then an error object inside the 200 stream.
func StreamError(pieces ...string) Scenario {
	return Scenario{Pieces: pieces, End: EndStreamError}
}

// WithDelay waits d before each piece.
func (s Scenario) WithDelay(d time.Duration) Scenario { s.Delay = d; return s }

// WithoutUsage never sends a usage chunk.
func (s Scenario) WithoutUsage() Scenario { s.NoUsage = true; return s }

// WithUsage sets the token numbers reported in the usage chunk, whatever
// they are: zero, negative or absurdly large.
func (s Scenario) WithUsage(prompt, completion int) Scenario {
	s.PromptTokens, s.CompletionTokens, s.ExactUsage = prompt, completion, true
	return s
}

// WithError sets the fields of the OpenAI error object.
func (s Scenario) WithError(typ, code, message string) Scenario {
	s.ErrorType, s.ErrorCode, s.ErrorMessage = typ, code, message
	return s
}

// WithLinger keeps the body open for d after [DONE].
func (s Scenario) WithLinger(d time.Duration) Scenario { s.Linger = d; return s }

// WithFinishReason sets the finish_reason of the final chunk.
func (s Scenario) WithFinishReason(r string) Scenario { s.FinishReason = r; return s }
