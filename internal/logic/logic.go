// ==========================================================================
// Code generated and maintained by GoFrame CLI tool. DO NOT EDIT.
// ==========================================================================

package logic

import (
	_ "gptbot/internal/logic/admin"
	_ "gptbot/internal/logic/chat"
	_ "gptbot/internal/logic/quota"
	_ "gptbot/internal/logic/session"
	_ "gptbot/internal/logic/user"
)
