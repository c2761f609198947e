-- Copy relay (internal/relay): sessions live at most a few minutes and are deleted on
-- completion or expiry. Only hashes of the code and tokens, public keys and ciphertext.

-- +goose Up
CREATE TABLE relay_sessions (
    id                  TEXT PRIMARY KEY,
    locator             TEXT NOT NULL UNIQUE,   -- the code's first digits, unique among stored sessions
    code_hash           BLOB NOT NULL,
    receiver_token_hash BLOB NOT NULL,
    sender_token_hash   BLOB,
    commitment          BLOB NOT NULL,
    receiver_key        BLOB,
    sender_key          BLOB,
    payload             BLOB,
    failed_tries        INTEGER NOT NULL DEFAULT 0,
    created_at          INTEGER NOT NULL,
    expires_at          INTEGER NOT NULL,
    claimed_at          INTEGER,
    revealed_at         INTEGER,
    sent_at             INTEGER
) STRICT;
CREATE INDEX relay_sessions_expires_at ON relay_sessions (expires_at);

-- +goose Down
DROP TABLE relay_sessions;
