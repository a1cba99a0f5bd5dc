package chat

import (
	"testing"

	"gptbot/internal/consts"
	"gptbot/internal/dao"
	"gptbot/internal/model"
	"gptbot/internal/model/do"
	"gptbot/internal/model/entity"
)

// TestRefundAbandoned: the reservation of a reply nobody generates any more
// is refunded in full, once, whether its message is still streaming or went
// with its conversation; the message, if any, is marked failed and charged
// nothing.
func TestRefundAbandoned(t *testing.T) {
	s := sweepService()
	for _, tc := range []struct {
		name     string
		balance  int64 // the reply reserves up to 100
		deleted  bool  // the conversation was deleted, taking the message along
		twice    bool  // a second settler comes after the first
		reserved int64
	}{
		{"still streaming", 10000, false, false, 100},
		{"message gone", 10000, true, false, 100},
		{"reserved what was left", 40, false, false, 40},
		{"gone, reserved what was left", 40, true, false, 40},
		{"refunded already", 10000, false, true, 100},
		{"gone and refunded already", 10000, true, true, 100},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixtureWith(t, "abandoned", tc.balance)
			conv, msg := f.reply(1)
			if got := f.balanced(); got != tc.balance-tc.reserved {
				t.Fatalf("balance %d with the reservation, want %d", got, tc.balance-tc.reserved)
			}
			if tc.deleted {
				f.exec("DELETE FROM messages WHERE conversation_id = ?", conv)
				f.exec("DELETE FROM conversations WHERE id = ?", conv)
			}
			done, err := s.refundAbandoned(f.ctx, f.uid, conv, msg, "m", tc.reserved)
			if err != nil || !done {
				t.Fatalf("refund: done %v, %v", done, err)
			}
			f.balanced()
			if tc.twice {
				done, err = s.refundAbandoned(f.ctx, f.uid, conv, msg, "m", tc.reserved)
				if err != nil || done {
					t.Fatalf("second refund: done %v, %v", done, err)
				}
			}
			var rows []entity.UsageLedger
			if err := dao.UsageLedger.Ctx(f.ctx).Where(do.UsageLedger{MessageId: msg}).
				WhereNot(dao.UsageLedger.Columns().Note, "reserve").Scan(&rows); err != nil {
				t.Fatal(err)
			}
			if len(rows) != 1 || rows[0].Kind != consts.LedgerRefund || rows[0].Tokens != tc.reserved ||
				rows[0].PromptTokens != 0 || rows[0].CompletionTokens != 0 || rows[0].UserId != f.uid {
				t.Errorf("settlement rows %+v, want one refund of %d", rows, tc.reserved)
			}
			var m *entity.Messages
			if err := dao.Messages.Ctx(f.ctx).Where(do.Messages{Id: msg}).Scan(&m); err != nil {
				t.Fatal(err)
			}
			switch {
			case tc.deleted && m != nil:
				t.Errorf("the deleted reply came back: %+v", m)
			case !tc.deleted && m == nil:
				t.Error("the reply is gone")
			case !tc.deleted && (m.Status != model.MessageFailed || m.Error == "" || m.ChargedTokens != 0):
				t.Errorf("reply status %q, error %q, charged %d; want failed, explained, 0", m.Status, m.Error, m.ChargedTokens)
			}
			if got := f.balanced(); got != tc.balance {
				t.Errorf("balance %d after the refund, want %d", got, tc.balance)
			}
		})
	}
}
