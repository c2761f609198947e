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

// Copy relay sessions (internal/relay). Every change is one conditional statement, so
// two nodes racing on the same session cannot both win: the loser gets store.ErrConflict.

const relayColumns = `id, locator, code_hash, receiver_token_hash, sender_token_hash, commitment, receiver_key,
sender_key, payload, failed_tries, created_at, expires_at, claimed_at, revealed_at, sent_at, outcome, done_at`

// CreateRelaySession stores a new session. A stored session whose locator is the same
// and which expired at s.CreatedAt is removed first; a live one makes it
// store.ErrConflict (the caller draws another code).
func (db *DB) CreateRelaySession(ctx context.Context, s model.RelaySession) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, db.d.rebind(`DELETE FROM relay_sessions WHERE locator = ? AND expires_at <= ?`),
			s.Locator, micros(s.CreatedAt)); err != nil {
			return wrapf(err, "create relay session")
		}
		res, err := tx.ExecContext(ctx, db.d.rebind(`INSERT INTO relay_sessions (`+relayColumns+`)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`),
			s.ID, s.Locator, s.CodeHash, s.ReceiverTokenHash, s.SenderTokenHash, s.Commitment, s.ReceiverKey,
			s.SenderKey, s.Payload, s.FailedTries, micros(s.CreatedAt), micros(s.ExpiresAt),
			nullMicros(s.ClaimedAt), nullMicros(s.RevealedAt), nullMicros(s.SentAt), s.Outcome, nullMicros(s.DoneAt))
		if err != nil {
			return wrapf(err, "create relay session")
		}
		if n, err := res.RowsAffected(); err != nil {
			return wrapf(err, "create relay session")
		} else if n == 0 {
			return fmt.Errorf("sqlstore: create relay session: id or locator in use: %w", store.ErrConflict)
		}
		return nil
	})
}

// RelaySession returns the session with this id, or store.ErrNotFound.
func (db *DB) RelaySession(ctx context.Context, id string) (model.RelaySession, error) {
	return db.relaySession(ctx, `id = ?`, id)
}

// RelaySessionByLocator returns the session whose code starts with locator, or
// store.ErrNotFound.
func (db *DB) RelaySessionByLocator(ctx context.Context, locator string) (model.RelaySession, error) {
	return db.relaySession(ctx, `locator = ?`, locator)
}

func (db *DB) relaySession(ctx context.Context, where string, arg string) (model.RelaySession, error) {
	var (
		s                         model.RelaySession
		created, expires          int64
		claimed, revealed, sentAt sql.NullInt64
		doneAt                    sql.NullInt64
	)
	// Read on the write pool: a session changes within milliseconds, and a node must see
	// its own writes (the SQLite read pool may lag a WAL checkpoint behind nothing, but
	// PostgreSQL read replicas would).
	err := db.w.QueryRowContext(ctx, db.d.rebind(`SELECT `+relayColumns+` FROM relay_sessions WHERE `+where), arg).Scan(
		&s.ID, &s.Locator, &s.CodeHash, &s.ReceiverTokenHash, &s.SenderTokenHash, &s.Commitment, &s.ReceiverKey,
		&s.SenderKey, &s.Payload, &s.FailedTries, &created, &expires, &claimed, &revealed, &sentAt, &s.Outcome, &doneAt)
	if errors.Is(err, sql.ErrNoRows) {
		return model.RelaySession{}, fmt.Errorf("sqlstore: relay session: %w", store.ErrNotFound)
	}
	if err != nil {
		return model.RelaySession{}, wrapf(err, "relay session")
	}
	s.CreatedAt, s.ExpiresAt = fromMicros(created), fromMicros(expires)
	s.ClaimedAt, s.RevealedAt, s.SentAt = fromNullMicros(claimed), fromNullMicros(revealed), fromNullMicros(sentAt)
	s.DoneAt = fromNullMicros(doneAt)
	return s, nil
}

// relayUpdate runs a conditional update of one session: store.ErrNotFound when the
// session does not exist, store.ErrConflict when it exists but the condition fails.
func (db *DB) relayUpdate(ctx context.Context, op, id, q string, args ...any) error {
	res, err := db.w.ExecContext(ctx, db.d.rebind(q), args...)
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
	return db.relayMiss(ctx, op, id)
}

