package chat

import (
	"cmp"
	"context"
	"errors"
	"math"
	"sync"
	"time"

	"github.com/gogf/gf/v2/database/gdb"
	"github.com/gogf/gf/v2/frame/g"

	"gptbot/internal/dao"
	"gptbot/internal/model"
	"gptbot/internal/model/do"
	"gptbot/internal/model/entity"
	"gptbot/internal/service"
)

// The sweep settles what is still reserved for replies nobody will settle
// any more. The ledger says what is still reserved (a reservation row with
// no settlement row), whatever became of the message: a conversation
// deleted while its reply was generated takes the message along, never the
// ledger rows. A reservation is left to the sweep when
//   - this process failed to settle it (the database refused a write): it
//     is retried with its real outcome until it goes through;
//   - its message is still streaming and its conversation's claim has
//     expired: the process generating it stopped;
//   - its message is gone and it is older than a claim lasts: the process
//     would have settled it by then.
//
// The last two are refunded and their message, if any, marked failed.
// Every settlement checks the ledger after taking the write lock, and the
// unique index usage_ledger_settlement backs it, so sweeps on several
// instances, and a late live settlement, settle each reservation once.

// sweepBatch bounds the reservations read per query.
const sweepBatch = 500

// sweeper is this process's sweep state. It lives here, not in sChat,
// because sChat is a process singleton (registered once, in init).
var sweeper = struct {
	pass sync.Mutex // one pass at a time
	// cursor: every reservation with a ledger id up to this one is known
	// settled, so a pass reads only above it (guarded by pass).
	cursor int64

	mu      sync.Mutex
	retries map[int64]retry // message id → a failed settlement of this process
}{retries: map[int64]retry{}}

// retry is a settlement to try again, with the outcome the reply really had.
type retry struct {
	t turn
	o outcome
}

// retryLater hands a failed settlement to the sweep.
func retryLater(t *turn, o outcome) {
	r := retry{t: *t, o: o}
	r.t.prompt = nil // not needed to settle
	sweeper.mu.Lock()
	sweeper.retries[t.messageId] = r
	sweeper.mu.Unlock()
}

func retrying(messageId int64) bool {
	sweeper.mu.Lock()
	defer sweeper.mu.Unlock()
	_, ok := sweeper.retries[messageId]
	return ok
}

// SettleStale settles what is still reserved for replies nobody will
// settle any more (see the top of this file): settlements of this process
// that failed are retried with their real outcome; replies whose process
// stopped (their conversation's claim expired, or the conversation is gone
// and the claim would have) are refunded and marked failed. It returns how
// many it settled. Safe to run on several instances at once, and run at
// start and every chat.settleInterval (KeepSettling).
func (s *sChat) SettleStale(ctx context.Context) (int, error) {
	return s.sweep(ctx)
}

// KeepSettling runs SettleStale every chat.settleInterval until ctx ends.
func (s *sChat) KeepSettling(ctx context.Context) {
	tick := time.NewTicker(s.limits.SettleInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if _, err := s.SettleStale(ctx); err != nil {
			g.Log().Warningf(ctx, "chat: settling open reservations: %v", err)
		}
	}
}

// sweep is one pass; see SettleStale.
func (s *sChat) sweep(ctx context.Context) (int, error) {
	sweeper.pass.Lock()
	defer sweeper.pass.Unlock()
	retried := s.retrySettlements(ctx)
	if retried > 0 {
		g.Log().Warningf(ctx, "settled %d replies whose settlement had failed", retried)
	}
	refunded, err := s.refundStale(ctx)
	if refunded > 0 {
		g.Log().Warningf(ctx, "settled %d replies left unfinished by a stopped process (reservations refunded)", refunded)
	}
	return retried + refunded, err
}

// retrySettlements retries this process's failed settlements and returns
// how many went through.
func (s *sChat) retrySettlements(ctx context.Context) int {
	sweeper.mu.Lock()
	pending := make([]retry, 0, len(sweeper.retries))
	for _, r := range sweeper.retries {
		pending = append(pending, r)
	}
	sweeper.mu.Unlock()
	settled := 0
	for _, r := range pending {
		_, err := s.settleTurn(ctx, &r.t, r.o)
		switch {
		case errors.Is(err, errSettledAlready):
		case err != nil:
			g.Log().Warningf(ctx, "chat: settle reply %d of user %d, again: %v", r.t.messageId, r.t.uid, err)
			continue
		default:
			settled++
		}
		sweeper.mu.Lock()
		delete(sweeper.retries, r.t.messageId)
		sweeper.mu.Unlock()
	}
	return settled
}

