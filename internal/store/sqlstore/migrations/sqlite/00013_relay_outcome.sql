-- Copy relay outcome (internal/relay): the receiving device reports, end to end
-- encrypted, whether it stored the files or refused them; the sender reads it. Storing
-- it clears the payload, which the receiver has read.

-- +goose Up
ALTER TABLE relay_sessions ADD COLUMN outcome BLOB;
ALTER TABLE relay_sessions ADD COLUMN done_at INTEGER;

-- +goose Down
ALTER TABLE relay_sessions DROP COLUMN done_at;
ALTER TABLE relay_sessions DROP COLUMN outcome;
