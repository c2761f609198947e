-- Foundation schema (PostgreSQL). Timestamps are BIGINT unix microseconds (UTC), the
-- precision both dialects keep exactly and the one the audit hash covers.
-- The SQLite twin is migrations/sqlite/00001_foundation.sql; keep them in step.

-- +goose Up
CREATE TABLE bootstrap (
    id               INTEGER PRIMARY KEY CHECK (id = 1), -- a single row: the first start happened
    done_at          BIGINT  NOT NULL
);

CREATE TABLE authorities (
    id               TEXT    PRIMARY KEY,
    role             TEXT    NOT NULL,
    cert_der         BYTEA   NOT NULL,
    key_ref          TEXT    NOT NULL,
    created_at       BIGINT  NOT NULL
);

CREATE TABLE institutions (
    code             TEXT    PRIMARY KEY,
    name             TEXT    NOT NULL,
    short_name       TEXT    NOT NULL,
    api_key_hash     BYTEA   NOT NULL UNIQUE,
    created_at       BIGINT  NOT NULL
);

CREATE TABLE enrollments (
    reference        TEXT    PRIMARY KEY,
    institution_code TEXT    NOT NULL REFERENCES institutions (code),
    name             TEXT    NOT NULL,
    idn_cipher       BYTEA   NOT NULL,
    auth_code_cipher BYTEA   NOT NULL,
    kind             TEXT    NOT NULL,
    usage            TEXT    NOT NULL,
    verification     TEXT    NOT NULL,
    teller_id        TEXT    NOT NULL,
    created_at       BIGINT  NOT NULL,
    expires_at       BIGINT  NOT NULL,
    failed_tries     INTEGER NOT NULL DEFAULT 0,
    locked           BOOLEAN NOT NULL DEFAULT FALSE,
    used_at          BIGINT,
    claimed_until    BIGINT,
    issued_serial    TEXT
);
CREATE INDEX enrollments_institution ON enrollments (institution_code, created_at);
CREATE INDEX enrollments_expires ON enrollments (expires_at);

-- Every serial ever reserved. Rows are never deleted, so a serial is never reused even
-- when the issuance that reserved it failed.
CREATE TABLE serials (
    serial           TEXT    PRIMARY KEY, -- lowercase hex
    issuer_id        TEXT    NOT NULL,
    reserved_at      BIGINT  NOT NULL,
    used             BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE certificates (
    serial           TEXT    PRIMARY KEY REFERENCES serials (serial),
    issuer_id        TEXT    NOT NULL,
    institution_code TEXT    NOT NULL,
    enrollment_ref   TEXT    NOT NULL,
    common_name      TEXT    NOT NULL,
    kind             TEXT    NOT NULL,
    usage            TEXT    NOT NULL,
    not_before       BIGINT  NOT NULL,
    not_after        BIGINT  NOT NULL,
    crl_partition    INTEGER NOT NULL,
    der              BYTEA   NOT NULL,
    status           TEXT    NOT NULL,
    revoked_at       BIGINT,
    reason           INTEGER,
    created_at       BIGINT  NOT NULL
);
CREATE INDEX certificates_institution ON certificates (institution_code, created_at);
-- CRLs list the revoked and suspended certificates of one partition. A partial index
-- holds only those, so issuing a (valid) certificate never touches it.
CREATE INDEX certificates_status_partition ON certificates (crl_partition, status) WHERE status <> 'valid';
CREATE INDEX certificates_not_after ON certificates (not_after);

-- Per institution and day counters for the serial part of common names.
CREATE TABLE cn_sequences (
    institution      TEXT    NOT NULL,
    day              TEXT    NOT NULL,
    seq              BIGINT  NOT NULL, -- the last value handed out
    PRIMARY KEY (institution, day)
);

-- One row per audit chain: the last seq and hash. Appending locks the row, so entries of
-- one chain are strictly sequential while chains proceed in parallel.
CREATE TABLE audit_heads (
    chain            INTEGER PRIMARY KEY,
    seq              BIGINT  NOT NULL,
    hash             BYTEA   NOT NULL
);

CREATE TABLE audit_log (
    chain            INTEGER NOT NULL,
    seq              BIGINT  NOT NULL,
    at               BIGINT  NOT NULL,
    type             TEXT    NOT NULL,
    actor            TEXT    NOT NULL,
    institution      TEXT    NOT NULL,
    subject          TEXT    NOT NULL,
    details          TEXT    NOT NULL, -- JSON object, or null
    prev_hash        BYTEA   NOT NULL,
    hash             BYTEA   NOT NULL,
    PRIMARY KEY (chain, seq)
);
-- No index on subject yet: every index is a page written per audited change. Add one in
-- a later migration when a per-certificate history is served from the log.

-- +goose Down
DROP TABLE audit_log;
DROP TABLE audit_heads;
DROP TABLE cn_sequences;
DROP TABLE certificates;
DROP TABLE serials;
DROP TABLE enrollments;
DROP TABLE institutions;
DROP TABLE authorities;
DROP TABLE bootstrap;
