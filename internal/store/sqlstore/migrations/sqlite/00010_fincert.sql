-- Financial certificate (internal/cloudcert, KOREAN-PKI.md section 9). Nothing here is
-- usable alone: keys and R are wrapped under the key source's KEK, PIN verifiers are
-- keyed by the key source's pepper, the phone is sealed, persons and lookups are keyed
-- hashes, codes are stored as keyed hashes.

-- +goose Up
CREATE TABLE fincert_lines (
    id               TEXT PRIMARY KEY,
    person           BLOB NOT NULL,
    lookup           BLOB NOT NULL,
    serial           TEXT NOT NULL UNIQUE,
    institution_code TEXT NOT NULL,
    wrapped_key      BLOB NOT NULL,
    wrapped_r        BLOB NOT NULL,
    phone_cipher     BLOB,
    pin_hash         BLOB,
    pin_fails        INTEGER NOT NULL DEFAULT 0,
    pin_locked       INTEGER NOT NULL DEFAULT 0,
    auto_renew       INTEGER NOT NULL DEFAULT 0,
    active           INTEGER NOT NULL,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
) STRICT;
-- One active financial certificate per person across all institutions.
CREATE UNIQUE INDEX fincert_lines_active_person ON fincert_lines (person) WHERE active = 1;
CREATE INDEX fincert_lines_lookup ON fincert_lines (lookup) WHERE active = 1;

CREATE TABLE fincert_devices (
    id              TEXT PRIMARY KEY,
    person          BLOB NOT NULL,
    spki            BLOB NOT NULL,
    label           TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    last_used_at    INTEGER,
    disconnected_at INTEGER
) STRICT;
CREATE INDEX fincert_devices_person ON fincert_devices (person);

CREATE TABLE fincert_challenges (
    nonce      BLOB PRIMARY KEY,
    device_id  TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
) STRICT;
CREATE INDEX fincert_challenges_expires_at ON fincert_challenges (expires_at);

CREATE TABLE fincert_pending (
    id         TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    line_id    TEXT NOT NULL,
    secret     BLOB NOT NULL,
    spki       BLOB,
    label      TEXT NOT NULL,
    tries      INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
) STRICT;
CREATE INDEX fincert_pending_expires_at ON fincert_pending (expires_at);

CREATE TABLE fincert_sign_requests (
    id               TEXT PRIMARY KEY,
    institution_code TEXT NOT NULL,
    request          BLOB NOT NULL,
    created_at       INTEGER NOT NULL,
    expires_at       INTEGER NOT NULL,
    used_at          INTEGER,
    serial           TEXT
) STRICT;
CREATE INDEX fincert_sign_requests_expires_at ON fincert_sign_requests (expires_at);

-- +goose Down
DROP TABLE fincert_sign_requests;
DROP TABLE fincert_pending;
DROP TABLE fincert_challenges;
DROP TABLE fincert_devices;
DROP TABLE fincert_lines;
