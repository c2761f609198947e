-- Revocation status: CRL numbers and signed CRLs per issuer and partition, pre-signed OCSP
-- responses, and the status change feed (filled by a trigger, so no write path can
-- forget it). SQLite serves one process: there is no NOTIFY; the process learns its own
-- changes directly and reads the feed for the rest. The PostgreSQL twin is
-- migrations/postgres/00003_revocation.sql; keep them in step.

-- +goose Up
CREATE TABLE crl_numbers (
    issuer_id        TEXT    NOT NULL,
    crl_partition    INTEGER NOT NULL,
    number           INTEGER NOT NULL,
    PRIMARY KEY (issuer_id, crl_partition)
) STRICT, WITHOUT ROWID;

CREATE TABLE crls (
    issuer_id        TEXT    NOT NULL,
    crl_partition    INTEGER NOT NULL,
    number           INTEGER NOT NULL,
    this_update      INTEGER NOT NULL,
    next_update      INTEGER NOT NULL,
    der              BLOB    NOT NULL,
    PRIMARY KEY (issuer_id, crl_partition)
) STRICT;

CREATE TABLE ocsp_responses (
    serial           TEXT    PRIMARY KEY,
    this_update      INTEGER NOT NULL,
    next_update      INTEGER NOT NULL,
    status_at        INTEGER NOT NULL,
    der              BLOB    NOT NULL
) STRICT;

CREATE TABLE status_changes (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    serial           TEXT    NOT NULL,
    issuer_id        TEXT    NOT NULL,
    crl_partition    INTEGER NOT NULL,
    at               INTEGER NOT NULL
) STRICT;
CREATE INDEX status_changes_at ON status_changes (at);

-- +goose StatementBegin
CREATE TRIGGER certificates_status_changed AFTER UPDATE OF status, revoked_at, reason, invalidity_date ON certificates
FOR EACH ROW WHEN OLD.status IS NOT NEW.status OR OLD.reason IS NOT NEW.reason
    OR OLD.revoked_at IS NOT NEW.revoked_at OR OLD.invalidity_date IS NOT NEW.invalidity_date
BEGIN
    INSERT INTO status_changes (serial, issuer_id, crl_partition, at)
    VALUES (NEW.serial, NEW.issuer_id, NEW.crl_partition, COALESCE(NEW.status_at, NEW.created_at));
    -- The shared pre-signed response no longer tells the truth.
    DELETE FROM ocsp_responses WHERE serial = NEW.serial;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER certificates_status_changed;
DROP TABLE status_changes;
DROP TABLE ocsp_responses;
DROP TABLE crls;
DROP TABLE crl_numbers;
