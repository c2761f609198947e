package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store"
)

// StoreReplacement stores c like StoreCertificate and, in the same transaction, takes
// the certificate old out of service: revoked with reason superseded when revokeOld (a
// reissue, KOREAN-PKI.md section 2), otherwise marked replaced (a renewal). It returns
// store.ErrConflict, having written nothing, when old is not valid (or suspended, for a
// reissue) or when StoreCertificate's own conditions fail.
func (db *DB) StoreReplacement(ctx context.Context, c model.Certificate, redeemRef string, old model.Serial, revokeOld bool, ev model.AuditEvent) error {
	now := db.clock()
	ch := model.StatusChange{Serial: old, From: []model.CertStatus{model.StatusValid}, To: model.StatusReplaced, At: now}
	if revokeOld {
		r := model.ReasonSuperseded
		ch.From = append(ch.From, model.StatusSuspended)
		ch.To, ch.Reason = model.StatusRevoked, &r
	}
	c.Replaces = old
	return db.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := db.changeStatusTx(ctx, tx, ch); err != nil {
			return err
		}
		if err := db.storeCertificateTx(ctx, tx, c, redeemRef, now); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, ev)
	})
}

// ChangeStatus applies a conditional status transition and appends ev in one
// transaction, returning the certificate as changed. store.ErrNotFound for an unknown
// serial; store.ErrConflict, naming the current status, when it is not in ch.From.
func (db *DB) ChangeStatus(ctx context.Context, ch model.StatusChange, ev model.AuditEvent) (model.Certificate, error) {
	var out model.Certificate
	err := db.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		if out, err = db.changeStatusTx(ctx, tx, ch); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, ev)
	})
	return out, err
}

func (db *DB) changeStatusTx(ctx context.Context, tx *sql.Tx, ch model.StatusChange) (model.Certificate, error) {
	if len(ch.From) == 0 {
		return model.Certificate{}, errors.New("sqlstore: change status: no From states")
	}
	if ch.At.IsZero() {
		ch.At = db.clock()
	}
	var revokedAt sql.NullInt64
	var reason sql.NullInt64
	if ch.Reason != nil {
		reason = sql.NullInt64{Int64: int64(*ch.Reason), Valid: true}
		revokedAt = sql.NullInt64{Int64: micros(ch.At), Valid: true}
	}
	args := []any{string(ch.To), revokedAt, reason, nullMicros(ch.InvalidityDate), micros(ch.At), ch.Serial.String()}
	marks := make([]string, len(ch.From))
	for i, f := range ch.From {
		marks[i] = "?"
		args = append(args, string(f))
	}
	// A revoked certificate no longer awaits a CMP confirmation: confirm_by is cleared so
	// that the confirmation sweeper does not keep finding it.
	confirm := ""
	if ch.To == model.StatusRevoked {
		confirm = ", confirm_by = NULL"
	}
	q := db.d.rebind(`UPDATE certificates SET status = ?, revoked_at = ?, reason = ?, invalidity_date = ?, status_at = ?` + confirm + `
WHERE serial = ? AND status IN (` + strings.Join(marks, ", ") + `)`)
	res, err := tx.ExecContext(ctx, q, args...)
	if err != nil {
		return model.Certificate{}, wrapf(err, "change status of %s", ch.Serial)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return model.Certificate{}, wrapf(err, "change status of %s", ch.Serial)
	}
	cur, err := scanCertificate(tx.QueryRowContext(ctx, db.d.rebind(`SELECT `+certificateColumns+` FROM certificates WHERE serial = ?`), ch.Serial.String()))
	if errors.Is(err, sql.ErrNoRows) {
		return model.Certificate{}, fmt.Errorf("sqlstore: change status of %s: %w", ch.Serial, store.ErrNotFound)
	} else if err != nil {
		return model.Certificate{}, wrapf(err, "change status of %s", ch.Serial)
	}
	if n == 0 {
		return cur, fmt.Errorf("sqlstore: change status of %s to %s: it is %s: %w", ch.Serial, ch.To, cur.Status, store.ErrConflict)
	}
	return cur, nil
}

