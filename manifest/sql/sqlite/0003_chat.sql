-- Conversations and their messages. Chat history lives here, never in the
-- session. Deleting a conversation deletes its messages; the ledger keeps
-- its rows (usage_ledger.message_id is a plain reference, not a key), so
-- money is never lost with the text.
CREATE TABLE IF NOT EXISTS conversations (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id       INTEGER      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title         VARCHAR(200) NOT NULL DEFAULT '',
    model         VARCHAR(128) NOT NULL DEFAULT '',
    system_prompt TEXT         NOT NULL DEFAULT '',
    -- While a reply is generated: unix milliseconds until which the
    -- conversation is claimed (0 = free). A crashed process's claim expires.
    busy_until    BIGINT       NOT NULL DEFAULT 0,
    created_at    DATETIME     NULL,
    updated_at    DATETIME     NULL
);
CREATE INDEX IF NOT EXISTS conversations_user_updated ON conversations (user_id, updated_at, id);
CREATE TABLE IF NOT EXISTS messages (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id   INTEGER      NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    role              VARCHAR(16)  NOT NULL CHECK (role IN ('user', 'assistant')),
    content           TEXT         NOT NULL DEFAULT '',
    status            VARCHAR(16)  NOT NULL DEFAULT 'complete'
                      CHECK (status IN ('streaming', 'complete', 'cancelled', 'failed')),
    model             VARCHAR(128) NOT NULL DEFAULT '',
    prompt_tokens     BIGINT       NOT NULL DEFAULT 0,
    completion_tokens BIGINT       NOT NULL DEFAULT 0,
    -- Reserved before the call, charged after it (assistant messages).
    reserved_tokens   BIGINT       NOT NULL DEFAULT 0 CHECK (reserved_tokens >= 0),
    charged_tokens    BIGINT       NOT NULL DEFAULT 0 CHECK (charged_tokens >= 0),
    estimated         SMALLINT     NOT NULL DEFAULT 0,
    finish_reason     VARCHAR(32)  NOT NULL DEFAULT '',
    error             VARCHAR(255) NOT NULL DEFAULT '',
    created_at        DATETIME     NULL,
    updated_at        DATETIME     NULL
);
CREATE INDEX IF NOT EXISTS messages_conversation ON messages (conversation_id, id);
CREATE INDEX IF NOT EXISTS messages_status ON messages (status);
CREATE INDEX IF NOT EXISTS usage_ledger_message ON usage_ledger (message_id);
