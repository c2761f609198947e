-- Revocation status: CRL numbers and signed CRLs per issuer and partition, pre-signed OCSP
-- responses shared by every node, and the status change feed that tells nodes which
-- certificates changed (a trigger fills it, so no write path can forget it, and
-- NOTIFY wakes the other nodes at commit). The SQLite twin is
-- migrations/sqlite/00003_revocation.sql; keep them in step.

-- +goose Up
-- The last CRL number handed out per issuer and partition (-1: the full CRL). Numbers
-- only grow (RFC 5280 section 5.2.3), across restarts and publishing nodes.
CREATE TABLE crl_numbers (
    issuer_id        TEXT    NOT NULL,
    crl_partition    INTEGER NOT NULL,
    number           BIGINT  NOT NULL,
    PRIMARY KEY (issuer_id, crl_partition)
);

-- The current signed CRL of each issuer and partition.
CREATE TABLE crls (
    issuer_id        TEXT    NOT NULL,
    crl_partition    INTEGER NOT NULL,
    number           BIGINT  NOT NULL,
    this_update      BIGINT  NOT NULL,
    next_update      BIGINT  NOT NULL,
    der              BYTEA   NOT NULL,
    PRIMARY KEY (issuer_id, crl_partition)
);

-- The pre-signed OCSP response of each certificate (SHA-1 CertID). status_at is the
-- certificate's status_at the response reflects: an older one is stale.
CREATE TABLE ocsp_responses (
    serial           TEXT    PRIMARY KEY,
    this_update      BIGINT  NOT NULL,
    next_update      BIGINT  NOT NULL,
    status_at        BIGINT  NOT NULL,
    der              BYTEA   NOT NULL
);

-- The status change feed, for nodes that missed a notification. Pruned after a day.
CREATE TABLE status_changes (
    seq              BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    serial           TEXT    NOT NULL,
    issuer_id        TEXT    NOT NULL,
    crl_partition    INTEGER NOT NULL,
    at               BIGINT  NOT NULL
);
CREATE INDEX status_changes_at ON status_changes (at);

-- Payloads on channel certcenter_status (NOTIFY is per database: the schema tells
-- deployments and test schemas apart):
--   s|<schema>|<seq>|<issuer>|<partition>|<serial>   a certificate's status changed
--   c|<schema>|<issuer>|<partition>|<number>          a CRL was published
-- +goose StatementBegin
CREATE FUNCTION certcenter_status_changed() RETURNS trigger AS $$
DECLARE
    s BIGINT;
BEGIN
    INSERT INTO status_changes (serial, issuer_id, crl_partition, at)
    VALUES (NEW.serial, NEW.issuer_id, NEW.crl_partition, COALESCE(NEW.status_at, NEW.created_at))
    RETURNING seq INTO s;
    -- The shared pre-signed response no longer tells the truth.
    DELETE FROM ocsp_responses WHERE serial = NEW.serial;
    PERFORM pg_notify('certcenter_status', 's|' || TG_TABLE_SCHEMA || '|' || s || '|' || NEW.issuer_id || '|' || NEW.crl_partition || '|' || NEW.serial);
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION certcenter_crl_published() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('certcenter_status', 'c|' || TG_TABLE_SCHEMA || '|' || NEW.issuer_id || '|' || NEW.crl_partition || '|' || NEW.number);
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

CREATE TRIGGER certificates_status_changed AFTER UPDATE OF status, revoked_at, reason, invalidity_date ON certificates
FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.reason IS DISTINCT FROM NEW.reason
    OR OLD.revoked_at IS DISTINCT FROM NEW.revoked_at OR OLD.invalidity_date IS DISTINCT FROM NEW.invalidity_date)
EXECUTE FUNCTION certcenter_status_changed();

CREATE TRIGGER crls_published AFTER INSERT OR UPDATE ON crls
FOR EACH ROW EXECUTE FUNCTION certcenter_crl_published();

-- +goose Down
DROP TRIGGER crls_published ON crls;
DROP TRIGGER certificates_status_changed ON certificates;
DROP FUNCTION certcenter_crl_published();
DROP FUNCTION certcenter_status_changed();
DROP TABLE status_changes;
DROP TABLE ocsp_responses;
DROP TABLE crls;
DROP TABLE crl_numbers;
