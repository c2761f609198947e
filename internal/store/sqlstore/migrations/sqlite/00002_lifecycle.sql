-- Lifecycle: renewal and reissue (replaces), revocation details, CMP confirmation, and
-- the time of the last status change (for OCSP caches and the change feed).

-- +goose Up
ALTER TABLE certificates ADD COLUMN replaces TEXT;          -- serial this certificate renewed or reissued
ALTER TABLE certificates ADD COLUMN invalidity_date INTEGER; -- RFC 5280 5.3.2, when known
ALTER TABLE certificates ADD COLUMN confirm_by INTEGER;      -- CMP: revoked unless confirmed by then; NULL = confirmed
ALTER TABLE certificates ADD COLUMN status_at INTEGER;       -- last status change
ALTER TABLE enrollments ADD COLUMN replaces_serial TEXT;    -- reissue: the certificate the new one supersedes
CREATE INDEX certificates_confirm_by ON certificates (confirm_by) WHERE confirm_by IS NOT NULL;
CREATE INDEX certificates_replaces ON certificates (replaces) WHERE replaces IS NOT NULL;

-- +goose Down
DROP INDEX certificates_replaces;
DROP INDEX certificates_confirm_by;
ALTER TABLE enrollments DROP COLUMN replaces_serial;
ALTER TABLE certificates DROP COLUMN status_at;
ALTER TABLE certificates DROP COLUMN confirm_by;
ALTER TABLE certificates DROP COLUMN invalidity_date;
ALTER TABLE certificates DROP COLUMN replaces;
