package chat

import (
	"context"
	"time"

	"github.com/gogf/gf/v2/frame/g"

	"gptbot/internal/dao"
	"gptbot/internal/library/httperr"
	"gptbot/internal/model/do"
)

// claimMargin is added to the total model timeout for how long a claim on
// a conversation lasts: a process that dies mid-reply blocks the
// conversation no longer than that.
const claimMargin = 2 * time.Minute

var errBusy = httperr.New(httperr.Conflict,
	"a reply is being generated in this conversation; wait for it to finish or stop it first")

// claimLifetime is how long a claim on a conversation lasts: a process that
// stops mid-reply blocks the conversation, and leaves its reservation open,
// no longer than that.
func (s *sChat) claimLifetime() time.Duration { return s.cfg.TotalTimeout + claimMargin }

// claim marks the conversation busy with one atomic UPDATE, so that only one
// reply at a time is generated in it (on any instance): 409 otherwise.
func (s *sChat) claim(ctx context.Context, t *turn) error {
	now := time.Now()
	t.claim = now.Add(s.claimLifetime()).UnixMilli()
	cols := dao.Conversations.Columns()
	res, err := dao.Conversations.Ctx(ctx).
		Data(do.Conversations{BusyUntil: t.claim}).
		Where(do.Conversations{Id: t.conversationId, UserId: t.uid}).
		WhereLT(cols.BusyUntil, now.UnixMilli()).
		Update()
	if err != nil {
		return dbErr(err, "claim conversation")
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil
	}
	if _, err = s.owned(ctx, t.uid, t.conversationId); err != nil {
		return err // deleted meanwhile
	}
	return errBusy
}

// release frees the conversation if this turn's claim still holds it.
func (s *sChat) release(ctx context.Context, t *turn) {
	_, err := dao.Conversations.Ctx(ctx).Data(do.Conversations{BusyUntil: 0}).
		Where(do.Conversations{Id: t.conversationId, BusyUntil: t.claim}).Update()
	if err != nil {
		g.Log().Warningf(ctx, "chat: release conversation %d: %v", t.conversationId, err)
	}
}
