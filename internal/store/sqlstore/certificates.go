package sqlstore

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store"
)

// useSerialSQL marks a reserved serial used; it changes no row when the serial was not
// reserved (by this issuer) or is already used, which StoreCertificate reports as a
// conflict before writing anything else.
const useSerialSQL = `UPDATE serials SET used = TRUE WHERE serial = ? AND issuer_id = ? AND used = FALSE`

const insertCertificateSQL = `INSERT INTO certificates (serial, issuer_id, institution_code, enrollment_ref, common_name,
kind, usage, not_before, not_after, crl_partition, der, status, revoked_at, reason, created_at,
replaces, invalidity_date, confirm_by, status_at, tbs, tbs_tag)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// redeemEnrollmentSQL marks a claimed, unused enrollment used by a certificate.
const redeemEnrollmentSQL = `UPDATE enrollments SET used_at = ?, claimed_until = NULL, issued_serial = ?
WHERE reference = ? AND used_at IS NULL AND claimed_until IS NOT NULL`

// StoreCertificate stores c, marks its serial used, redeems the enrollment redeemRef
// (when not empty) and appends ev, in one transaction. It returns store.ErrConflict,
// having written nothing, when c's serial was not reserved by c.IssuerID or is already
// used, or when redeemRef is not claimed-and-unused. An empty Status stores as valid and
// a zero CreatedAt as the store's clock. A pending c (TBS set, DER empty) is completed
// later by FinishCertificates.
func (db *DB) StoreCertificate(ctx context.Context, c model.Certificate, redeemRef string, ev model.AuditEvent) error {
	_, err := db.StoreCertificateFinishing(ctx, c, redeemRef, ev, nil)
	return err
}

// StoreCertificateFinishing is StoreCertificate that also writes, in the same
// transaction, the DER of the earlier pending certificates in finish, as
// FinishCertificates without an event would, and returns those that were not pending.
// A CA that issues back to back thus writes each certificate's DER with the next one's
// row, in one transaction instead of two. When c cannot be stored, no DER is written.
func (db *DB) StoreCertificateFinishing(ctx context.Context, c model.Certificate, redeemRef string, ev model.AuditEvent, finish []model.SignedCertificate) (notPending []model.Serial, err error) {
	if err := checkDERs(finish); err != nil {
		return nil, err
	}
	if db.d.name == "postgres" {
		return db.pgStoreCertificate(ctx, c, redeemRef, ev, finish) // two round trips instead of seven: pgpipeline.go
	}
	now := db.clock()
	err = db.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := db.storeCertificateTx(ctx, tx, c, redeemRef, now); err != nil {
			return err
		}
		var err error
		if notPending, err = db.finishTx(ctx, tx, finish); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, ev)
	})
	if err != nil {
		return nil, err
	}
	return notPending, nil
}

// storeCertificateTx is StoreCertificate's work inside tx, without the audit entry.
func (db *DB) storeCertificateTx(ctx context.Context, tx *sql.Tx, c model.Certificate, redeemRef string, now time.Time) error {
	serial := c.Serial.String()
	row, ok := certificateRow(c, serial, now)
	n, err := execTx(ctx, tx, db.st.useSerial, serial, c.IssuerID)
	if err != nil {
		return wrapf(err, "store certificate %s: serial", serial)
	}
	if n == 0 {
		return errSerialNotReserved(serial, c.IssuerID)
	}
	if !ok {
		return errDERorTBS(serial)
	}
	if _, err := execTx(ctx, tx, db.st.insertCertificate, row[:]...); err != nil {
		return db.conflictOr(err, "store certificate %s", serial)
	}
	if redeemRef != "" {
		n, err := execTx(ctx, tx, db.st.redeemEnrollment, micros(now), serial, redeemRef)
		if err != nil {
			return wrapf(err, "store certificate %s: redeem enrollment %s", serial, redeemRef)
		}
		if n == 0 {
			return errNotRedeemable(serial, redeemRef)
		}
	}
	return nil
}

// certificateRow returns the arguments of insertCertificateSQL for c, whose serial is
// serial, with its defaults filled in, and whether c carries exactly one of its DER and
// its TBSCertificate (callers report that after the serial check, as they always have).
// An array rather than a slice, so that it stays on the caller's stack.
func certificateRow(c model.Certificate, serial string, now time.Time) (row [21]any, ok bool) {
	if c.Status == "" {
		c.Status = model.StatusValid
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = now
	}
	if c.StatusAt.IsZero() {
		c.StatusAt = c.CreatedAt
	}
	var reason sql.NullInt64
	if c.Reason != nil {
		reason = sql.NullInt64{Int64: int64(*c.Reason), Valid: true}
	}
	var replaces sql.NullString
	if len(c.Replaces) > 0 {
		replaces = sql.NullString{String: c.Replaces.String(), Valid: true}
	}
	der, tbs, tag := c.DER, nullBytes(c.TBS), nullBytes(c.TBSTag)
	if der == nil {
		der = []byte{} // NOT NULL: empty until FinishCertificates
	}
	return [21]any{serial, c.IssuerID, c.InstitutionCode, c.EnrollmentRef, c.CommonName,
		string(c.Kind), string(c.Usage), micros(c.NotBefore), micros(c.NotAfter), c.Partition, der, string(c.Status),
		nullMicros(c.RevokedAt), reason, micros(c.CreatedAt), replaces, nullMicros(c.InvalidityDate),
		nullMicros(c.ConfirmBy), micros(c.StatusAt), tbs, tag}, (len(c.DER) == 0) != (len(c.TBS) == 0)
}

// StoreCertificate's refusals, shared by both paths so that they read the same.

func errSerialNotReserved(serial, issuerID string) error {
	return fmt.Errorf("sqlstore: store certificate %s: serial not reserved by %q or already used: %w", serial, issuerID, store.ErrConflict)
}

func errDERorTBS(serial string) error {
	return fmt.Errorf("sqlstore: store certificate %s: want either its DER or, while it is signed, its TBSCertificate", serial)
}

func errNotRedeemable(serial, ref string) error {
	return fmt.Errorf("sqlstore: store certificate %s: enrollment %s is not claimed, or already used, or unknown: %w", serial, ref, store.ErrConflict)
}

const certificateColumns = `serial, issuer_id, institution_code, enrollment_ref, common_name, kind, usage,
not_before, not_after, crl_partition, der, status, revoked_at, reason, created_at,
replaces, invalidity_date, confirm_by, status_at, tbs, tbs_tag`

const certificateSQL = `SELECT ` + certificateColumns + ` FROM certificates WHERE serial = ?`

func scanCertificate(sc interface{ Scan(...any) error }) (model.Certificate, error) {
	var (
		c                               model.Certificate
		serial, kind, usage, status     string
		notBefore, notAfter, createdAt  int64
		revokedAt, reason               sql.NullInt64
		invalidity, confirmBy, statusAt sql.NullInt64
		replaces                        sql.NullString
	)
	if err := sc.Scan(&serial, &c.IssuerID, &c.InstitutionCode, &c.EnrollmentRef, &c.CommonName, &kind, &usage,
		&notBefore, &notAfter, &c.Partition, &c.DER, &status, &revokedAt, &reason, &createdAt,
		&replaces, &invalidity, &confirmBy, &statusAt, &c.TBS, &c.TBSTag); err != nil {
		return model.Certificate{}, err
	}
	s, err := hex.DecodeString(serial)
	if err != nil {
		return model.Certificate{}, fmt.Errorf("stored serial %q is not hex: %w", serial, err)
	}
	c.Serial = s
	if len(c.DER) == 0 {
		c.DER = nil // pending: PostgreSQL gives an empty slice, SQLite nil
	}
	c.Kind, c.Usage, c.Status = model.Kind(kind), model.Usage(usage), model.CertStatus(status)
	c.NotBefore, c.NotAfter, c.CreatedAt = fromMicros(notBefore), fromMicros(notAfter), fromMicros(createdAt)
	c.RevokedAt = fromNullMicros(revokedAt)
	c.InvalidityDate, c.ConfirmBy = fromNullMicros(invalidity), fromNullMicros(confirmBy)
	c.StatusAt = c.CreatedAt
	if statusAt.Valid {
		c.StatusAt = fromMicros(statusAt.Int64)
	}
	if replaces.Valid {
		if c.Replaces, err = hex.DecodeString(replaces.String); err != nil {
			return model.Certificate{}, fmt.Errorf("stored replaces %q is not hex: %w", replaces.String, err)
		}
	}
	if reason.Valid {
		r := model.RevocationReason(reason.Int64)
		c.Reason = &r
	}
	return c, nil
}

// RenewalOf returns the certificate in service (valid, confirmed or not) that renewed
// old, or store.ErrNotFound when there is none.
func (db *DB) RenewalOf(ctx context.Context, old model.Serial) (model.Certificate, error) {
	cs, err := db.certificates(ctx, "renewal of "+old.String(), `SELECT `+certificateColumns+` FROM certificates