// relayMiss explains why a conditional change of session id changed nothing.
func (db *DB) relayMiss(ctx context.Context, op, id string) error {
	var one int
	err := db.w.QueryRowContext(ctx, db.d.rebind(`SELECT 1 FROM relay_sessions WHERE id = ?`), id).Scan(&one)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("sqlstore: %s: %w", op, store.ErrNotFound)
	case err != nil:
		return wrapf(err, "%s", op)
	}
	return fmt.Errorf("sqlstore: %s: session not in the required state: %w", op, store.ErrConflict)
}

// ClaimRelaySession records the sender's key and token hash if, at at, the session is
// open (not claimed), unexpired and has fewer than maxTries wrong codes.
func (db *DB) ClaimRelaySession(ctx context.Context, id string, senderKey, senderTokenHash []byte, maxTries int, at time.Time) error {
	return db.relayUpdate(ctx, "claim relay session", id, `UPDATE relay_sessions
SET sender_key = ?, sender_token_hash = ?, claimed_at = ?
WHERE id = ? AND claimed_at IS NULL AND expires_at > ? AND failed_tries < ?`,
		senderKey, senderTokenHash, micros(at), id, micros(at), maxTries)
}

// RelayFailedTry counts a wrong code against an open session and returns the new
// count; store.ErrConflict when the session is no longer open (claimed).
func (db *DB) RelayFailedTry(ctx context.Context, id string) (int, error) {
	var tries int
	err := db.w.QueryRowContext(ctx, db.d.rebind(`UPDATE relay_sessions SET failed_tries = failed_tries + 1
WHERE id = ? AND claimed_at IS NULL RETURNING failed_tries`), id).Scan(&tries)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, db.relayMiss(ctx, "relay failed try", id)
	}
	if err != nil {
		return 0, wrapf(err, "relay failed try")
	}
	return tries, nil
}

// RevealRelayKey records the receiver's public key once the session is claimed, not yet
// revealed and unexpired at at.
func (db *DB) RevealRelayKey(ctx context.Context, id string, receiverKey []byte, at time.Time) error {
	return db.relayUpdate(ctx, "reveal relay key", id, `UPDATE relay_sessions SET receiver_key = ?, revealed_at = ?
WHERE id = ? AND claimed_at IS NOT NULL AND revealed_at IS NULL AND expires_at > ?`,
		receiverKey, micros(at), id, micros(at))
}

// PutRelayPayload stores the ciphertext once: the session must be revealed, without a
// payload and unexpired at at.
func (db *DB) PutRelayPayload(ctx context.Context, id string, payload []byte, at time.Time) error {
	return db.relayUpdate(ctx, "put relay payload", id, `UPDATE relay_sessions SET payload = ?, sent_at = ?
WHERE id = ? AND revealed_at IS NOT NULL AND sent_at IS NULL AND expires_at > ?`,
		payload, micros(at), id, micros(at))
}

// PutRelayOutcome stores the receiver's outcome once and clears the payload (read by
// then): the session must be sent, without an outcome and unexpired at at.
func (db *DB) PutRelayOutcome(ctx context.Context, id string, outcome []byte, at time.Time) error {
	return db.relayUpdate(ctx, "put relay outcome", id, `UPDATE relay_sessions SET outcome = ?, done_at = ?, payload = NULL
WHERE id = ? AND sent_at IS NOT NULL AND done_at IS NULL AND expires_at > ?`,
		outcome, micros(at), id, micros(at))
}

// DeleteRelaySession removes a session; store.ErrNotFound when there is none.
func (db *DB) DeleteRelaySession(ctx context.Context, id string) error {
	res, err := db.w.ExecContext(ctx, db.d.rebind(`DELETE FROM relay_sessions WHERE id = ?`), id)
	if err != nil {
		return wrapf(err, "delete relay session")
	}
	if n, err := res.RowsAffected(); err != nil {
		return wrapf(err, "delete relay session")
	} else if n == 0 {
		return fmt.Errorf("sqlstore: delete relay session: %w", store.ErrNotFound)
	}
	return nil
}

// DeleteExpiredRelaySessions removes the sessions that expired at or before before and
// returns how many.
func (db *DB) DeleteExpiredRelaySessions(ctx context.Context, before time.Time) (int64, error) {
	res, err := db.w.ExecContext(ctx, db.d.rebind(`DELETE FROM relay_sessions WHERE expires_at <= ?`), micros(before))
	if err != nil {
		return 0, wrapf(err, "delete expired relay sessions")
	}
	return res.RowsAffected()
}
