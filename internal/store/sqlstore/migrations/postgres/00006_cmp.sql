-- CMP (internal/cmphttp): an issuance awaiting its certConf (RFC 4210 section 5.3.18),
-- so that any node can check the certConf that follows an ip/cp/kup. Rows live for the
-- confirmation wait time and are deleted when they expire. No secrets: the MAC of a
-- certConf is checked with the enrollment's code, sealed in enrollments.

-- +goose Up
CREATE TABLE cmp_transactions (
    transaction_id BYTEA PRIMARY KEY,     -- the client's transactionID
    serial         TEXT NOT NULL,         -- the certificate issued (hex)
    cert_req_id    BIGINT NOT NULL,
    nonce          BYTEA NOT NULL,        -- senderNonce of our answer: the certConf's recipNonce
    reference      TEXT NOT NULL,         -- PBM: the enrollment reference (senderKID); '' otherwise
    signer_serial  TEXT NOT NULL,         -- signature (kur): the certificate that signed; '' otherwise
    created_at     BIGINT NOT NULL,
    expires_at     BIGINT NOT NULL
);
CREATE INDEX cmp_transactions_expires_at ON cmp_transactions (expires_at);

-- +goose Down
DROP TABLE cmp_transactions;
