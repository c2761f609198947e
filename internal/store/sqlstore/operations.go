package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store"
)

// What the CA operator's console reads and changes (migration 00016): institutions
// created and API keys revoked from the console, node heartbeats, the notification
// log, and summaries of CRLs, OCSP responses and reminders.

// CreateInstitution stores a new institution and appends ev in one transaction.
// store.ErrConflict when the code (or the API key hash) is taken.
func (db *DB) CreateInstitution(ctx context.Context, in model.Institution, ev model.AuditEvent) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, db.d.rebind(`INSERT INTO institutions (code, name, short_name, api_key_hash, created_at) VALUES (?, ?, ?, ?, ?)`),
			in.Code, in.Name, in.ShortName, in.APIKeyHash, micros(in.CreatedAt)); err != nil {
			return db.conflictOr(err, "create institution %q", in.Code)
		}
		return db.appendAudit(ctx, tx, ev)
	})
}

// RevokeAPIKey stops the institution's API key and every old key in its overlap now:
// the stored hash becomes that of a key nobody holds, until a rotation gives the
// institution a new key. ev is appended in the same transaction. store.ErrNotFound for
// an unknown institution, store.ErrConflict when its key is already revoked.
func (db *DB) RevokeAPIKey(ctx context.Context, code string, ev model.AuditEvent) error {
	dead := make([]byte, 32)
	if _, err := rand.Read(dead); err != nil {
		return fmt.Errorf("sqlstore: revoke API key of %s: %w", code, err)
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var cur []byte
		err := tx.QueryRowContext(ctx, db.d.rebind(`SELECT api_key_hash FROM institutions WHERE code = ?`), code).Scan(&cur)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("sqlstore: revoke API key of %s: %w", code, store.ErrNotFound)
		}
		if err != nil {
			return wrapf(err, "revoke API key of %s", code)
		}
		var revoked []byte
		err = tx.QueryRowContext(ctx, db.d.rebind(`SELECT key_hash FROM api_key_revocations WHERE institution_code = ?`), code).Scan(&revoked)
		if err == nil && string(revoked) == string(cur) {
			return fmt.Errorf("sqlstore: revoke API key of %s: already revoked: %w", code, store.ErrConflict)
		}
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return wrapf(err, "revoke API key of %s", code)
		}
		now := micros(db.clock())
		if _, err := tx.ExecContext(ctx, db.d.rebind(`UPDATE institutions SET api_key_hash = ? WHERE code = ?`), dead, code); err != nil {
			return wrapf(err, "revoke API key of %s", code)
		}
		if _, err := tx.ExecContext(ctx, db.d.rebind(`DELETE FROM institution_api_keys WHERE institution_code = ?`), code); err != nil {
			return wrapf(err, "revoke API key of %s", code)
		}
		if _, err := tx.ExecContext(ctx, db.d.rebind(`INSERT INTO api_key_revocations (institution_code, key_hash, revoked_at) VALUES (?, ?, ?)
ON CONFLICT (institution_code) DO UPDATE SET key_hash = excluded.key_hash, revoked_at = excluded.revoked_at`), code, dead, now); err != nil {
			return wrapf(err, "revoke API key of %s", code)
		}
		return db.appendAudit(ctx, tx, ev)
	})
}

// APIKeyRevokedAt returns when the institution's current API key was revoked, or zero
// when it has a working key (none revoked, or a new one given since).
func (db *DB) APIKeyRevokedAt(ctx context.Context, code string) (time.Time, error) {
	var at int64
	err := db.r.QueryRowContext(ctx, db.d.rebind(`SELECT r.revoked_at FROM api_key_revocations r JOIN institutions i ON i.code = r.institution_code
WHERE r.institution_code = ? AND r.key_hash = i.api_key_hash`), code).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, wrapf(err, "API key revocation of %s", code)
	}
	return fromMicros(at), nil
}

// InstitutionKinds returns the kinds of certificate the institution has issued (of
// model.Personal and model.Corporate, in that order): one index seek each on
// certificates_institution_kind, whatever the table's size.
func (db *DB) InstitutionKinds(ctx context.Context, code string) ([]model.Kind, error) {
	var out []model.Kind
	for _, k := range []model.Kind{model.Personal, model.Corporate} {
		var one int
		err := db.r.QueryRowContext(ctx, db.d.rebind(`SELECT 1 FROM certificates WHERE institution_code = ? AND kind = ? LIMIT 1`), code, string(k)).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, wrapf(err, "kinds of %s", code)
		}
		out = append(out, k)
	}
	return out, nil
}

