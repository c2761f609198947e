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

// Financial certificates (internal/cloudcert). Single-use steps (challenges, codes,
// sign requests) are consumed by one conditional UPDATE, so two nodes racing cannot
// both succeed: the loser gets store.ErrConflict.

const fincertLineColumns = `id, person, lookup, serial, institution_code, wrapped_key, wrapped_r, phone_cipher,
pin_hash, pin_fails, pin_locked, auto_renew, active, created_at, updated_at`

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// CreateFinCertLine stores a new active line, deactivating the line deactivate (when
// not "") in the same transaction; store.ErrConflict when the person still has another
// active line.
func (db *DB) CreateFinCertLine(ctx context.Context, l model.FinCertLine, deactivate string, ev model.AuditEvent) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if deactivate != "" {
			if _, err := tx.ExecContext(ctx, db.d.rebind(`UPDATE fincert_lines SET active = 0, updated_at = ? WHERE id = ?`),
				micros(l.CreatedAt), deactivate); err != nil {
				return wrapf(err, "deactivate fincert line")
			}
		}
		_, err := tx.ExecContext(ctx, db.d.rebind(`INSERT INTO fincert_lines (`+fincertLineColumns+`)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
			l.ID, l.Person, l.Lookup, l.Serial.String(), l.InstitutionCode, l.WrappedKey, l.WrappedR, l.PhoneCipher,
			l.PINHash, l.PINFails, b2i(l.PINLocked), b2i(l.AutoRenew), b2i(l.Active), micros(l.CreatedAt), micros(l.UpdatedAt))
		if db.d.isUniqueViolation(err) {
			return fmt.Errorf("sqlstore: create fincert line: the person has an active line: %w", store.ErrConflict)
		}
		if err != nil {
			return wrapf(err, "create fincert line")
		}
		return db.appendAudit(ctx, tx, ev)
	})
}

// FinCertLine returns a line by id, or store.ErrNotFound.
func (db *DB) FinCertLine(ctx context.Context, id string) (model.FinCertLine, error) {
	return db.fincertLine(ctx, `id = ?`, id)
}

// ActiveFinCertLine returns the person's active line, or store.ErrNotFound.
func (db *DB) ActiveFinCertLine(ctx context.Context, person []byte) (model.FinCertLine, error) {
	return db.fincertLine(ctx, `person = ? AND active = 1`, person)
}

// ActiveFinCertLineByLookup returns the active line with this lookup hash, or
// store.ErrNotFound.
func (db *DB) ActiveFinCertLineByLookup(ctx context.Context, lookup []byte) (model.FinCertLine, error) {
	return db.fincertLine(ctx, `lookup = ? AND active = 1`, lookup)
}

func (db *DB) fincertLine(ctx context.Context, where string, arg any) (model.FinCertLine, error) {
	var (
		l                    model.FinCertLine
		serial               string
		locked, auto, active int
		created, updated     int64
	)
	err := db.readRow(ctx, `SELECT `+fincertLineColumns+` FROM fincert_lines WHERE `+where+` LIMIT 1`, arg).Scan(
		&l.ID, &l.Person, &l.Lookup, &serial, &l.InstitutionCode, &l.WrappedKey, &l.WrappedR, &l.PhoneCipher,
		&l.PINHash, &l.PINFails, &locked, &auto, &active, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return l, fmt.Errorf("sqlstore: fincert line: %w", store.ErrNotFound)
	}
	if err != nil {
		return l, wrapf(err, "fincert line")
	}
	if l.Serial, err = model.ParseSerial(serial); err != nil {
		return l, err
	}
	l.PINLocked, l.AutoRenew, l.Active = locked == 1, auto == 1, active == 1
	l.CreatedAt, l.UpdatedAt = fromMicros(created), fromMicros(updated)
	return l, nil
}

// execOne runs a statement that must change exactly one row: store.ErrNotFound
// (exists() false) or store.ErrConflict otherwise.
func (db *DB) execOne(ctx context.Context, tx *sql.Tx, op, table, key string, keyArg any, q string, args ...any) error {
	res, err := tx.ExecContext(ctx, db.d.rebind(q), args...)
	if err != nil {
		return wrapf(err, "%s", op)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return wrapf(err, "%s", op)
	}
	if n == 1 {
		return nil
	}
	var one int
	err = tx.QueryRowContext(ctx, db.d.rebind(`SELECT 1 FROM `+table+` WHERE `+key+` = ?`), keyArg).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("sqlstore: %s: %w", op, store.ErrNotFound)
	} else if err != nil {
		return wrapf(err, "%s", op)
	}
	return fmt.Errorf("sqlstore: %s: not in the required state: %w", op, store.ErrConflict)
}

// RenewFinCertLine points an active line at its renewed certificate and key.
func (db *DB) RenewFinCertLine(ctx context.Context, id string, serial model.Serial, wrappedKey, wrappedR []byte, at time.Time, ev model.AuditEvent) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if err := db.execOne(ctx, tx, "renew fincert line", "fincert_lines", "id", id,
			`UPDATE fincert_lines SET serial = ?, wrapped_key = ?, wrapped_r = ?, updated_at = ? WHERE id = ? AND active = 1`,
			serial.String(), wrappedKey, wrappedR, micros(at), id); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, ev)
	})
}

// SetFinCertPIN sets a line's PIN verifier and unlocks it.
func (db *DB) SetFinCertPIN(ctx context.Context, id string, pinHash []byte, at time.Time, ev model.AuditEvent) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if err := db.execOne(ctx, tx, "set fincert PIN", "fincert_lines", "id", id,
			`UPDATE fincert_lines SET pin_hash = ?, pin_fails = 0, pin_locked = 0, updated_at = ? WHERE id = ? AND active = 1`,
			pinHash, micros(at), id); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, ev)
	})
}

// RecordFinCertPINFailure counts a wrong PIN, locking the line at max, and uses the
// challenge c of the attempt (when not nil) in the same transaction: a challenge used
// before is store.ErrConflict and counts nothing.
func (db *DB) RecordFinCertPINFailure(ctx context.Context, id string, c *model.FinCertChallenge, at time.Time, max int, ev model.AuditEvent) (fails int, locked bool, err error) {
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		if c != nil {
			if err := db.useChallenge(ctx, tx, *c, at); err != nil {
				return err
			}
		}
		var l int
		err := tx.QueryRowContext(ctx, db.d.rebind(`UPDATE fincert_lines SET pin_fails = pin_fails + 1,
pin_locked = CASE WHEN pin_fails + 1 >= ? THEN 1 ELSE pin_locked END WHERE id = ? RETURNING pin_fails, pin_locked`), max, id).Scan(&fails, &l)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("sqlstore: fincert PIN failure: %w", store.ErrNotFound)
		}
		if err != nil {
			return wrapf(err, "fincert PIN failure")
		}
		locked = l == 1
		if locked {
			ev.Details = withDetail(ev.Details, "locked", "true")
		}
		return db.appendAudit(ctx, tx, ev)
	})
	return fails, locked, err
}

func withDetail(m map[string]string, k, v string) map[string]string {
	if m == nil {
		m = map[string]string{}
	}
	m[k] = v
	return m
}

// ClearFinCertPINFailures resets the count after a right PIN (not a lock).
func (db *DB) ClearFinCertPINFailures(ctx context.Context, id string) error {
	_, err := db.w.ExecContext(ctx, db.d.rebind(`UPDATE fincert_lines SET pin_fails = 0 WHERE id = ? AND pin_locked = 0`), id)
	return wrapIf(err, "clear fincert PIN failures")
}

const fincertDeviceColumns = `id, person, spki, label, created_at, last_used_at, disconnected_at`

// AddFinCertDevice registers a device unless the person already has max connected.
func (db *DB) AddFinCertDevice(ctx context.Context, d model.FinCertDevice, max int, ev model.AuditEvent) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, db.d.rebind(`SELECT COUNT(*) FROM fincert_devices WHERE person = ? AND disconnected_at IS NULL`),
			d.Person).Scan(&n); err != nil {
			return wrapf(err, "count fincert devices")
		}
		if n >= max {
			return fmt.Errorf("sqlstore: add fincert device: %d connected: %w", n, store.ErrConflict)
		}
		if _, err := tx.ExecContext(ctx, db.d.rebind(`INSERT INTO fincert_devices (`+fincertDeviceColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?)`),
			d.ID, d.Person, d.SPKI, d.Label, micros(d.CreatedAt), nullMicros(d.LastUsedAt), nullMicros(d.DisconnectedAt)); err != nil {
			return wrapf(err, "add fincert device")
		}
		return db.appendAudit(ctx, tx, ev)
	})
}

