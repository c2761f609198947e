-- Approvals (결재, internal/web/console): what a teller may not do alone is queued
-- here for a supervisor of the same institution. reason_cipher and decision_cipher are
-- sealed under the secrets key, bound to the id (free text may hold personal data);
-- params is JSON of serials, ids and kinds only. result_cipher is the sealed slip of an
-- approved action (an enrollment's reference and code, a PIN reset's id and code),
-- cleared when the asker has printed it. A pending row past expires_at is expired;
-- decisions are conditional updates (status = 'pending'), so one of two concurrent
-- approvals wins.

-- +goose Up
CREATE TABLE approvals (
    id               TEXT    PRIMARY KEY,
    institution_code TEXT    NOT NULL REFERENCES institutions (code),
    action           TEXT    NOT NULL,           -- corporate_reissue, revoke_on_behalf, unlock
    customer_id      TEXT    NOT NULL REFERENCES customers (id),
    subject          TEXT    NOT NULL,           -- certificate serial or customer id
    params           TEXT    NOT NULL,           -- JSON
    reason_cipher    BYTEA   NOT NULL,
    asked_by         TEXT    NOT NULL,           -- staff id
    asked_at         BIGINT  NOT NULL,
    expires_at       BIGINT  NOT NULL,
    status           TEXT    NOT NULL,           -- pending, executing, approved, failed, rejected
    decided_by       TEXT    NOT NULL DEFAULT '',
    decided_at       BIGINT,
    decision_cipher  BYTEA,
    outcome          TEXT    NOT NULL DEFAULT '',
    result_cipher    BYTEA
);
CREATE INDEX approvals_queue ON approvals (institution_code, status, asked_at);
CREATE INDEX approvals_customer ON approvals (customer_id, asked_at);

-- +goose Down
DROP TABLE approvals;
