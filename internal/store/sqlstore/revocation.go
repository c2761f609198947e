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

// Revocation status storage (migration 00003): CRL entries, CRL numbers, signed CRLs,
// pre-signed OCSP responses and the status change feed.

// ListRevoked calls fn for every revoked or suspended certificate of issuerID in
// partition (every partition for model.FullCRL) whose notAfter is after notAfterAfter.
// The order is unspecified. Suspended certificates come with reason certificateHold; a
// revocation without a stored reason comes as unspecified. An error from fn stops the
// walk and is returned.
func (db *DB) ListRevoked(ctx context.Context, issuerID string, partition int, notAfterAfter time.Time, fn func(model.RevokedEntry) error) error {
	// "status <> 'valid'" is spelled as in the partial index certificates_status_partition,
	// so that both databases use it.
	q := `SELECT serial, status, revoked_at, reason, invalidity_date, not_after, status_at, created_at FROM certificates
WHERE status <> 'valid' AND status IN ('revoked', 'suspended') AND issuer_id = ? AND not_after > ?`
	args := []any{issuerID, micros(notAfterAfter)}
	if partition != model.FullCRL {
		q += ` AND crl_partition = ?`
		args = append(args, partition)
	}
	rows, err := db.r.QueryContext(ctx, db.d.rebind(q), args...)
	if err != nil {
		return wrapf(err, "list revoked of %s partition %d", issuerID, partition)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			serial, status                string
			revokedAt, reason, invalidity sql.NullInt64
			statusAt                      sql.NullInt64
			notAfter, createdAt           int64
		)
		if err := rows.Scan(&serial, &status, &revokedAt, &reason, &invalidity, &notAfter, &statusAt, &createdAt); err != nil {
			return wrapf(err, "list revoked")
		}
		s, err := hex.DecodeString(serial)
		if err != nil {
			return fmt.Errorf("sqlstore: list revoked: stored serial %q is not hex: %w", serial, err)
		}
		e := model.RevokedEntry{Serial: s, NotAfter: fromMicros(notAfter), InvalidityDate: fromNullMicros(invalidity)}
		switch {
		case revokedAt.Valid:
			e.RevokedAt = fromMicros(revokedAt.Int64)
		case statusAt.Valid:
			e.RevokedAt = fromMicros(statusAt.Int64)
		default:
			e.RevokedAt = fromMicros(createdAt)
		}
		if reason.Valid {
			e.Reason = model.RevocationReason(reason.Int64)
		}
		if model.CertStatus(status) == model.StatusSuspended {
			e.Reason = model.ReasonCertificateHold
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return wrapf(err, "list revoked")
	}
	return nil
}

// NextCRLNumber hands out the next CRL number of issuerID's partition: 1 first, then
// one more than the last, whichever node asks; numbers are never handed out twice.
func (db *DB) NextCRLNumber(ctx context.Context, issuerID string, partition int) (int64, error) {
	var n int64
	err := db.w.QueryRowContext(ctx, db.d.rebind(`INSERT INTO crl_numbers (issuer_id, crl_partition, number) VALUES (?, ?, 1)
ON CONFLICT (issuer_id, crl_partition) DO UPDATE SET number = crl_numbers.number + 1 RETURNING number`), issuerID, partition).Scan(&n)
	if err != nil {
		return 0, wrapf(err, "next CRL number of %s partition %d", issuerID, partition)
	}
	return n, nil
}

// StoreCRL makes c the current CRL of its issuer and partition, unless one with the
// same or a higher number is already stored: then it returns store.ErrConflict and
// changes nothing (a node that lost the publishing lock cannot roll a CRL back).
func (db *DB) StoreCRL(ctx context.Context, c model.CRL) error {
	res, err := db.w.ExecContext(ctx, db.d.rebind(`INSERT INTO crls (issuer_id, crl_partition, number, this_update, next_update, der)
VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (issuer_id, crl_partition) DO UPDATE SET number = excluded.number, this_update = excluded.this_update,
next_update = excluded.next_update, der = excluded.der WHERE crls.number < excluded.number`),
		c.IssuerID, c.Partition, c.Number, micros(c.ThisUpdate), micros(c.NextUpdate), c.DER)
	if err != nil {
		return wrapf(err, "store CRL %s partition %d", c.IssuerID, c.Partition)
	}
	if n, err := res.RowsAffected(); err != nil {
		return wrapf(err, "store CRL %s partition %d", c.IssuerID, c.Partition)
	} else if n == 0 {
		return fmt.Errorf("sqlstore: store CRL %s partition %d number %d: a CRL with this or a higher number is stored: %w",
			c.IssuerID, c.Partition, c.Number, store.ErrConflict)
	}
	return nil
}

