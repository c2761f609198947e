-- Copy relay (internal/relay): sessions live at most a few minutes and are deleted on
-- completion or expiry. Only hashes of the code and tokens, public keys and ciphertext.

-- +goose Up
CREATE TABLE relay_sessions (
    id                  TEXT PRIMARY KEY,
    locator             TEXT NOT NULL UNIQUE,   -- the code's first digits, unique among stored sessions
    code_hash           BYTEA NOT NULL,
    receiver_token_hash BYTEA NOT NULL,
    sender_token_hash   BYTEA,
    commitment          BYTEA NOT NULL,
    receiver_key        BYTEA,
    sender_key          BYTEA,
    payload             BYTEA,
    failed_tries        INTEGER NOT NULL DEFAULT 0,
    created_at          BIGINT NOT NULL,
    expires_at          BIGINT NOT NULL,
    claimed_at          BIGINT,
    revealed_at         BIGINT,
    sent_at             BIGINT
);
CREATE INDEX relay_sessions_expires_at ON relay_sessions (expires_at);

-- +goose Down
DROP TABLE relay_sessions;
