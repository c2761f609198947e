-- Rate limits (internal/ratelimit): one counter per key and fixed window, shared by every
-- node. Keys name a rule and a client address or target (a reference number); no secret.
-- Rows are deleted once no decision reads them (two windows after their start).

-- +goose Up
CREATE TABLE rate_limits (
    key          TEXT NOT NULL,
    window_start INTEGER NOT NULL,        -- microseconds since the epoch
    count        INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    PRIMARY KEY (key, window_start)
) STRICT;
CREATE INDEX rate_limits_expires_at ON rate_limits (expires_at);

-- +goose Down
DROP TABLE rate_limits;