// ConfirmCertificate records a CMP certConf: the certificate is no longer revoked at its
// ConfirmBy time. store.ErrNotFound for an unknown serial; store.ErrConflict when it was
// not awaiting confirmation (already confirmed, or issued without one).
func (db *DB) ConfirmCertificate(ctx context.Context, serial model.Serial, ev model.AuditEvent) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, db.d.rebind(`UPDATE certificates SET confirm_by = NULL WHERE serial = ? AND confirm_by IS NOT NULL`), serial.String())
		if err != nil {
			return wrapf(err, "confirm %s", serial)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var one int
			if err := tx.QueryRowContext(ctx, db.d.rebind(`SELECT 1 FROM certificates WHERE serial = ?`), serial.String()).Scan(&one); errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("sqlstore: confirm %s: %w", serial, store.ErrNotFound)
			}
			return fmt.Errorf("sqlstore: confirm %s: not awaiting confirmation: %w", serial, store.ErrConflict)
		}
		return db.appendAudit(ctx, tx, ev)
	})
}

// Unconfirmed lists up to limit certificates whose confirmation time passed before
// `before` and that are still awaiting confirmation, oldest first.
func (db *DB) Unconfirmed(ctx context.Context, before time.Time, limit int) ([]model.Certificate, error) {
	return db.certificates(ctx, "unconfirmed certificates", `SELECT `+certificateColumns+` FROM certificates
WHERE confirm_by IS NOT NULL AND confirm_by < ? AND status <> 'revoked' ORDER BY confirm_by LIMIT ?`, micros(before), limit)
}

// ExpireUnconfirmed withdraws a certificate whose CMP confirmation never came, or was a
// rejection (RFC 4210 section 5.3.18: the CA should revoke it): it is revoked with reason
// unspecified, and when it renewed a certificate, that one, marked replaced when this
// one was stored, is in service again (the renewal did not happen); when a first
// issuance redeemed an enrollment, the enrollment is unused again. All in one
// transaction with ev. store.ErrConflict when it was confirmed or revoked meanwhile.
func (db *DB) ExpireUnconfirmed(ctx context.Context, serial model.Serial, at time.Time, ev model.AuditEvent) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, db.d.rebind(`UPDATE certificates SET status = ?, status_at = ?
WHERE status = ? AND serial = (SELECT replaces FROM certificates WHERE serial = ? AND confirm_by IS NOT NULL AND status <> ?)`),
			string(model.StatusValid), micros(at), string(model.StatusReplaced), serial.String(), string(model.StatusRevoked)); err != nil {
			return wrapf(err, "expire unconfirmed %s: restore the renewed certificate", serial)
		}
		res, err := tx.ExecContext(ctx, db.d.rebind(`UPDATE certificates SET status = ?, revoked_at = ?, reason = ?, status_at = ?, confirm_by = NULL
WHERE serial = ? AND confirm_by IS NOT NULL AND status <> ?`), string(model.StatusRevoked), micros(at), int64(model.ReasonUnspecified), micros(at),
			serial.String(), string(model.StatusRevoked))
		if err != nil {
			return wrapf(err, "expire unconfirmed %s", serial)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("sqlstore: expire unconfirmed %s: not awaiting confirmation: %w", serial, store.ErrConflict)
		}
		// The client never accepted the certificate (its ip may have been lost): its first
		// issuance's enrollment is the customer's again. A reissue's is not, since the
		// certificate it replaced was revoked for good.
		if _, err := tx.ExecContext(ctx, db.d.rebind(`UPDATE enrollments SET used_at = NULL, issued_serial = NULL, claimed_until = NULL
WHERE reference = (SELECT enrollment_ref FROM certificates WHERE serial = ?) AND issued_serial = ? AND replaces_serial IS NULL`),
			serial.String(), serial.String()); err != nil {
			return wrapf(err, "expire unconfirmed %s: give its enrollment back", serial)
		}
		return db.appendAudit(ctx, tx, ev)
	})
}
