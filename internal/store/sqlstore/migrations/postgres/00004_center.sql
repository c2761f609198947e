-- Certificate center (PostgreSQL): customers, identity verifications, the enrollment to
-- customer link, other-institution registrations, billing, expiry reminders and the
-- development outbox. Personal data is sealed (BYTEAciphertext) or keyed-hashed; no
-- column holds an identity number, code, PIN, phone number or e-mail in clear.
-- The SQLite twin is migrations/sqlite/00004_center.sql; keep them in step.

-- +goose Up
CREATE TABLE customers (
    id               TEXT    PRIMARY KEY,
    institution_code TEXT    NOT NULL REFERENCES institutions (code),
    idn_hash         BYTEA   NOT NULL, -- HMAC of the identity number (sealer.MAC)
    idn_cipher       BYTEA   NOT NULL, -- sealed, bound to the id
    profile_cipher   BYTEA   NOT NULL, -- sealed JSON: name, phone, e-mail, accounts
    created_at       BIGINT  NOT NULL,
    UNIQUE (institution_code, idn_hash)
);

CREATE TABLE verifications (
    id               TEXT    PRIMARY KEY,
    institution_code TEXT    NOT NULL REFERENCES institutions (code),
    customer_id      TEXT    NOT NULL REFERENCES customers (id),
    method           TEXT    NOT NULL,
    status           TEXT    NOT NULL,
    secret           BYTEA,             -- HMAC of the one-time code, or the challenge
    tries            INTEGER NOT NULL DEFAULT 0,
    created_at       BIGINT  NOT NULL,
    expires_at       BIGINT  NOT NULL,
    verified_at      BIGINT,
    used_at          BIGINT,
    teller_id        TEXT    NOT NULL DEFAULT '',
    evidence         TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX verifications_customer ON verifications (customer_id, method, status);

-- Which customer an enrollment (and so every certificate of its line) belongs to.
CREATE TABLE enrollment_customers (
    reference        TEXT    PRIMARY KEY REFERENCES enrollments (reference),
    customer_id      TEXT    NOT NULL REFERENCES customers (id),
    verification_id  TEXT    NOT NULL REFERENCES verifications (id)
);
CREATE INDEX enrollment_customers_customer ON enrollment_customers (customer_id);

CREATE TABLE registrations (
    id               TEXT    PRIMARY KEY,
    institution_code TEXT    NOT NULL REFERENCES institutions (code),
    customer_id      TEXT    NOT NULL REFERENCES customers (id),
    serial           TEXT    NOT NULL,
    issuer           TEXT    NOT NULL,
    subject          TEXT    NOT NULL,
    cert_der         BYTEA   NOT NULL,
    not_after        BIGINT  NOT NULL,
    created_at       BIGINT  NOT NULL,
    UNIQUE (customer_id, issuer, serial)
);
CREATE INDEX registrations_institution ON registrations (institution_code, customer_id);

CREATE TABLE billing (
    serial           TEXT    PRIMARY KEY,
    institution_code TEXT    NOT NULL,
    kind             TEXT    NOT NULL,
    usage            TEXT    NOT NULL,
    policy_oid       TEXT    NOT NULL,
    amount_krw       BIGINT  NOT NULL,
    note             TEXT    NOT NULL,
    created_at       BIGINT  NOT NULL
);
CREATE INDEX billing_institution ON billing (institution_code, created_at);

-- One row per certificate and threshold (days): the claim that makes a reminder go out
-- once across nodes. A claim whose sender died (sent_at NULL, claimed_at old) is taken over.
CREATE TABLE reminders (
    serial           TEXT    NOT NULL,
    threshold        INTEGER NOT NULL,
    claimed_by       TEXT    NOT NULL,
    claimed_at       BIGINT  NOT NULL,
    sent_at          BIGINT,
    PRIMARY KEY (serial, threshold)
);

CREATE TABLE outbox (
    id               BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    institution_code TEXT    NOT NULL,
    channel          TEXT    NOT NULL,
    recipient        TEXT    NOT NULL, -- masked
    subject          TEXT    NOT NULL,
    body             TEXT    NOT NULL,
    created_at       BIGINT  NOT NULL
);
CREATE INDEX outbox_institution ON outbox (institution_code, id);

-- +goose Down
DROP TABLE outbox;
DROP TABLE reminders;
DROP TABLE billing;
DROP TABLE registrations;
DROP TABLE enrollment_customers;
DROP TABLE verifications;
DROP TABLE customers;
