-- Web sessions (internal/web): a customer's or staff member's browser session. The row
-- is found by the SHA-256 of the cookie's token (a dump does not yield live cookies);
-- its data (which customer was verified, the enrollment's reference and code between
-- two steps of the wizard) is sealed under the secrets key.

-- +goose Up
CREATE TABLE web_sessions (
    token_hash  BYTEA PRIMARY KEY,
    kind        TEXT NOT NULL,            -- 'center' or 'console'
    csrf        TEXT NOT NULL,
    data        BYTEA,                     -- sealed JSON
    created_at  BIGINT NOT NULL,
    seen_at     BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL          -- idle deadline: seen_at + the idle timeout
);
CREATE INDEX web_sessions_expires_at ON web_sessions (expires_at);

-- A customer's certificates (the web center's and the staff console's lists) are found
-- through enrollment_customers; renewals keep their line's enrollment reference.
CREATE INDEX certificates_enrollment_ref ON certificates (enrollment_ref);

-- +goose Down
DROP INDEX certificates_enrollment_ref;
DROP TABLE web_sessions;
