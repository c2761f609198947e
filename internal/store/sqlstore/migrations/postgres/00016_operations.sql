-- What the CA operator's console pages read that no other table records (internal/web/
-- console, operator.go): a revoked API key, the nodes of the deployment, and the
-- outcome of every notification sent.
--
-- An institution's API key is revoked by putting the hash of a key nobody holds in its
-- place: api_key_revocations keeps that hash, so the key is "revoked" while
-- institutions.api_key_hash still equals it and "active" again after a rotation.
-- nodes: each serving node's heartbeat (every 15 s) and, while it holds the revocation
-- publisher lock, since when. notifications: one row per message handed to the
-- transports, with the recipient masked and a keyed hash of it (to count retries),
-- never the body. certificates_institution_kind lets the institutions list tell which
-- kinds an institution issued with one index seek each, at any table size;
-- ocsp_responses_this_update gives the OCSP freshness (count, oldest, newest, stale)
-- from an index instead of a scan of every response's DER.

-- +goose Up
CREATE TABLE api_key_revocations (
    institution_code TEXT    PRIMARY KEY REFERENCES institutions (code),
    key_hash         BYTEA   NOT NULL,
    revoked_at       BIGINT  NOT NULL
);

CREATE TABLE nodes (
    id               TEXT    PRIMARY KEY,
    host             TEXT    NOT NULL,
    pid              BIGINT  NOT NULL,
    started_at       BIGINT  NOT NULL,
    last_seen_at     BIGINT  NOT NULL,
    publisher_since  BIGINT
);

CREATE TABLE notifications (
    id               BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    institution_code TEXT    NOT NULL,
    channel          TEXT    NOT NULL,
    recipient        TEXT    NOT NULL, -- masked
    recipient_key    TEXT    NOT NULL, -- keyed hash of institution, channel, recipient
    attempt          BIGINT  NOT NULL,
    ok               BOOLEAN NOT NULL,
    error            TEXT    NOT NULL,
    created_at       BIGINT  NOT NULL
);
CREATE INDEX notifications_created ON notifications (created_at);
CREATE INDEX notifications_key ON notifications (recipient_key, id);

CREATE INDEX certificates_institution_kind ON certificates (institution_code, kind);
CREATE INDEX ocsp_responses_this_update ON ocsp_responses (this_update);

-- +goose Down
DROP INDEX ocsp_responses_this_update;
DROP INDEX certificates_institution_kind;
DROP TABLE notifications;
DROP TABLE nodes;
DROP TABLE api_key_revocations;