WHERE replaces = ? AND status = ? ORDER BY created_at DESC LIMIT 1`, old.String(), string(model.StatusValid))
	if err != nil {
		return model.Certificate{}, err
	}
	if len(cs) == 0 {
		return model.Certificate{}, fmt.Errorf("sqlstore: renewal of %s: %w", old, store.ErrNotFound)
	}
	return cs[0], nil
}

// Certificate returns the certificate with serial, or store.ErrNotFound.
func (db *DB) Certificate(ctx context.Context, serial model.Serial) (model.Certificate, error) {
	c, err := scanCertificate(db.st.certificate.QueryRowContext(ctx, serial.String()))
	if errors.Is(err, sql.ErrNoRows) {
		return model.Certificate{}, fmt.Errorf("sqlstore: certificate %s: %w", serial, store.ErrNotFound)
	}
	if err != nil {
		return model.Certificate{}, wrapf(err, "certificate %s", serial)
	}
	return c, nil
}

// certificates runs a query of certificateColumns on the read pool and scans every row;
// what names the list in errors.
func (db *DB) certificates(ctx context.Context, what, q string, args ...any) ([]model.Certificate, error) {
	rows, err := db.r.QueryContext(ctx, db.d.rebind(q), args...)
	if err != nil {
		return nil, wrapf(err, "%s", what)
	}
	defer rows.Close()
	var out []model.Certificate
	for rows.Next() {
		c, err := scanCertificate(rows)
		if err != nil {
			return nil, wrapf(err, "%s", what)
		}
		out = append(out, c)
	}
	return out, wrapRowsErr(rows.Err(), what)
}

// CountCertificates returns the number of stored certificates.
func (db *DB) CountCertificates(ctx context.Context) (int64, error) {
	var n int64
	if err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM certificates`).Scan(&n); err != nil {
		return 0, wrapf(err, "count certificates")
	}
	return n, nil
}