// refundStale walks the open reservations above the cursor, refunds those
// nobody will settle, and moves the cursor up to the first one still open.
// A failed refund is logged and left open for the next pass; the error
// returned is the first one.
func (s *sChat) refundStale(ctx context.Context) (int, error) {
	now := time.Now()
	cutoff := now.Add(-s.claimLifetime())
	// Read before the walk. A reservation recorded before cutoff was
	// committed long ago, so none can appear below this id later on.
	horizon, err := service.Quota().LastReservationBefore(ctx, sweeper.cursor, cutoff)
	if err != nil {
		return 0, err
	}
	var (
		refunded int
		firstErr error
		lowest   = int64(math.MaxInt64) // lowest ledger id left open
	)
	for after := sweeper.cursor; ; {
		rows, err := service.Quota().OpenReservations(ctx, after, sweepBatch)
		if err != nil {
			return refunded, err
		}
		for i := range rows {
			done, open, err := s.refundIfStale(ctx, &rows[i], now, cutoff)
			if err != nil {
				g.Log().Warningf(ctx, "chat: refund the reservation of reply %d: %v", rows[i].MessageId, err)
				firstErr = cmp.Or(firstErr, err)
			}
			if done {
				refunded++
			}
			if open {
				lowest = min(lowest, rows[i].Id)
			}
		}
		if len(rows) < sweepBatch {
			break
		}
		after = rows[len(rows)-1].Id
	}
	sweeper.cursor = max(sweeper.cursor, min(horizon, lowest-1))
	return refunded, firstErr
}

// refundIfStale refunds reservation r when nobody else will settle it (see
// the top of this file); done reports that it did, open that r stays open.
func (s *sChat) refundIfStale(ctx context.Context, r *entity.UsageLedger, now, cutoff time.Time) (done, open bool, err error) {
	if retrying(r.MessageId) {
		return false, true, nil
	}
	var m *entity.Messages
	if err = dao.Messages.Ctx(ctx).Where(do.Messages{Id: r.MessageId}).Scan(&m); err != nil {
		return false, true, dbErr(err, "find reply")
	}
	conversationId := int64(0)
	switch {
	case m == nil:
		if r.CreatedAt != nil && !r.CreatedAt.Time.Before(cutoff) {
			return false, true, nil // its process may still settle it
		}
	case m.Status == model.MessageStreaming:
		var c *entity.Conversations
		if err = dao.Conversations.Ctx(ctx).Where(do.Conversations{Id: m.ConversationId}).Scan(&c); err != nil {
			return false, true, dbErr(err, "find conversation")
		}
		if c != nil && c.BusyUntil >= now.UnixMilli() {
			return false, true, nil // still being answered somewhere
		}
		conversationId = m.ConversationId
	default:
		// A message leaves "streaming" only with its settlement: this one
		// was settled since the reservations were read (another instance),
		// and the ledger check in settleTx finds that.
		conversationId = m.ConversationId
	}
	done, err = s.refundAbandoned(ctx, r.UserId, conversationId, r.MessageId, r.Model, r.Tokens)
	if err != nil {
		return false, true, err
	}
	if done {
		g.Log().Infof(ctx, "chat: refunded the %d tokens reserved for reply %d of user %d: the process generating it stopped",
			r.Tokens, r.MessageId, r.UserId)
	}
	return done, false, nil
}

// refundAbandoned refunds the reservation of a reply nobody is generating
// any more and marks the reply failed, if it still exists. done is false
// when the reservation was settled meanwhile.
func (s *sChat) refundAbandoned(ctx context.Context, uid, conversationId, messageId int64, modelId string,
	reserved int64) (done bool, err error) {
	o := outcome{status: model.MessageFailed, errMessage: "the server stopped while generating this reply"}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), settleTimeout)
	defer cancel()
	err = dao.Messages.Transaction(ctx, func(ctx context.Context, tx gdb.TX) error {
		_, err := s.settleTx(ctx, uid, conversationId, messageId, modelId, reserved, o)
		return err
	})
	if errors.Is(err, errSettledAlready) {
		return false, nil
	}
	return err == nil, err
}
