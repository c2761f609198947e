-- Staff accounts (internal/web/console): an institution's tellers and supervisors, the
-- CA's operators and auditors. scope is an institution code or 'ca'. The password is an
-- argon2id hash (PHC string); the TOTP secret is sealed under the secrets key, bound to
-- the account id. failures counts wrong passwords or codes since the last good login;
-- at 5 the account is locked until an operator unlocks it.

-- +goose Up
CREATE TABLE staff_accounts (
    id            TEXT    PRIMARY KEY,
    scope         TEXT    NOT NULL,          -- institution code, or 'ca'
    name          TEXT    NOT NULL,          -- login name
    role          TEXT    NOT NULL,          -- teller, supervisor, operator, auditor
    password_hash TEXT    NOT NULL,          -- $argon2id$v=19$m=...,t=...,p=...$salt$hash
    totp_cipher   BLOB,                      -- sealed TOTP secret; NULL when the role needs none
    totp_step     INTEGER,                   -- the last TOTP time step accepted (RFC 6238 5.2: no replay)
    failures      INTEGER NOT NULL DEFAULT 0,
    locked_at     INTEGER,
    last_login_at INTEGER,
    created_at    INTEGER NOT NULL,
    UNIQUE (scope, name)
) STRICT;

-- The teller's search by certificate CN.
CREATE INDEX certificates_common_name ON certificates (common_name);

-- Institutions' API keys replaced by a rotation keep working until expires_at (the
-- overlap in which the institution deploys the new key); the current key stays in
-- institutions.api_key_hash.
CREATE TABLE institution_api_keys (
    key_hash         BLOB    PRIMARY KEY,       -- SHA-256 of the old key
    institution_code TEXT    NOT NULL REFERENCES institutions (code),
    expires_at       INTEGER NOT NULL,
    created_at       INTEGER NOT NULL
) STRICT;
CREATE INDEX institution_api_keys_code ON institution_api_keys (institution_code);

-- +goose Down
DROP INDEX certificates_common_name;
DROP TABLE institution_api_keys;
DROP TABLE staff_accounts;
