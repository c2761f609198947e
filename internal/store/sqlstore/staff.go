package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store"
)

// Staff accounts of the console (internal/web/console) and the teller's searches.

const staffColumns = `id, scope, name, role, password_hash, totp_cipher, failures, locked_at, last_login_at, created_at`

// CreateStaff stores s and appends ev in one transaction; store.ErrConflict when its
// scope already has an account of that name.
func (db *DB) CreateStaff(ctx context.Context, s model.Staff, ev model.AuditEvent) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, db.d.rebind(`INSERT INTO staff_accounts (`+staffColumns+`)
VALUES (?, ?, ?, ?, ?, ?, 0, NULL, NULL, ?)`), s.ID, s.Scope, s.Name, s.Role, s.PasswordHash, s.TOTPCipher, micros(s.CreatedAt))
		if db.d.isUniqueViolation(err) {
			return fmt.Errorf("sqlstore: create staff %s/%s: %w", s.Scope, s.Name, store.ErrConflict)
		}
		if err != nil {
			return wrapf(err, "create staff %s", s.ID)
		}
		return db.appendAudit(ctx, tx, ev)
	})
}

func scanStaff(sc interface{ Scan(...any) error }) (model.Staff, error) {
	var (
		s            model.Staff
		locked, last sql.NullInt64
		created      int64
		failures     int64
	)
	if err := sc.Scan(&s.ID, &s.Scope, &s.Name, &s.Role, &s.PasswordHash, &s.TOTPCipher, &failures, &locked, &last, &created); err != nil {
		return s, err
	}
	s.Failures, s.CreatedAt = int(failures), fromMicros(created)
	if locked.Valid {
		t := fromMicros(locked.Int64)
		s.LockedAt = &t
	}
	if last.Valid {
		t := fromMicros(last.Int64)
		s.LastLoginAt = &t
	}
	return s, nil
}

