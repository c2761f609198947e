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

// Web sessions (internal/web). Sessions are read and written on the write pool: a
// browser's next request may reach another node a few milliseconds later and must see
// the step it just completed.

// CreateWebSession stores a new session; store.ErrConflict if its token hash exists.
func (db *DB) CreateWebSession(ctx context.Context, s model.WebSession) error {
	res, err := db.w.ExecContext(ctx, db.d.rebind(`INSERT INTO web_sessions
(token_hash, kind, csrf, data, created_at, seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`),
		s.TokenHash, s.Kind, s.CSRF, s.Data, micros(s.CreatedAt), micros(s.SeenAt), micros(s.ExpiresAt))
	if err != nil {
		return wrapf(err, "create web session")
	}
	if n, err := res.RowsAffected(); err != nil {
		return wrapf(err, "create web session")
	} else if n == 0 {
		return fmt.Errorf("sqlstore: create web session: token in use: %w", store.ErrConflict)
	}
	return nil
}

// WebSession returns the session with this token hash that is still live at now, or
// store.ErrNotFound (also for an expired one).
func (db *DB) WebSession(ctx context.Context, tokenHash []byte, now time.Time) (model.WebSession, error) {
	var (
		s                      model.WebSession
		created, seen, expires int64
	)
	err := db.w.QueryRowContext(ctx, db.d.rebind(`SELECT token_hash, kind, csrf, data, created_at, seen_at, expires_at
FROM web_sessions WHERE token_hash = ? AND expires_at > ?`), tokenHash, micros(now)).Scan(
		&s.TokenHash, &s.Kind, &s.CSRF, &s.Data, &created, &seen, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return model.WebSession{}, fmt.Errorf("sqlstore: web session: %w", store.ErrNotFound)
	}
	if err != nil {
		return model.WebSession{}, wrapf(err, "web session")
	}
	s.CreatedAt, s.SeenAt, s.ExpiresAt = fromMicros(created), fromMicros(seen), fromMicros(expires)
	return s, nil
}

// TouchWebSession records activity (and new data when data is not nil) on a live
// session: store.ErrNotFound when it is gone or expired at seen.
func (db *DB) TouchWebSession(ctx context.Context, tokenHash, data []byte, seen, expires time.Time) error {
	q, args := `UPDATE web_sessions SET seen_at = ?, expires_at = ? WHERE token_hash = ? AND expires_at > ?`,
		[]any{micros(seen), micros(expires), tokenHash, micros(seen)}
	if data != nil {
		q, args = `UPDATE web_sessions SET seen_at = ?, expires_at = ?, data = ? WHERE token_hash = ? AND expires_at > ?`,
			[]any{micros(seen), micros(expires), data, tokenHash, micros(seen)}
	}
	res, err := db.w.ExecContext(ctx, db.d.rebind(q), args...)
	if err != nil {
		return wrapf(err, "touch web session")
	}
	if n, err := res.RowsAffected(); err != nil {
		return wrapf(err, "touch web session")
	} else if n == 0 {
		return fmt.Errorf("sqlstore: touch web session: %w", store.ErrNotFound)
	}
	return nil
}

// DeleteWebSession removes a session (logout); deleting a missing one is not an error.
func (db *DB) DeleteWebSession(ctx context.Context, tokenHash []byte) error {
	if _, err := db.w.ExecContext(ctx, db.d.rebind(`DELETE FROM web_sessions WHERE token_hash = ?`), tokenHash); err != nil {
		return wrapf(err, "delete web session")
	}
	return nil
}

// DeleteExpiredWebSessions removes sessions idle past their deadline at now and
// returns how many.
func (db *DB) DeleteExpiredWebSessions(ctx context.Context, now time.Time) (int64, error) {
	res, err := db.w.ExecContext(ctx, db.d.rebind(`DELETE FROM web_sessions WHERE expires_at <= ?`), micros(now))
	if err != nil {
		return 0, wrapf(err, "delete expired web sessions")
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, wrapf(err, "delete expired web sessions")
	}
	return n, nil
}

// CustomerCertificates returns every certificate of a customer's enrollments (issued,
// renewed or reissued), newest first, at most limit.
func (db *DB) CustomerCertificates(ctx context.Context, customerID string, limit int) ([]model.Certificate, error) {
	return db.certificates(ctx, "customer certificates", `SELECT `+prefixed("c.", certificateColumns)+`
FROM enrollment_customers ec JOIN certificates c ON c.enrollment_ref = ec.reference
WHERE ec.customer_id = ? ORDER BY c.not_before DESC, c.serial LIMIT ?`, customerID, limit)
}