// CRL returns the current CRL of issuerID's partition, or store.ErrNotFound.
func (db *DB) CRL(ctx context.Context, issuerID string, partition int) (model.CRL, error) {
	c := model.CRL{IssuerID: issuerID, Partition: partition}
	var this, next int64
	err := db.r.QueryRowContext(ctx, db.d.rebind(`SELECT number, this_update, next_update, der FROM crls WHERE issuer_id = ? AND crl_partition = ?`),
		issuerID, partition).Scan(&c.Number, &this, &next, &c.DER)
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("sqlstore: CRL %s partition %d: %w", issuerID, partition, store.ErrNotFound)
	}
	if err != nil {
		return c, wrapf(err, "CRL %s partition %d", issuerID, partition)
	}
	c.ThisUpdate, c.NextUpdate = fromMicros(this), fromMicros(next)
	return c, nil
}

// CRLHeads returns the current CRLs of issuerID without their DER, for scheduling.
func (db *DB) CRLHeads(ctx context.Context, issuerID string) ([]model.CRL, error) {
	rows, err := db.r.QueryContext(ctx, db.d.rebind(`SELECT crl_partition, number, this_update, next_update FROM crls WHERE issuer_id = ? ORDER BY crl_partition`), issuerID)
	if err != nil {
		return nil, wrapf(err, "CRL heads of %s", issuerID)
	}
	defer rows.Close()
	var out []model.CRL
	for rows.Next() {
		c := model.CRL{IssuerID: issuerID}
		var this, next int64
		if err := rows.Scan(&c.Partition, &c.Number, &this, &next); err != nil {
			return nil, wrapf(err, "CRL heads of %s", issuerID)
		}
		c.ThisUpdate, c.NextUpdate = fromMicros(this), fromMicros(next)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, wrapf(err, "CRL heads of %s", issuerID)
	}
	return out, nil
}

// OCSPResponse returns the stored pre-signed response for serial, or store.ErrNotFound.
func (db *DB) OCSPResponse(ctx context.Context, serial model.Serial) (model.OCSPResponse, error) {
	r := model.OCSPResponse{Serial: serial}
	var this, next, statusAt int64
	err := db.r.QueryRowContext(ctx, db.d.rebind(`SELECT this_update, next_update, status_at, der FROM ocsp_responses WHERE serial = ?`),
		serial.String()).Scan(&this, &next, &statusAt, &r.DER)
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("sqlstore: OCSP response of %s: %w", serial, store.ErrNotFound)
	}
	if err != nil {
		return r, wrapf(err, "OCSP response of %s", serial)
	}
	r.ThisUpdate, r.NextUpdate, r.StatusAt = fromMicros(this), fromMicros(next), fromMicros(statusAt)
	return r, nil
}

// StoreOCSPResponses stores pre-signed responses in one transaction. A stored response
// is replaced only by one reflecting a later status (StatusAt), or the same status
// signed later (ThisUpdate); an older one is dropped silently, so that nodes racing to
// refresh the same certificate never roll its status back.
func (db *DB) StoreOCSPResponses(ctx context.Context, rs []model.OCSPResponse) error {
	if len(rs) == 0 {
		return nil
	}
	q := db.d.rebind(`INSERT INTO ocsp_responses (serial, this_update, next_update, status_at, der) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (serial) DO UPDATE SET this_update = excluded.this_update, next_update = excluded.next_update,
status_at = excluded.status_at, der = excluded.der
WHERE ocsp_responses.status_at < excluded.status_at
OR (ocsp_responses.status_at = excluded.status_at AND ocsp_responses.this_update < excluded.this_update)`)
	return db.inTx(ctx, func(tx *sql.Tx) error {
		st, err := tx.PrepareContext(ctx, q)
		if err != nil {
			return wrapf(err, "store OCSP responses")
		}
		defer st.Close()
		for _, r := range rs {
			if _, err := st.ExecContext(ctx, r.Serial.String(), micros(r.ThisUpdate), micros(r.NextUpdate), micros(r.StatusAt), r.DER); err != nil {
				return wrapf(err, "store OCSP response of %s", r.Serial)
			}
		}
		return nil
	})
}

