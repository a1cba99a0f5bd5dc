package chat

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/gogf/gf/v2/database/gdb"

	"gptbot/internal/dao"
	"gptbot/internal/model"
	"gptbot/internal/model/do"
	"gptbot/internal/model/entity"
	"gptbot/internal/service"
)

// reserve, in one transaction, debits the tokens (the first statement: a
// guarded UPDATE), stores the user message (or drops the reply being
// replaced) and the assistant placeholder, and records the reservation.
func (s *sChat) reserve(ctx context.Context, t *turn, conv *entity.Conversations, content string,
	replace *entity.Messages, limit int64) error {
	var messageId, userMessageId, reserved int64
	err := dao.Messages.Transaction(ctx, func(ctx context.Context, tx gdb.TX) error {
		var err error
		reserved, err = service.Quota().Reserve(ctx, t.uid, t.estimate+1, t.estimate+limit)
		if err != nil {
			return err
		}
		n, err := dao.Conversations.Ctx(ctx).Where(do.Conversations{Id: t.conversationId, UserId: t.uid}).Count()
		if err != nil {
			return dbErr(err, "check conversation")
		}
		if n == 0 {
			return errNoConversation
		}
		if replace != nil {
			if _, err = dao.Messages.Ctx(ctx).Where(do.Messages{Id: replace.Id}).Delete(); err != nil {
				return dbErr(err, "drop replaced reply")
			}
		} else if t.userMessageId == 0 {
			userMessageId, err = dao.Messages.Ctx(ctx).Data(do.Messages{
				ConversationId: t.conversationId, Role: model.MessageRoleUser, Content: content,
				Status: model.MessageComplete, Model: "",
			}).InsertAndGetId()
			if err != nil {
				return dbErr(err, "store message")
			}
			if conv.Title == "" {
				_, err = dao.Conversations.Ctx(ctx).Data(do.Conversations{Title: titleFrom(content)}).
					Where(do.Conversations{Id: t.conversationId, Title: ""}).Update()
				if err != nil {
					return dbErr(err, "set title")
				}
			}
		}
		id, err := dao.Messages.Ctx(ctx).Data(do.Messages{
			ConversationId: t.conversationId, Role: model.MessageRoleAssistant, Content: "",
			Status: model.MessageStreaming, Model: t.model.Id, ReservedTokens: reserved,
		}).InsertAndGetId()
		if err != nil {
			return dbErr(err, "store reply")
		}
		messageId = id
		return service.Quota().RecordReservation(ctx, t.uid, id, t.model.Id, reserved)
	})
	if err != nil {
		return err
	}
	// Only now, committed, does the turn own a reservation to settle.
	t.messageId, t.reserved = messageId, reserved
	if userMessageId != 0 {
		t.userMessageId = userMessageId
	}
	return nil
}

// titleFrom makes a conversation title from its first message.
func titleFrom(content string) string {
	line := strings.TrimSpace(content)
	if i := strings.IndexAny(line, "\r\n"); i >= 0 {
		line = strings.TrimSpace(line[:i])
	}
	line = strings.Join(strings.Fields(line), " ")
	const maxRunes = 60
	if utf8.RuneCountInString(line) > maxRunes {
		r := []rune(line)
		line = strings.TrimSpace(string(r[:maxRunes])) + "…"
	}
	return line
}
