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

const insertEnrollmentSQL = `INSERT INTO enrollments (reference, institution_code, name, idn_cipher, auth_code_cipher,
kind, usage, verification, teller_id, created_at, expires_at, failed_tries, locked, used_at, claimed_until, issued_serial,
replaces_serial)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (reference) DO NOTHING`

// CreateEnrollment stores e and appends ev in one transaction. It returns
// store.ErrConflict for a duplicate reference number.
func (db *DB) CreateEnrollment(ctx context.Context, e model.Enrollment, ev model.AuditEvent) error {
	var issued, replaces sql.NullString
	if len(e.IssuedSerial) > 0 {
		issued = sql.NullString{String: e.IssuedSerial.String(), Valid: true}
	}
	if len(e.Replaces) > 0 {
		replaces = sql.NullString{String: e.Replaces.String(), Valid: true}
	}
	return db.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		n, err := execTx(ctx, tx, db.st.insertEnrollment, e.Reference, e.InstitutionCode, e.Name, e.IDNCipher, e.AuthCodeCipher,
			string(e.Kind), string(e.Usage), e.Verification, e.TellerID, micros(e.CreatedAt), micros(e.ExpiresAt),
			e.FailedTries, e.Locked, nullMicros(e.UsedAt), nullMicros(e.ClaimedUntil), issued, replaces)
		if err != nil {
			return wrapf(err, "create enrollment %s (does institution %q exist?)", e.Reference, e.InstitutionCode)
		}
		if n == 0 {
			return fmt.Errorf("sqlstore: create enrollment %s: duplicate reference number: %w", e.Reference, store.ErrConflict)
		}
		return db.appendAudit(ctx, tx, ev)
	})
}

const enrollmentSQL = `SELECT reference, institution_code, name, idn_cipher, auth_code_cipher,
kind, usage, verification, teller_id, created_at, expires_at, failed_tries, locked, used_at, claimed_until, issued_serial,
replaces_serial
FROM enrollments WHERE reference = ?`

// Enrollment returns the enrollment with reference number ref, or store.ErrNotFound.
func (db *DB) Enrollment(ctx context.Context, ref string) (model.Enrollment, error) {
	var (
		e                    model.Enrollment
		kind, usage          string
		created, expires     int64
		usedAt, claimedUntil sql.NullInt64
		issued, replaces     sql.NullString
	)
	err := db.st.enrollment.QueryRowContext(ctx, ref).Scan(&e.Reference, &e.InstitutionCode, &e.Name, &e.IDNCipher, &e.AuthCodeCipher,
		&kind, &usage, &e.Verification, &e.TellerID, &created, &expires, &e.FailedTries, &e.Locked, &usedAt, &claimedUntil, &issued,
		&replaces)
	if errors.Is(err, sql.ErrNoRows) {
		return model.Enrollment{}, fmt.Errorf("sqlstore: enrollment %s: %w", ref, store.ErrNotFound)
	}
	if err != nil {
		return model.Enrollment{}, wrapf(err, "enrollment %s", ref)
	}
	e.Kind, e.Usage = model.Kind(kind), model.Usage(usage)
	e.CreatedAt, e.ExpiresAt = fromMicros(created), fromMicros(expires)
	e.UsedAt, e.ClaimedUntil = fromNullMicros(usedAt), fromNullMicros(claimedUntil)
	if issued.Valid {
		s, err := hex.DecodeString(issued.String)
		if err != nil {
			return model.Enrollment{}, fmt.Errorf("sqlstore: enrollment %s: stored serial %q is not hex: %w", ref, issued.String, err)
		}
		e.IssuedSerial = s
	}
	if replaces.Valid {
		s, err := hex.DecodeString(replaces.String)
		if err != nil {
			return model.Enrollment{}, fmt.Errorf("sqlstore: enrollment %s: stored serial %q is not hex: %w", ref, replaces.String, err)
		}
		e.Replaces = s
	}
	return e, nil
}

// claimEnrollmentSQL claims an enrollment that is unused, unlocked, unexpired and not
// claimed by anyone else at now (a claim whose time has passed counts as released).
const claimEnrollmentSQL = `UPDATE enrollments SET claimed_until = ?
WHERE reference = ? AND used_at IS NULL AND locked = FALSE AND expires_at > ?
AND (claimed_until IS NULL OR claimed_until < ?)`

// ClaimEnrollment sets the enrollment's ClaimedUntil to until if, at now, it is unused,
// unlocked, not expired and not claimed (ClaimedUntil empty or before now); otherwise it
// returns store.ErrConflict, or store.ErrNotFound when ref does not exist.
func (db *DB) ClaimEnrollment(ctx context.Context, ref string, now, until time.Time) error {
	n, err := db.writeOne(ctx, db.st.claimEnrollment, micros(until), ref, micros(now), micros(now))
	if err != nil {
		return wrapf(err, "claim enrollment %s", ref)
	}
	if n == 0 {
		return db.whyNot(ctx, ref, "claim", "used, locked, expired or claimed")
	}
	return nil
}

// whyNot explains a state change that matched no row: an unknown reference is
// store.ErrNotFound, anything else store.ErrConflict.
func (db *DB) whyNot(ctx context.Context, ref, op, states string) error {
	var one int
	err := db.r.QueryRowContext(ctx, db.d.rebind(`SELECT 1 FROM enrollments WHERE reference = ?`), ref).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("sqlstore: %s enrollment %s: %w", op, ref, store.ErrNotFound)
	}
	if err != nil {
		return wrapf(err, "%s enrollment %s", op, ref)
	}
	return fmt.Errorf("sqlstore: %s enrollment %s: %s: %w", op, ref, states, store.ErrConflict)
}

const releaseEnrollmentSQL = `UPDATE enrollments SET claimed_until = NULL WHERE reference = ? AND used_at IS NULL`

// ReleaseEnrollment ends a claim after a failed issuance so the enrollment can be
// redeemed again. Releasing an unclaimed or used enrollment changes nothing; an unknown
// ref is store.ErrNotFound.
func (db *DB) ReleaseEnrollment(ctx context.Context, ref string) error {
	res, err := db.st.releaseEnrollment.ExecContext(ctx, ref)
	if err != nil {
		return wrapf(err, "release enrollment %s", ref)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return wrapf(err, "release enrollment %s", ref)
	}
	if n == 0 {
		if err := db.whyNot(ctx, ref, "release", "used"); errors.Is(err, store.ErrNotFound) {
			return err
		}
	}
	return nil
}

const failedAttemptSQL = `UPDATE enrollments SET failed_tries = failed_tries + 1, locked = (locked OR failed_tries + 1 >= ?)
WHERE reference = ?
RETURNING failed_tries, locked`

// RecordFailedAttempt counts a wrong authorization code: it increments FailedTries, sets
// Locked when the count reaches max, and appends ev, in one transaction. It returns the
// new count and lock state, or store.ErrNotFound for an unknown ref.
func (db *DB) RecordFailedAttempt(ctx context.Context, ref string, max int, ev model.AuditEvent) (tries int, locked bool, err error) {
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.StmtContext(ctx, db.st.failedAttempt).QueryRowContext(ctx, max, ref).Scan(&tries, &locked)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("sqlstore: record failed attempt on enrollment %s: %w", ref, store.ErrNotFound)
		}
		if err != nil {
			return wrapf(err, "record failed attempt on enrollment %s", ref)
		}
		return db.appendAudit(ctx, tx, ev)
	})
	if err != nil {
		return 0, false, err
	}
	return tries, locked, nil
}