// StaleOCSP lists, in serial order after `after`, up to limit certificates not expired
// at now whose pre-signed response is missing, signed before staleBefore, or older than
// their last status change. The certificates come without DER.
func (db *DB) StaleOCSP(ctx context.Context, after model.Serial, staleBefore, now time.Time, limit int) ([]model.Certificate, error) {
	rows, err := db.r.QueryContext(ctx, db.d.rebind(`SELECT c.serial, c.issuer_id, c.crl_partition, c.status, c.revoked_at, c.reason,
c.invalidity_date, c.not_after, COALESCE(c.status_at, c.created_at)
FROM certificates c LEFT JOIN ocsp_responses o ON o.serial = c.serial
WHERE c.serial > ? AND c.not_after > ?
AND (o.serial IS NULL OR o.this_update < ? OR o.status_at < COALESCE(c.status_at, c.created_at))
ORDER BY c.serial LIMIT ?`), after.String(), micros(now), micros(staleBefore), limit)
	if err != nil {
		return nil, wrapf(err, "stale OCSP responses")
	}
	defer rows.Close()
	var out []model.Certificate
	for rows.Next() {
		var (
			c                             model.Certificate
			serial, status                string
			revokedAt, reason, invalidity sql.NullInt64
			notAfter, statusAt            int64
		)
		if err := rows.Scan(&serial, &c.IssuerID, &c.Partition, &status, &revokedAt, &reason, &invalidity, &notAfter, &statusAt); err != nil {
			return nil, wrapf(err, "stale OCSP responses")
		}
		if c.Serial, err = hex.DecodeString(serial); err != nil {
			return nil, fmt.Errorf("sqlstore: stale OCSP responses: stored serial %q is not hex: %w", serial, err)
		}
		c.Status, c.NotAfter, c.StatusAt = model.CertStatus(status), fromMicros(notAfter), fromMicros(statusAt)
		c.RevokedAt, c.InvalidityDate = fromNullMicros(revokedAt), fromNullMicros(invalidity)
		if reason.Valid {
			r := model.RevocationReason(reason.Int64)
			c.Reason = &r
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, wrapf(err, "stale OCSP responses")
	}
	return out, nil
}

// StatusChanges returns up to limit entries of the status change feed after seq
// `after`, in seq order.
func (db *DB) StatusChanges(ctx context.Context, after int64, limit int) ([]model.StatusEvent, error) {
	rows, err := db.r.QueryContext(ctx, db.d.rebind(`SELECT seq, serial, issuer_id, crl_partition, at FROM status_changes
WHERE seq > ? ORDER BY seq LIMIT ?`), after, limit)
	if err != nil {
		return nil, wrapf(err, "status changes")
	}
	defer rows.Close()
	var out []model.StatusEvent
	for rows.Next() {
		var ev model.StatusEvent
		var serial string
		var at int64
		if err := rows.Scan(&ev.Seq, &serial, &ev.IssuerID, &ev.Partition, &at); err != nil {
			return nil, wrapf(err, "status changes")
		}
		if ev.Serial, err = hex.DecodeString(serial); err != nil {
			return nil, fmt.Errorf("sqlstore: status changes: stored serial %q is not hex: %w", serial, err)
		}
		ev.At = fromMicros(at)
		out = append(out, ev)
	}
	if err := rows.Err(); err != nil {
		return nil, wrapf(err, "status changes")
	}
	return out, nil
}

// LastStatusChange returns the seq of the newest feed entry (0 when empty).
func (db *DB) LastStatusChange(ctx context.Context) (int64, error) {
	var n int64
	if err := db.r.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM status_changes`).Scan(&n); err != nil {
		return 0, wrapf(err, "last status change")
	}
	return n, nil
}

// PruneStatusChanges deletes feed entries of changes made before `before` and returns
// how many it deleted.
func (db *DB) PruneStatusChanges(ctx context.Context, before time.Time) (int64, error) {
	res, err := db.w.ExecContext(ctx, db.d.rebind(`DELETE FROM status_changes WHERE at < ?`), micros(before))
	if err != nil {
		return 0, wrapf(err, "prune status changes")
	}
	n, _ := res.RowsAffected()
	return n, nil
}
