package chat

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"gptbot/internal/model"
)

// Export renders a conversation as a Markdown or JSON file.
func (s *sChat) Export(ctx context.Context, uid, id int64, format string) (*model.ExportFile, error) {
	c, err := s.Get(ctx, uid, id)
	if err != nil {
		return nil, err
	}
	base := fmt.Sprintf("conversation-%d", c.Id)
	if format == "json" {
		doc := struct {
			model.ConversationDetail
			ExportedAt string `json:"exportedAt"`
		}{*c, time.Now().Format(time.RFC3339)}
		b, err := json.MarshalIndent(doc, "", "  ")
		if err != nil {
			return nil, err
		}
		return &model.ExportFile{Name: base + ".json", ContentType: model.ExportJSONType, Body: append(b, '\n')}, nil
	}
	return &model.ExportFile{Name: base + ".md", ContentType: model.ExportMarkdownType, Body: []byte(markdown(c))}, nil
}

func markdown(c *model.ConversationDetail) string {
	var b strings.Builder
	title := c.Title
	if title == "" {
		title = fmt.Sprintf("Conversation %d", c.Id)
	}
	fmt.Fprintf(&b, "# %s\n\n", oneLine(title))
	fmt.Fprintf(&b, "- Model: %s\n", c.Model)
	if c.CreatedAt != nil {
		fmt.Fprintf(&b, "- Created: %s\n", c.CreatedAt.Format("Y-m-d H:i:s"))
	}
	fmt.Fprintf(&b, "- Exported: %s\n", time.Now().Format(time.DateTime))
	if c.SystemPrompt != "" {
		fmt.Fprintf(&b, "\n## System prompt\n\n%s\n", strings.TrimRight(c.SystemPrompt, "\n"))
	}
	for _, m := range c.Messages {
		switch m.Role {
		case model.MessageRoleUser:
			b.WriteString("\n## You\n\n")
		default:
			fmt.Fprintf(&b, "\n## Assistant (%s)\n\n", m.Model)
		}
		if m.Content != "" {
			b.WriteString(strings.TrimRight(m.Content, "\n"))
			b.WriteString("\n")
		}
		switch m.Status {
		case model.MessageCancelled:
			b.WriteString("\n_(reply stopped before it was finished)_\n")
		case model.MessageFailed:
			fmt.Fprintf(&b, "\n_(reply failed: %s)_\n", m.Error)
		case model.MessageStreaming:
			b.WriteString("\n_(reply being generated)_\n")
		}
	}
	return b.String()
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