// Staff returns the account with id, or store.ErrNotFound.
func (db *DB) Staff(ctx context.Context, id string) (model.Staff, error) {
	s, err := scanStaff(db.w.QueryRowContext(ctx, db.d.rebind(`SELECT `+staffColumns+` FROM staff_accounts WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return s, fmt.Errorf("sqlstore: staff %s: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return s, wrapf(err, "staff %s", id)
	}
	return s, nil
}

// StaffByName returns the account of scope with this login name, or store.ErrNotFound.
func (db *DB) StaffByName(ctx context.Context, scope, name string) (model.Staff, error) {
	s, err := scanStaff(db.w.QueryRowContext(ctx, db.d.rebind(`SELECT `+staffColumns+` FROM staff_accounts
WHERE scope = ? AND name = ?`), scope, name))
	if errors.Is(err, sql.ErrNoRows) {
		return s, fmt.Errorf("sqlstore: staff %s/%s: %w", scope, name, store.ErrNotFound)
	}
	if err != nil {
		return s, wrapf(err, "staff %s/%s", scope, name)
	}
	return s, nil
}

// StaffList returns the accounts of scope ("" for all), by scope and name.
func (db *DB) StaffList(ctx context.Context, scope string) ([]model.Staff, error) {
	q, args := `SELECT `+staffColumns+` FROM staff_accounts ORDER BY scope, name`, []any{}
	if scope != "" {
		q, args = `SELECT `+staffColumns+` FROM staff_accounts WHERE scope = ? ORDER BY name`, []any{scope}
	}
	rows, err := db.r.QueryContext(ctx, db.d.rebind(q), args...)
	if err != nil {
		return nil, wrapf(err, "staff list")
	}
	defer rows.Close()
	var out []model.Staff
	for rows.Next() {
		s, err := scanStaff(rows)
		if err != nil {
			return nil, wrapf(err, "staff list")
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, wrapf(err, "staff list")
	}
	return out, nil
}

// RecordStaffLogin records a login attempt and appends ev in one transaction. A good one
// (ok) clears the failures and sets the last login; a bad one counts, and the max-th in a
// row locks the account. It returns the failures and whether the account is locked; a
// locked account stays locked whatever ok says (ok is then not recorded).
func (db *DB) RecordStaffLogin(ctx context.Context, id string, ok bool, max int, now time.Time, ev model.AuditEvent) (int, bool, error) {
	var (
		failures int
		locked   bool
	)
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var (
			f int64
			l sql.NullInt64
		)
		err := tx.QueryRowContext(ctx, db.d.rebind(`SELECT failures, locked_at FROM staff_accounts WHERE id = ?`), id).Scan(&f, &l)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("sqlstore: staff %s: %w", id, store.ErrNotFound)
		}
		if err != nil {
			return wrapf(err, "staff login %s", id)
		}
		failures, locked = int(f), l.Valid
		switch {
		case locked:
		case ok:
			failures = 0
			_, err = tx.ExecContext(ctx, db.d.rebind(`UPDATE staff_accounts SET failures = 0, last_login_at = ? WHERE id = ?`), micros(now), id)
		default:
			failures++
			var lockedAt any
			if failures >= max {
				locked, lockedAt = true, micros(now)
			}
			_, err = tx.ExecContext(ctx, db.d.rebind(`UPDATE staff_accounts SET failures = ?, locked_at = ? WHERE id = ?`), failures, lockedAt, id)
		}
		if err != nil {
			return wrapf(err, "staff login %s", id)
		}
		return db.appendAudit(ctx, tx, ev)
	})
	return failures, locked, err
}

// UnlockStaff clears an account's lock and failures and appends ev.
func (db *DB) UnlockStaff(ctx context.Context, id string, ev model.AuditEvent) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, db.d.rebind(`UPDATE staff_accounts SET failures = 0, locked_at = NULL WHERE id = ?`), id)
		if err != nil {
			return wrapf(err, "unlock staff %s", id)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("sqlstore: unlock staff %s: %w", id, store.ErrNotFound)
		}
		return db.appendAudit(ctx, tx, ev)
	})
}

// CustomersOf returns up to limit of an institution's customers with id after after, by
// id (the teller's search opens their sealed profiles page by page).
func (db *DB) CustomersOf(ctx context.Context, institution, after string, limit int) ([]model.Customer, error) {
	rows, err := db.r.QueryContext(ctx, db.d.rebind(`SELECT `+customerColumns+` FROM customers
WHERE institution_code = ? AND id > ? ORDER BY id LIMIT ?`), institution, after, limit)
	if err != nil {
		return nil, wrapf(err, "customers of %s", institution)
	}
	defer rows.Close()
	var out []model.Customer
	for rows.Next() {
		c, err := scanCustomer(rows)
		if err != nil {
			return nil, wrapf(err, "customers of %s", institution)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, wrapf(err, "customers of %s", institution)
	}
	return out, nil
}

// CertificatesByCommonName returns an institution's certificates with this subject CN,
// newest first, at most limit.
func (db *DB) CertificatesByCommonName(ctx context.Context, institution, cn string, limit int) ([]model.Certificate, error) {
	return db.certificates(ctx, "certificates by CN", `SELECT `+certificateColumns+` FROM certificates
WHERE common_name = ? AND institution_code = ? ORDER BY not_before DESC, serial LIMIT ?`, cn, institution, limit)
}

// UseTOTPStep records that the account signed in with the TOTP code of step. It reports
// false when that step or a later one was already used (RFC 6238 section 5.2: a code
// is accepted once).
func (db *DB) UseTOTPStep(ctx context.Context, id string, step int64) (bool, error) {
	res, err := db.w.ExecContext(ctx, db.d.rebind(`UPDATE staff_accounts SET totp_step = ?
WHERE id = ? AND (totp_step IS NULL OR totp_step < ?)`), step, id, step)
	if err != nil {
		return false, wrapf(err, "use TOTP step %s", id)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, wrapf(err, "use TOTP step %s", id)
	}
	return n == 1, nil
}

// RotateAPIKey makes newHash the institution's API key; the old one keeps working for
// overlap (not at all when it is zero) by the store's clock, which also decides when
// it stops. ev is appended in the same transaction.
func (db *DB) RotateAPIKey(ctx context.Context, code string, newHash []byte, overlap time.Duration, ev model.AuditEvent) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var old []byte
		err := tx.QueryRowContext(ctx, db.d.rebind(`SELECT api_key_hash FROM institutions WHERE code = ?`), code).Scan(&old)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("sqlstore: rotate API key of %s: %w", code, store.ErrNotFound)
		}
		if err != nil {
			return wrapf(err, "rotate API key of %s", code)
		}
		now := db.clock()
		overlapUntil := now.Add(overlap)
		if overlap > 0 {
			if _, err := tx.ExecContext(ctx, db.d.rebind(`INSERT INTO institution_api_keys (key_hash, institution_code, expires_at, created_at)
VALUES (?, ?, ?, ?)`), old, code, micros(overlapUntil), micros(now)); err != nil {
				return db.conflictOr(err, "rotate API key of %s", code)
			}
		}
		if _, err := tx.ExecContext(ctx, db.d.rebind(`UPDATE institutions SET api_key_hash = ? WHERE code = ?`), newHash, code); err != nil {
			return db.conflictOr(err, "rotate API key of %s", code)
		}
		return db.appendAudit(ctx, tx, ev)
	})
}

// EndAPIKeyOverlap stops every old API key of the institution now and appends ev.
func (db *DB) EndAPIKeyOverlap(ctx context.Context, code string, ev model.AuditEvent) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, db.d.rebind(`DELETE FROM institution_api_keys WHERE institution_code = ?`), code); err != nil {
			return wrapf(err, "end API key overlap of %s", code)
		}
		return db.appendAudit(ctx, tx, ev)
	})
}

// APIKeyOverlap returns when the institution's last old API key stops (zero: none
// works).
func (db *DB) APIKeyOverlap(ctx context.Context, code string) (time.Time, error) {
	var until sql.NullInt64
	err := db.r.QueryRowContext(ctx, db.d.rebind(`SELECT MAX(expires_at) FROM institution_api_keys
WHERE institution_code = ? AND expires_at > ?`), code, micros(db.clock())).Scan(&until)
	if err != nil {
		return time.Time{}, wrapf(err, "API key overlap of %s", code)
	}
	if !until.Valid {
		return time.Time{}, nil
	}
	return fromMicros(until.Int64), nil
}

// institutionByOldAPIKey finds the institution of an old API key still in its overlap.
func (db *DB) institutionByOldAPIKey(ctx context.Context, hash []byte) (model.Institution, error) {
	return scanInstitution(db.r.QueryRowContext(ctx, db.d.rebind(`SELECT `+prefixed("i.", institutionColumns)+`
FROM institution_api_keys k JOIN institutions i ON i.code = k.institution_code
WHERE k.key_hash = ? AND k.expires_at > ?`), hash, micros(db.clock())))
}
