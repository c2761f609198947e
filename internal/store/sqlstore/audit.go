package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"

	"github.com/certcenter/certcenter/internal/audit"
	"github.com/certcenter/certcenter/internal/model"
)

// auditAdvanceSQL moves a chain head to the next seq and returns it with the head's hash,
// which is still the previous entry's hash (auditInsert replaces it). A chain's first
// append inserts its head with seq 1 and the genesis hash. On PostgreSQL the upsert locks
// the head row until commit, so appends to one chain queue while other chains proceed;
// SQLite transactions are serialized anyway.
const auditAdvanceSQL = `INSERT INTO audit_heads (chain, seq, hash) VALUES (?, 1, ?)
ON CONFLICT (chain) DO UPDATE SET seq = audit_heads.seq + 1
RETURNING seq, hash`

// AppendAudit records ev on its own, in its own transaction.
func (db *DB) AppendAudit(ctx context.Context, ev model.AuditEvent) error {
	return db.inTx(ctx, func(tx *sql.Tx) error { return db.appendAudit(ctx, tx, ev) })
}

// appendAudit appends ev to its chain inside tx, stamped with the store's clock.
func (db *DB) appendAudit(ctx context.Context, tx *sql.Tx, ev model.AuditEvent) error {
	chain := audit.ChainFor(ev)
	at := db.clock()
	details, err := json.Marshal(ev.Details)
	if err != nil {
		return wrapf(err, "audit %s: details", ev.Type)
	}
	var (
		seq  int64
		prev []byte
	)
	if err := tx.StmtContext(ctx, db.st.auditAdvance).QueryRowContext(ctx, chain, audit.Genesis).Scan(&seq, &prev); err != nil {
		return wrapf(err, "audit %s: advance chain %d", ev.Type, chain)
	}
	hash := audit.Hash(chain, seq, at, ev, prev)
	if _, err := execTx(ctx, tx, db.st.auditInsert, chain, seq, micros(at), ev.Type, ev.Actor, ev.Institution, ev.Subject, string(details), prev, hash); err != nil {
		return wrapf(err, "audit %s: insert chain %d entry %d", ev.Type, chain, seq)
	}
	if db.st.auditSetHead != nil {
		if _, err := execTx(ctx, tx, db.st.auditSetHead, hash, chain); err != nil {
			return wrapf(err, "audit %s: head of chain %d", ev.Type, chain)
		}
	}
	return nil
}

// WalkAudit calls fn with every audit entry, chain by chain in seq order, streaming
// from the database. It stops at fn's first error and returns it.
func (db *DB) WalkAudit(ctx context.Context, fn func(model.AuditEntry) error) error {
	rows, err := db.r.QueryContext(ctx, `SELECT chain, seq, at, type, actor, institution, subject, details, prev_hash, hash
FROM audit_log ORDER BY chain, seq`)
	if err != nil {
		return wrapf(err, "walk audit")
	}
	defer rows.Close()
	for rows.Next() {
		var (
			e       model.AuditEntry
			at      int64
			details string
		)
		if err := rows.Scan(&e.Chain, &e.Seq, &at, &e.Event.Type, &e.Event.Actor, &e.Event.Institution, &e.Event.Subject, &details, &e.PrevHash, &e.Hash); err != nil {
			return wrapf(err, "walk audit")
		}
		e.Time = fromMicros(at)
		if err := json.Unmarshal([]byte(details), &e.Event.Details); err != nil {
			return wrapf(err, "walk audit: chain %d entry %d: details", e.Chain, e.Seq)
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return wrapf(err, "walk audit")
	}
	return nil
}

// AuditHeads returns the head (last seq and hash) of every chain that has entries.
func (db *DB) AuditHeads(ctx context.Context) (map[int]model.AuditHead, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT chain, seq, hash FROM audit_heads`)
	if err != nil {
		return nil, wrapf(err, "audit heads")
	}
	defer rows.Close()
	heads := map[int]model.AuditHead{}
	for rows.Next() {
		var (
			chain int
			h     model.AuditHead
		)
		if err := rows.Scan(&chain, &h.Seq, &h.Hash); err != nil {
			return nil, wrapf(err, "audit heads")
		}
		heads[chain] = h
	}
	if err := rows.Err(); err != nil {
		return nil, wrapf(err, "audit heads")
	}
	return heads, nil
}
