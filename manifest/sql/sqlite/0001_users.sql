-- Accounts. username_key is the lower-cased username: uniqueness is
-- case-insensitive without relying on a dialect's collation.
CREATE TABLE IF NOT EXISTS users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    username      VARCHAR(32)  NOT NULL,
    username_key  VARCHAR(32)  NOT NULL UNIQUE,
    password_hash VARCHAR(255) NOT NULL,
    role          VARCHAR(16)  NOT NULL DEFAULT 'user',
    token_balance BIGINT       NOT NULL DEFAULT 0 CHECK (token_balance >= 0),
    disabled      SMALLINT     NOT NULL DEFAULT 0,
    created_at    DATETIME     NULL,
    updated_at    DATETIME     NULL
);
