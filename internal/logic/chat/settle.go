package chat

import (
	"context"
	"errors"
	"time"

	"github.com/gogf/gf/v2/database/gdb"
	"github.com/gogf/gf/v2/errors/gerror"
	"github.com/gogf/gf/v2/frame/g"

	"gptbot/internal/dao"
	"gptbot/internal/model"
	"gptbot/internal/model/do"
	"gptbot/internal/model/entity"
	"gptbot/internal/service"
)

// settleTimeout bounds settlement, which runs on a detached context.
const settleTimeout = 30 * time.Second

// errSettledAlready rolls back a settlement whose reservation was settled
// meanwhile (by a sweep, or another instance's).
var errSettledAlready = gerror.New("the reply was settled already")

// settle records the outcome (see settleTurn) once per turn. A settlement
// that fails is left to the sweep, which retries it with this outcome;
// one settled elsewhere meanwhile is left alone and charges nothing here.
func (s *sChat) settle(ctx context.Context, t *turn, o outcome) (charged, balance int64, err error) {
	t.settled = true
	ctx = context.WithoutCancel(ctx) // the client may be gone
	charged, err = s.settleTurn(ctx, t, o)
	switch {
	case errors.Is(err, errSettledAlready):
		charged = 0
	case err != nil:
		g.Log().Errorf(ctx, "chat: settle reply %d of user %d (the sweep retries it): %+v", t.messageId, t.uid, err)
		retryLater(t, o)
		return 0, 0, err
	}
	balance, err = service.Quota().Balance(ctx, t.uid)
	return charged, balance, err
}

// settleTurn makes one attempt at settling a turn, in one transaction
// bounded by settleTimeout: the message, the charge and refund, and the
// release of the conversation.
func (s *sChat) settleTurn(ctx context.Context, t *turn, o outcome) (charged int64, err error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), settleTimeout)
	defer cancel()
	err = dao.Messages.Transaction(ctx, func(ctx context.Context, tx gdb.TX) error {
		charged, err = s.settleTx(ctx, t.uid, t.conversationId, t.messageId, t.model.Id, t.reserved, o)
		if err != nil {
			return err
		}
		_, err = dao.Conversations.Ctx(ctx).Data(do.Conversations{BusyUntil: 0}).
			Where(do.Conversations{Id: t.conversationId, BusyUntil: t.claim}).Update()
		return dbErr(err, "release conversation")
	})
	if err != nil {
		return 0, err
	}
	s.metrics.AddLLMTokens(t.model.Id, int(o.prompt), int(o.completion))
	return charged, nil
}

// settleTx settles one reply inside a transaction; errSettledAlready, and
// nothing written, when its reservation was settled already. The ledger
// decides that (quota.Settle), not the message, which may be gone with its
// conversation: the money is settled all the same.
func (s *sChat) settleTx(ctx context.Context, uid, conversationId, messageId int64, modelId string,
	reserved int64, o outcome) (int64, error) {
	// A write first: SQLite then holds its write lock for the rest of the
	// transaction, so concurrent settlers of one reply take turns and the
	// ledger check in Settle is exact.
	res, err := dao.Messages.Ctx(ctx).Data(do.Messages{Status: o.status}).
		Where(do.Messages{Id: messageId, Status: model.MessageStreaming}).Update()
	if err != nil {
		return 0, dbErr(err, "finish message")
	}
	finished, _ := res.RowsAffected()
	charged, ok, err := service.Quota().Settle(ctx, model.Settlement{
		UserId: uid, MessageId: messageId, Model: modelId, Reserved: reserved,
		PromptTokens: o.prompt, CompletionTokens: o.completion, Estimated: o.estimated,
	})
	if err != nil {
		return 0, err
	}
	if !ok {
		return 0, errSettledAlready
	}
	if finished == 0 {
		return charged, nil // no message left to update
	}
	errText := o.errMessage
	if o.status == model.MessageComplete {
		errText = ""
	}
	_, err = dao.Messages.Ctx(ctx).Data(do.Messages{
		Content: o.content, PromptTokens: o.prompt, CompletionTokens: o.completion, ChargedTokens: charged,
		Estimated: o.estimated, FinishReason: o.finishReason, Error: errText,
	}).Where(do.Messages{Id: messageId}).Update()
	return charged, dbErr(err, "save reply")
}

// settleAbandoned refunds the reservation of a reply nobody is generating
// any more and marks it failed; one settled meanwhile is left alone.
func (s *sChat) settleAbandoned(ctx context.Context, uid int64, m *entity.Messages) error {
	_, err := s.refundAbandoned(ctx, uid, m.ConversationId, m.Id, m.Model, m.ReservedTokens)
	return err
}
