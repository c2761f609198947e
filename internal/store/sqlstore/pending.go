package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store"
)

// Pending certificates: stored with their TBSCertificate while the CA key signs, the
// DER written right after (internal/ca, issue.go).

const finishCertificateSQL = `UPDATE certificates SET der = ?, tbs = NULL, tbs_tag = NULL WHERE serial = ? AND tbs IS NOT NULL`

// FinishCertificates writes the DER of pending certificates in one transaction, with ev
// (when not nil) if it finished any. Serials that are not pending (unknown, or finished
// meanwhile by another writer) change nothing and are returned in notPending.
func (db *DB) FinishCertificates(ctx context.Context, done []model.SignedCertificate, ev *model.AuditEvent) (notPending []model.Serial, err error) {
	if len(done) == 0 {
		return nil, nil
	}
	if err := checkDERs(done); err != nil {
		return nil, err
	}
	if db.d.name == "postgres" {
		return db.pgFinishCertificates(ctx, done, ev) // one round trip without ev: pgpipeline.go
	}
	err = db.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		if notPending, err = db.finishTx(ctx, tx, done); err != nil {
			return err
		}
		if ev != nil && len(notPending) < len(done) {
			return db.appendAudit(ctx, tx, *ev)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return notPending, nil
}

// finishTx writes the DERs of done whose certificates are pending, inside tx, and
// returns the serials of the others. The DERs were checked to be non-empty.
func (db *DB) finishTx(ctx context.Context, tx *sql.Tx, done []model.SignedCertificate) (notPending []model.Serial, err error) {
	for _, d := range done {
		n, err := execTx(ctx, tx, db.st.finishCertificate, d.DER, d.Serial.String())
		if err != nil {
			return nil, wrapf(err, "finish certificate %s", d.Serial)
		}
		if n == 0 {
			notPending = append(notPending, d.Serial)
		}
	}
	return notPending, nil
}

// checkDERs refuses an empty DER among done, before anything is written.
func checkDERs(done []model.SignedCertificate) error {
	for _, d := range done {
		if len(d.DER) == 0 {
			return errEmptyDER(d.Serial)
		}
	}
	return nil
}

func errEmptyDER(serial model.Serial) error {
	return fmt.Errorf("sqlstore: finish certificate %s: empty DER", serial)
}

// PendingCertificates lists up to limit pending certificates created before `before`,
// oldest first.
func (db *DB) PendingCertificates(ctx context.Context, before time.Time, limit int) ([]model.Certificate, error) {
	return db.certificates(ctx, "pending certificates", `SELECT `+certificateColumns+` FROM certificates
WHERE tbs IS NOT NULL AND created_at < ? ORDER BY created_at LIMIT ?`, micros(before), limit)
}

// AbandonCertificate removes a pending certificate whose signature failed, and gives
// its enrollment redeemRef (when not empty) back to the customer, with ev, in one
// transaction. Its serial stays used: it is never issued again. store.ErrConflict, having
// written nothing, when serial is not pending or redeemRef was not redeemed by it.
func (db *DB) AbandonCertificate(ctx context.Context, serial model.Serial, redeemRef string, ev model.AuditEvent) error {
	return db.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, db.d.rebind(`DELETE FROM certificates WHERE serial = ? AND tbs IS NOT NULL`), serial.String())
		if err != nil {
			return wrapf(err, "abandon certificate %s", serial)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("sqlstore: abandon certificate %s: not pending: %w", serial, store.ErrConflict)
		}
		if redeemRef != "" {
			res, err := tx.ExecContext(ctx, db.d.rebind(`UPDATE enrollments SET used_at = NULL, issued_serial = NULL
WHERE reference = ? AND issued_serial = ?`), redeemRef, serial.String())
			if err != nil {
				return wrapf(err, "abandon certificate %s: enrollment %s", serial, redeemRef)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return fmt.Errorf("sqlstore: abandon certificate %s: enrollment %s was not redeemed by it: %w", serial, redeemRef, store.ErrConflict)
			}
		}
		return db.appendAudit(ctx, tx, ev)
	})
}

// nullBytes stores an empty byte slice as NULL.
func nullBytes(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return b
}
