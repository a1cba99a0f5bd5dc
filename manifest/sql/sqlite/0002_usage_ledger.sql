-- Every change of a token balance is one ledger row, so that for each user
-- sum(grant) - sum(charge) + sum(refund) == users.token_balance.
CREATE TABLE IF NOT EXISTS usage_ledger (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id           INTEGER      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind              VARCHAR(16)  NOT NULL CHECK (kind IN ('grant', 'charge', 'refund')),
    tokens            BIGINT       NOT NULL CHECK (tokens >= 0),
    model             VARCHAR(128) NOT NULL DEFAULT '',
    prompt_tokens     BIGINT       NOT NULL DEFAULT 0,
    completion_tokens BIGINT       NOT NULL DEFAULT 0,
    estimated         SMALLINT     NOT NULL DEFAULT 0,
    message_id        BIGINT       NULL,
    note              VARCHAR(255) NOT NULL DEFAULT '',
    created_at        DATETIME     NULL
);
CREATE INDEX IF NOT EXISTS usage_ledger_user_created ON usage_ledger (user_id, created_at);
