-- Foundation schema (SQLite). Tables are STRICT, so a wrongly typed value is an error;
-- booleans are INTEGER 0/1. Timestamps are INTEGER unix microseconds (UTC), the
-- precision both dialects keep exactly and the one the audit hash covers.
-- The PostgreSQL twin is migrations/postgres/00001_foundation.sql; keep them in step.

-- +goose Up
CREATE TABLE bootstrap (
    id               INTEGER PRIMARY KEY CHECK (id = 1), -- a single row: the first start happened
    done_at          INTEGER NOT NULL
) STRICT;

CREATE TABLE authorities (
    id               TEXT    PRIMARY KEY,
    role             TEXT    NOT NULL,
    cert_der         BLOB    NOT NULL,
    key_ref          TEXT    NOT NULL,
    created_at       INTEGER NOT NULL
) STRICT;

CREATE TABLE institutions (
    code             TEXT    PRIMARY KEY,
    name             TEXT    NOT NULL,
    short_name       TEXT    NOT NULL,
    api_key_hash     BLOB    NOT NULL UNIQUE,
    created_at       INTEGER NOT NULL
) STRICT;

CREATE TABLE enrollments (
    reference        TEXT    PRIMARY KEY,
    institution_code TEXT    NOT NULL REFERENCES institutions (code),
    name             TEXT    NOT NULL,
    idn_cipher       BLOB    NOT NULL,
    auth_code_cipher BLOB    NOT NULL,
    kind             TEXT    NOT NULL,
    usage            TEXT    NOT NULL,
    verification     TEXT    NOT NULL,
    teller_id        TEXT    NOT NULL,
    created_at       INTEGER NOT NULL,
    expires_at       INTEGER NOT NULL,
    failed_tries     INTEGER NOT NULL DEFAULT 0,
    locked           INTEGER NOT NULL DEFAULT 0,
    used_at          INTEGER,
    claimed_until    INTEGER,
    issued_serial    TEXT
) STRICT;
CREATE INDEX enrollments_institution ON enrollments (institution_code, created_at);
CREATE INDEX enrollments_expires ON enrollments (expires_at);

-- Every serial ever reserved. Rows are never deleted, so a serial is never reused even
-- when the issuance that reserved it failed.
CREATE TABLE serials (
    serial           TEXT    PRIMARY KEY, -- lowercase hex
    issuer_id        TEXT    NOT NULL,
    reserved_at      INTEGER NOT NULL,
    used             INTEGER NOT NULL DEFAULT 0
) STRICT, WITHOUT ROWID;

CREATE TABLE certificates (
    serial           TEXT    PRIMARY KEY REFERENCES serials (serial),
    issuer_id        TEXT    NOT NULL,
    institution_code TEXT    NOT NULL,
    enrollment_ref   TEXT    NOT NULL,
    common_name      TEXT    NOT NULL,
    kind             TEXT    NOT NULL,
    usage            TEXT    NOT NULL,
    not_before       INTEGER NOT NULL,
    not_after        INTEGER NOT NULL,
    crl_partition    INTEGER NOT NULL,
    der              BLOB    NOT NULL,
    status           TEXT    NOT NULL,
    revoked_at       INTEGER,
    reason           INTEGER,
    created_at       INTEGER NOT NULL
) STRICT;
CREATE INDEX certificates_institution ON certificates (institution_code, created_at);
-- CRLs list the revoked and suspended certificates of one partition. A partial index
-- holds only those, so issuing a (valid) certificate never touches it.
CREATE INDEX certificates_status_partition ON certificates (crl_partition, status) WHERE status <> 'valid';
CREATE INDEX certificates_not_after ON certificates (not_after);

-- Per institution and day counters for the serial part of common names.
CREATE TABLE cn_sequences (
    institution      TEXT    NOT NULL,
    day              TEXT    NOT NULL,
    seq              INTEGER NOT NULL, -- the last value handed out
    PRIMARY KEY (institution, day)
) STRICT, WITHOUT ROWID;

-- One row per audit chain: the last seq and hash. Appending locks the row, so entries of
-- one chain are strictly sequential while chains proceed in parallel.
CREATE TABLE audit_heads (
    chain            INTEGER PRIMARY KEY,
    seq              INTEGER NOT NULL,
    hash             BLOB    NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE audit_log (
    chain            INTEGER NOT NULL,
    seq              INTEGER NOT NULL,
    at               INTEGER NOT NULL,
    type             TEXT    NOT NULL,
    actor            TEXT    NOT NULL,
    institution      TEXT    NOT NULL,
    subject          TEXT    NOT NULL,
    details          TEXT    NOT NULL, -- JSON object, or null
    prev_hash        BLOB    NOT NULL,
    hash             BLOB    NOT NULL,
    PRIMARY KEY (chain, seq)
) STRICT, WITHOUT ROWID;
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
