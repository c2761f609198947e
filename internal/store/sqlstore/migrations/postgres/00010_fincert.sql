-- Financial certificate (internal/cloudcert, KOREAN-PKI.md section 9). Nothing here is
-- usable alone: keys and R are wrapped under the key source's KEK, PIN verifiers are
-- keyed by the key source's pepper, the phone is sealed, persons and lookups are keyed
-- hashes, codes are stored as keyed hashes.

-- +goose Up
CREATE TABLE fincert_lines (
    id               TEXT PRIMARY KEY,
    person           BYTEA NOT NULL,
    lookup           BYTEA NOT NULL,
    serial           TEXT NOT NULL UNIQUE,
    institution_code TEXT NOT NULL,
    wrapped_key      BYTEA NOT NULL,
    wrapped_r        BYTEA NOT NULL,
    phone_cipher     BYTEA,
    pin_hash         BYTEA,
    pin_fails        INTEGER NOT NULL DEFAULT 0,
    pin_locked       INTEGER NOT NULL DEFAULT 0,
    auto_renew       INTEGER NOT NULL DEFAULT 0,
    active           INTEGER NOT NULL,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);
-- One active financial certificate per person across all institutions.
CREATE UNIQUE INDEX fincert_lines_active_person ON fincert_lines (person) WHERE active = 1;
CREATE INDEX fincert_lines_lookup ON fincert_lines (lookup) WHERE active = 1;

CREATE TABLE fincert_devices (
    id              TEXT PRIMARY KEY,
    person          BYTEA NOT NULL,
    spki            BYTEA NOT NULL,
    label           TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    last_used_at    BIGINT,
    disconnected_at BIGINT
);
CREATE INDEX fincert_devices_person ON fincert_devices (person);

CREATE TABLE fincert_challenges (
    nonce      BYTEA PRIMARY KEY,
    device_id  TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);
CREATE INDEX fincert_challenges_expires_at ON fincert_challenges (expires_at);

CREATE TABLE fincert_pending (
    id         TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    line_id    TEXT NOT NULL,
    secret     BYTEA NOT NULL,
    spki       BYTEA,
    label      TEXT NOT NULL,
    tries      INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);
CREATE INDEX fincert_pending_expires_at ON fincert_pending (expires_at);

CREATE TABLE fincert_sign_requests (
    id               TEXT PRIMARY KEY,
    institution_code TEXT NOT NULL,
    request          BYTEA NOT NULL,
    created_at       BIGINT NOT NULL,
    expires_at       BIGINT NOT NULL,
    used_at          BIGINT,
    serial           TEXT
);
CREATE INDEX fincert_sign_requests_expires_at ON fincert_sign_requests (expires_at);

-- +goose Down
DROP TABLE fincert_sign_requests;
DROP TABLE fincert_pending;
DROP TABLE fincert_challenges;
DROP TABLE fincert_devices;
DROP TABLE fincert_lines;
