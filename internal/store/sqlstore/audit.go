package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

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
	a, err := db.draftAudit(ev)
	if err != nil {
		return err
	}
	var (
		seq  int64
		prev []byte
	)
	if err := tx.StmtContext(ctx, db.st.auditAdvance).QueryRowContext(ctx, a.chain, audit.Genesis).Scan(&seq, &prev); err != nil {
		return a.advanceErr(err)
	}
	row, hash := a.row(seq, prev)
	if _, err := execTx(ctx, tx, db.st.auditInsert, row[:]...); err != nil {
		return a.insertErr(err, seq)
	}
	if db.st.auditSetHead != nil {
		if _, err := execTx(ctx, tx, db.st.auditSetHead, hash, a.chain); err != nil {
			return wrapf(err, "audit %s: head of chain %d", ev.Type, a.chain)
		}
	}
	return nil
}

// auditDraft is an audit entry before its place in the chain is known: everything its
// hash covers except seq and the previous hash. appendAudit and the pipelined
// PostgreSQL path (pgpipeline.go) both build entries from it, so the chain cannot tell
// them apart.
type auditDraft struct {
	ev      model.AuditEvent
	chain   int
	at      time.Time
	details string
}

// draftAudit stamps ev with the store's clock.
func (db *DB) draftAudit(ev model.AuditEvent) (auditDraft, error) {
	a := auditDraft{ev: ev, chain: audit.ChainFor(ev), at: db.clock()}
	details, err := json.Marshal(ev.Details)
	if err != nil {
		return a, wrapf(err, "audit %s: details", ev.Type)
	}
	a.details = string(details)
	return a, nil
}

// row returns the arguments of auditInsert for the entry at seq after prev, and its
// hash. An array rather than a slice, so that it stays on the caller's stack.
func (a auditDraft) row(seq int64, prev []byte) (row [10]any, hash []byte) {
	hash = audit.Hash(a.chain, seq, a.at, a.ev, prev)
	return [10]any{a.chain, seq, micros(a.at), a.ev.Type, a.ev.Actor, a.ev.Institution, a.ev.Subject, a.details, prev, hash}, hash
}

func (a auditDraft) advanceErr(err error) error {
	return wrapf(err, "audit %s: advance chain %d", a.ev.Type, a.chain)
}

func (a auditDraft) insertErr(err error, seq int64) error {
	return wrapf(err, "audit %s: insert chain %d entry %d", a.ev.Type, a.chain, seq)
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
