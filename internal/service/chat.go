// ================================================================================
// Code generated and maintained by GoFrame CLI tool. DO NOT EDIT.
// You can delete these comments if you wish manually maintain this interface file.
// ================================================================================

package service

import (
	"context"
	"gptbot/internal/model"
	"time"
)

type (
	IChat interface {
		// Models lists the configured models.
		Models(ctx context.Context) *model.ModelList
		// List returns one page of the user's conversations, most recently active
		// first. A page past the end is empty.
		List(ctx context.Context, uid int64, page int, size int) (*model.ConversationPage, error)
		// Create starts a conversation.
		Create(ctx context.Context, uid int64, in model.ConversationInput) (*model.ConversationView, error)
		// Get returns a conversation with its messages.
		Get(ctx context.Context, uid int64, id int64) (*model.ConversationDetail, error)
		// Update changes a conversation's title, model or system prompt.
		Update(ctx context.Context, uid int64, id int64, in model.ConversationInput) (*model.ConversationView, error)
		// Delete removes a conversation and its messages. A reply this process is
		// generating in it is stopped; its settlement still runs, so what it used
		// is charged and the rest refunded (the ledger keeps its rows).
		Delete(ctx context.Context, uid int64, id int64) error
		// Export renders a conversation as a Markdown or JSON file.
		Export(ctx context.Context, uid int64, id int64, format string) (*model.ExportFile, error)
		// Send stores the user's message and answers it through out (see
		// model.ReplyEmitter). An error returned means the reply was refused before
		// it began: nothing was emitted, reserved or stored.
		Send(ctx context.Context, uid int64, in model.ChatInput, out model.ReplyEmitter) error
		// Regenerate replaces the conversation's last assistant reply with a new
		// answer to the last user message; answered like Send.
		Regenerate(ctx context.Context, uid int64, in model.ChatInput, out model.ReplyEmitter) error
		// KeepAliveInterval is how long a streamed reply may stay silent before
		// the stream shows it is alive (chat.keepAliveInterval): proxies cut idle
		// connections.
		KeepAliveInterval() time.Duration
		// Admit lets a reply request in, unless the server is shutting down: then
		// it is refused with 503 and Retry-After before anything is reserved. done
		// must be called when the request has been answered.
		Admit(ctx context.Context) (done func(), err error)
		// Drain is the chat part of a shutdown. It admits no new reply, waits for
		// the admitted ones to finish for up to chat.shutdownGrace (or until ctx
		// ends), then stops the rest: each is settled — what was generated is
		// charged, the rest refunded, its conversation released — and answered
		// with a 503 (an error event in a stream). It returns when every admitted
		// reply has finished, or drainSettleBound after stopping them, with the
		// number it stopped.
		Drain(ctx context.Context) (stopped int)
		// SettleStale settles what is still reserved for replies nobody will
		// settle any more (see the top of this file): settlements of this process
		// that failed are retried with their real outcome; replies whose process
		// stopped (their conversation's claim expired, or the conversation is gone
		// and the claim would have) are refunded and marked failed. It returns how
		// many it settled. Safe to run on several instances at once, and run at
		// start and every chat.settleInterval (KeepSettling).
		SettleStale(ctx context.Context) (int, error)
		// KeepSettling runs SettleStale every chat.settleInterval until ctx ends.
		KeepSettling(ctx context.Context)
	}
)

var (
	localChat IChat
)

func Chat() IChat {
	if localChat == nil {
		panic("implement not found for interface IChat, forgot register?")
	}
	return localChat
}

func RegisterChat(i IChat) {
	localChat = i
}