func scanDevice(sc interface{ Scan(...any) error }) (model.FinCertDevice, error) {
	var (
		d          model.FinCertDevice
		created    int64
		used, disc sql.NullInt64
	)
	if err := sc.Scan(&d.ID, &d.Person, &d.SPKI, &d.Label, &created, &used, &disc); err != nil {
		return d, err
	}
	d.CreatedAt, d.LastUsedAt, d.DisconnectedAt = fromMicros(created), fromNullMicros(used), fromNullMicros(disc)
	return d, nil
}

// FinCertDevice returns a device, or store.ErrNotFound.
func (db *DB) FinCertDevice(ctx context.Context, id string) (model.FinCertDevice, error) {
	d, err := scanDevice(db.readRow(ctx, `SELECT `+fincertDeviceColumns+` FROM fincert_devices WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return d, fmt.Errorf("sqlstore: fincert device: %w", store.ErrNotFound)
	}
	return d, wrapIf(err, "fincert device")
}

// FinCertDevices lists a person's devices, connected or not, oldest first.
func (db *DB) FinCertDevices(ctx context.Context, person []byte) ([]model.FinCertDevice, error) {
	rows, err := db.r.QueryContext(ctx, db.d.rebind(`SELECT `+fincertDeviceColumns+` FROM fincert_devices WHERE person = ? ORDER BY created_at, id`), person)
	if err != nil {
		return nil, wrapf(err, "fincert devices")
	}
	defer rows.Close()
	var out []model.FinCertDevice
	for rows.Next() {
		d, err := scanDevice(rows)
		if err != nil {
			return nil, wrapf(err, "fincert devices")
		}
		out = append(out, d)
	}
	return out, wrapIf(rows.Err(), "fincert devices")
}

// DisconnectFinCertDevice disconnects a connected device.
func (db *DB) DisconnectFinCertDevice(ctx context.Context, id string, at time.Time, ev model.AuditEvent) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if err := db.execOne(ctx, tx, "disconnect fincert device", "fincert_devices", "id", id,
			`UPDATE fincert_devices SET disconnected_at = ? WHERE id = ? AND disconnected_at IS NULL`, micros(at), id); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, ev)
	})
}

// UseFinCertChallenge records a challenge as used (challenges are stateless until
// then: the service authenticates their expiry), and the device's use; store.ErrConflict
// when it was used before. Used challenges expired an hour ago are deleted on the way.
func (db *DB) UseFinCertChallenge(ctx context.Context, c model.FinCertChallenge, at time.Time) error {
	return db.inTx(ctx, func(tx *sql.Tx) error { return db.useChallenge(ctx, tx, c, at) })
}

func (db *DB) useChallenge(ctx context.Context, tx *sql.Tx, c model.FinCertChallenge, at time.Time) error {
	if _, err := tx.ExecContext(ctx, db.d.rebind(`DELETE FROM fincert_challenges WHERE expires_at < ?`),
		micros(at.Add(-time.Hour))); err != nil {
		return wrapf(err, "sweep fincert challenges")
	}
	res, err := tx.ExecContext(ctx, db.d.rebind(`INSERT INTO fincert_challenges (nonce, device_id, expires_at, used_at) VALUES (?, ?, ?, ?)
ON CONFLICT DO NOTHING`), c.Nonce, c.DeviceID, micros(c.ExpiresAt), micros(at))
	if err != nil {
		return wrapf(err, "use fincert challenge")
	}
	if n, err := res.RowsAffected(); err != nil {
		return wrapf(err, "use fincert challenge")
	} else if n == 0 {
		return fmt.Errorf("sqlstore: use fincert challenge: used before: %w", store.ErrConflict)
	}
	_, err = tx.ExecContext(ctx, db.d.rebind(`UPDATE fincert_devices SET last_used_at = ? WHERE id = ?`), micros(at), c.DeviceID)
	return wrapIf(err, "use fincert challenge")
}

const fincertPendingColumns = `id, kind, line_id, secret, spki, label, tries, created_at, expires_at, used_at`

// CreateFinCertPending stores a device registration or a PIN reset (steps expired a
// day before are deleted on the way).
func (db *DB) CreateFinCertPending(ctx context.Context, p model.FinCertPending, ev model.AuditEvent) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, db.d.rebind(`DELETE FROM fincert_pending WHERE expires_at < ?`),
			micros(p.CreatedAt.Add(-24*time.Hour))); err != nil {
			return wrapf(err, "sweep fincert pending")
		}
		if _, err := tx.ExecContext(ctx, db.d.rebind(`INSERT INTO fincert_pending (`+fincertPendingColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
			p.ID, p.Kind, p.LineID, p.Secret, p.SPKI, p.Label, p.Tries, micros(p.CreatedAt), micros(p.ExpiresAt), nullMicros(p.UsedAt)); err != nil {
			return wrapf(err, "create fincert pending")
		}
		return db.appendAudit(ctx, tx, ev)
	})
}

// FinCertPending returns a pending step, or store.ErrNotFound.
func (db *DB) FinCertPending(ctx context.Context, id string) (model.FinCertPending, error) {
	var (
		p                model.FinCertPending
		created, expires int64
		used             sql.NullInt64
	)
	err := db.r.QueryRowContext(ctx, db.d.rebind(`SELECT `+fincertPendingColumns+` FROM fincert_pending WHERE id = ?`), id).Scan(
		&p.ID, &p.Kind, &p.LineID, &p.Secret, &p.SPKI, &p.Label, &p.Tries, &created, &expires, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return p, fmt.Errorf("sqlstore: fincert pending: %w", store.ErrNotFound)
	}
	if err != nil {
		return p, wrapf(err, "fincert pending")
	}
	p.CreatedAt, p.ExpiresAt, p.UsedAt = fromMicros(created), fromMicros(expires), fromNullMicros(used)
	return p, nil
}

// CountFinCertPending counts the steps of a kind started for a line since a time.
func (db *DB) CountFinCertPending(ctx context.Context, lineID, kind string, since time.Time) (int, error) {
	var n int
	err := db.r.QueryRowContext(ctx, db.d.rebind(`SELECT COUNT(*) FROM fincert_pending WHERE line_id = ? AND kind = ? AND created_at >= ?`),
		lineID, kind, micros(since)).Scan(&n)
	return n, wrapIf(err, "count fincert pending")
}

// FinCertPendingFailure counts a wrong code and returns the new count.
func (db *DB) FinCertPendingFailure(ctx context.Context, id string) (int, error) {
	var tries int
	err := db.w.QueryRowContext(ctx, db.d.rebind(`UPDATE fincert_pending SET tries = tries + 1 WHERE id = ? RETURNING tries`), id).Scan(&tries)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("sqlstore: fincert pending failure: %w", store.ErrNotFound)
	}
	return tries, wrapIf(err, "fincert pending failure")
}

// UseFinCertPending consumes a pending step once, if unexpired at at.
func (db *DB) UseFinCertPending(ctx context.Context, id string, at time.Time) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		return db.execOne(ctx, tx, "use fincert pending", "fincert_pending", "id", id,
			`UPDATE fincert_pending SET used_at = ? WHERE id = ? AND used_at IS NULL AND expires_at > ?`, micros(at), id, micros(at))
	})
}

// signRequestSweep is how often CreateFinCertSignRequest deletes the sign requests
// that expired a day before: once a minute per node, not on every request.
const signRequestSweep = time.Minute

// CreateFinCertSignRequest stores a sign request (requests expired for a day are
// deleted on the way, at most once a minute). On SQLite it joins the group commit
// (batch.go): concurrent sign requests share one commit.
func (db *DB) CreateFinCertSignRequest(ctx context.Context, r model.FinCertSignRequest, ev model.AuditEvent) error {
	sweep := false
	if last := db.signSweep.Load(); r.CreatedAt.UnixMicro()-last >= signRequestSweep.Microseconds() {
		sweep = db.signSweep.CompareAndSwap(last, r.CreatedAt.UnixMicro())
	}
	return db.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if sweep {
			if _, err := tx.ExecContext(ctx, db.d.rebind(`DELETE FROM fincert_sign_requests WHERE expires_at < ?`),
				micros(r.CreatedAt.Add(-24*time.Hour))); err != nil {
				return wrapf(err, "sweep fincert sign requests")
			}
		}
		if _, err := tx.ExecContext(ctx, db.d.rebind(`INSERT INTO fincert_sign_requests (id, institution_code, request, created_at, expires_at)
VALUES (?, ?, ?, ?, ?)`), r.ID, r.InstitutionCode, r.Request, micros(r.CreatedAt), micros(r.ExpiresAt)); err != nil {
			return wrapf(err, "create fincert sign request")
		}
		return db.appendAudit(ctx, tx, ev)
	})
}

// FinCertSignRequest returns a sign request, or store.ErrNotFound.
func (db *DB) FinCertSignRequest(ctx context.Context, id string) (model.FinCertSignRequest, error) {
	var (
		r                model.FinCertSignRequest
		created, expires int64
		used             sql.NullInt64
		serial           sql.NullString
	)
	err := db.readRow(ctx, `SELECT id, institution_code, request, created_at, expires_at, used_at, serial
FROM fincert_sign_requests WHERE id = ?`, id).Scan(&r.ID, &r.InstitutionCode, &r.Request, &created, &expires, &used, &serial)
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("sqlstore: fincert sign request: %w", store.ErrNotFound)
	}
	if err != nil {
		return r, wrapf(err, "fincert sign request")
	}
	r.CreatedAt, r.ExpiresAt, r.UsedAt = fromMicros(created), fromMicros(expires), fromNullMicros(used)
	if serial.Valid {
		r.Serial, _ = model.ParseSerial(serial.String)
	}
	return r, nil
}

// UseFinCertSignRequest marks a sign request used by the certificate serial, once, in
// one transaction with the use of the attempt's challenge c (when not nil) and the reset
// of the PIN failures of line lineID (when not ""): one commit per signature, shared on
// SQLite by concurrent signatures (the group commit, batch.go).
// store.ErrConflict when the request or the challenge was used before.
func (db *DB) UseFinCertSignRequest(ctx context.Context, id string, serial model.Serial, c *model.FinCertChallenge, lineID string, at time.Time, ev model.AuditEvent) error {
	return db.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if c != nil {
			if err := db.useChallenge(ctx, tx, *c, at); err != nil {
				return err
			}
		}
		if lineID != "" {
			if _, err := tx.ExecContext(ctx, db.d.rebind(`UPDATE fincert_lines SET pin_fails = 0 WHERE id = ? AND pin_fails > 0 AND pin_locked = 0`), lineID); err != nil {
				return wrapf(err, "clear fincert PIN failures")
			}
		}
		if err := db.execOne(ctx, tx, "use fincert sign request", "fincert_sign_requests", "id", id,
			`UPDATE fincert_sign_requests SET used_at = ?, serial = ? WHERE id = ? AND used_at IS NULL AND expires_at > ?`,
			micros(at), serial.String(), id, micros(at)); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, ev)
	})
}

// wrapIf is wrapf for an error that may be nil.
func wrapIf(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	return wrapf(err, format, args...)
}