// AllCRLs returns every stored CRL, with its DER, ordered by issuer and partition.
func (db *DB) AllCRLs(ctx context.Context) ([]model.CRL, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT issuer_id, crl_partition, number, this_update, next_update, der FROM crls ORDER BY issuer_id, crl_partition`)
	if err != nil {
		return nil, wrapf(err, "CRLs")
	}
	defer rows.Close()
	var out []model.CRL
	for rows.Next() {
		var (
			c          model.CRL
			this, next int64
		)
		if err := rows.Scan(&c.IssuerID, &c.Partition, &c.Number, &this, &next, &c.DER); err != nil {
			return nil, wrapf(err, "CRLs")
		}
		c.ThisUpdate, c.NextUpdate = fromMicros(this), fromMicros(next)
		out = append(out, c)
	}
	return out, wrapRowsErr(rows.Err(), "CRLs")
}

// OCSPFreshness summarizes the pre-signed OCSP responses: how many, the oldest and
// newest thisUpdate, and how many were signed before staleBefore. Each figure is its
// own query on ocsp_responses_this_update (SQLite optimizes a lone MIN or MAX to one
// index seek, not the two together), so no response's DER is read.
func (db *DB) OCSPFreshness(ctx context.Context, staleBefore time.Time) (model.OCSPFreshness, error) {
	var (
		f              model.OCSPFreshness
		oldest, newest sql.NullInt64
	)
	for _, q := range []struct {
		sql  string
		args []any
		dest any
	}{
		{`SELECT COUNT(*) FROM ocsp_responses`, nil, &f.Count},
		{`SELECT MIN(this_update) FROM ocsp_responses`, nil, &oldest},
		{`SELECT MAX(this_update) FROM ocsp_responses`, nil, &newest},
		{`SELECT COUNT(*) FROM ocsp_responses WHERE this_update < ?`, []any{micros(staleBefore)}, &f.Stale},
	} {
		if err := db.r.QueryRowContext(ctx, db.d.rebind(q.sql), q.args...).Scan(q.dest); err != nil {
			return f, wrapf(err, "OCSP freshness")
		}
	}
	if oldest.Valid {
		f.Oldest, f.Newest = fromMicros(oldest.Int64), fromMicros(newest.Int64)
	}
	return f, nil
}

// Reminders summarizes the expiry reminders' claims.
func (db *DB) Reminders(ctx context.Context) (model.ReminderQueue, error) {
	var (
		q             model.ReminderQueue
		sent, pending sql.NullInt64
	)
	err := db.r.QueryRowContext(ctx, `SELECT SUM(CASE WHEN sent_at IS NOT NULL THEN 1 ELSE 0 END),
SUM(CASE WHEN sent_at IS NULL THEN 1 ELSE 0 END) FROM reminders`).Scan(&sent, &pending)
	if err != nil {
		return q, wrapf(err, "reminders")
	}
	q.Sent, q.Pending = sent.Int64, pending.Int64
	return q, nil
}

// notificationRetryWindow: a message to a recipient that failed within this window
// makes the next message to it a retry.
const notificationRetryWindow = time.Hour

// RecordNotification appends the outcome of one message. Its attempt is 1 plus the
// failures to the same recipient key within the hour since the last success.
func (db *DB) RecordNotification(ctx context.Context, n model.NotificationRecord) error {
	var failures int
	err := db.w.QueryRowContext(ctx, db.d.rebind(`SELECT COUNT(*) FROM notifications WHERE recipient_key = ? AND created_at > ? AND NOT ok
AND id > COALESCE((SELECT MAX(id) FROM notifications WHERE recipient_key = ? AND ok), 0)`),
		n.RecipientKey, micros(n.At.Add(-notificationRetryWindow)), n.RecipientKey).Scan(&failures)
	if err != nil {
		return wrapf(err, "record notification")
	}
	_, err = db.w.ExecContext(ctx, db.d.rebind(`INSERT INTO notifications (institution_code, channel, recipient, recipient_key, attempt, ok, error, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)`), n.Institution, n.Channel, n.Recipient, n.RecipientKey, failures+1, n.OK, n.Error, micros(n.At))
	return wrapRowsErr(err, "record notification")
}

// NotificationStats counts the notifications since a time by channel.
func (db *DB) NotificationStats(ctx context.Context, since time.Time) ([]model.NotificationStats, error) {
	rows, err := db.r.QueryContext(ctx, db.d.rebind(`SELECT channel, SUM(CASE WHEN ok THEN 1 ELSE 0 END), SUM(CASE WHEN ok THEN 0 ELSE 1 END),
SUM(CASE WHEN attempt > 1 THEN 1 ELSE 0 END) FROM notifications WHERE created_at >= ? GROUP BY channel ORDER BY channel`), micros(since))
	if err != nil {
		return nil, wrapf(err, "notification stats")
	}
	defer rows.Close()
	var out []model.NotificationStats
	for rows.Next() {
		var s model.NotificationStats
		if err := rows.Scan(&s.Channel, &s.Sent, &s.Failed, &s.Retried); err != nil {
			return nil, wrapf(err, "notification stats")
		}
		out = append(out, s)
	}
	return out, wrapRowsErr(rows.Err(), "notification stats")
}

// NotificationFailures lists the last failed notifications, newest first.
func (db *DB) NotificationFailures(ctx context.Context, limit int) ([]model.NotificationRecord, error) {
	rows, err := db.r.QueryContext(ctx, db.d.rebind(`SELECT institution_code, channel, recipient, attempt, error, created_at
FROM notifications WHERE NOT ok ORDER BY id DESC LIMIT ?`), limit)
	if err != nil {
		return nil, wrapf(err, "notification failures")
	}
	defer rows.Close()
	var out []model.NotificationRecord
	for rows.Next() {
		var (
			n  model.NotificationRecord
			at int64
		)
		if err := rows.Scan(&n.Institution, &n.Channel, &n.Recipient, &n.Attempt, &n.Error, &at); err != nil {
			return nil, wrapf(err, "notification failures")
		}
		n.At = fromMicros(at)
		out = append(out, n)
	}
	return out, wrapRowsErr(rows.Err(), "notification failures")
}

// NodeSeen records a node's heartbeat: it is alive now, and holds the publisher lock
// (publisher) or not.
func (db *DB) NodeSeen(ctx context.Context, n model.Node, publisher bool) error {
	now := micros(n.LastSeenAt)
	var since any
	if publisher {
		since = now
	}
	_, err := db.w.ExecContext(ctx, db.d.rebind(`INSERT INTO nodes (id, host, pid, started_at, last_seen_at, publisher_since) VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET last_seen_at = excluded.last_seen_at,
publisher_since = CASE WHEN excluded.publisher_since IS NULL THEN NULL ELSE COALESCE(nodes.publisher_since, excluded.publisher_since) END`),
		n.ID, n.Host, n.PID, micros(n.StartedAt), now, since)
	return wrapRowsErr(err, "node seen")
}

// Nodes lists the nodes seen since a time, the most recently seen first.
func (db *DB) Nodes(ctx context.Context, since time.Time) ([]model.Node, error) {
	rows, err := db.r.QueryContext(ctx, db.d.rebind(`SELECT id, host, pid, started_at, last_seen_at, publisher_since FROM nodes
WHERE last_seen_at >= ? ORDER BY last_seen_at DESC, id`), micros(since))
	if err != nil {
		return nil, wrapf(err, "nodes")
	}
	defer rows.Close()
	var out []model.Node
	for rows.Next() {
		var (
			n                 model.Node
			started, lastSeen int64
			publisher         sql.NullInt64
		)
		if err := rows.Scan(&n.ID, &n.Host, &n.PID, &started, &lastSeen, &publisher); err != nil {
			return nil, wrapf(err, "nodes")
		}
		n.StartedAt, n.LastSeenAt, n.PublisherSince = fromMicros(started), fromMicros(lastSeen), fromNullMicros(publisher)
		out = append(out, n)
	}
	return out, wrapRowsErr(rows.Err(), "nodes")
}

// PruneNodes deletes the nodes not seen since a time.
func (db *DB) PruneNodes(ctx context.Context, before time.Time) error {
	_, err := db.w.ExecContext(ctx, db.d.rebind(`DELETE FROM nodes WHERE last_seen_at < ?`), micros(before))
	return wrapRowsErr(err, "prune nodes")
}
