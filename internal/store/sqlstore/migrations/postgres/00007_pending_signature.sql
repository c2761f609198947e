-- Issuance stores a certificate before its signature leaves the process, while the CA
-- key is still signing (internal/ca, issue.go): the row holds the linted TBSCertificate
-- in tbs, der stays empty, and tbs_tag (an HMAC under the secrets key) lets the
-- authority sign exactly that TBSCertificate again if the process died before writing
-- the DER. A finished certificate has its DER and no tbs.

-- +goose Up
ALTER TABLE certificates ADD COLUMN tbs BYTEA;
ALTER TABLE certificates ADD COLUMN tbs_tag BYTEA;
CREATE INDEX certificates_pending ON certificates (created_at) WHERE tbs IS NOT NULL;

-- +goose Down
DROP INDEX certificates_pending;
ALTER TABLE certificates DROP COLUMN tbs_tag;
ALTER TABLE certificates DROP COLUMN tbs;
