package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store"
)

// Bootstrap stores the first start's authorities and institutions, the bootstrap marker
// and ev, in one transaction. It returns store.ErrConflict when the database was already
// bootstrapped, or when two of the given institutions share a code or an API key hash.
func (db *DB) Bootstrap(ctx context.Context, b model.Bootstrap, ev model.AuditEvent) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, db.d.rebind(`INSERT INTO bootstrap (id, done_at) VALUES (1, ?) ON CONFLICT (id) DO NOTHING`), micros(db.clock()))
		if err != nil {
			return wrapf(err, "bootstrap")
		}
		if n, err := res.RowsAffected(); err != nil {
			return wrapf(err, "bootstrap")
		} else if n == 0 {
			return fmt.Errorf("sqlstore: bootstrap: the database is already bootstrapped: %w", store.ErrConflict)
		}
		for _, a := range b.Authorities {
			if _, err := tx.ExecContext(ctx, db.d.rebind(`INSERT INTO authorities (id, role, cert_der, key_ref, created_at) VALUES (?, ?, ?, ?, ?)`),
				a.ID, string(a.Role), a.CertDER, a.KeyRef, micros(a.CreatedAt)); err != nil {
				return db.conflictOr(err, "bootstrap: authority %q", a.ID)
			}
		}
		for _, in := range b.Institutions {
			if _, err := tx.ExecContext(ctx, db.d.rebind(`INSERT INTO institutions (code, name, short_name, api_key_hash, created_at) VALUES (?, ?, ?, ?, ?)`),
				in.Code, in.Name, in.ShortName, in.APIKeyHash, micros(in.CreatedAt)); err != nil {
				return db.conflictOr(err, "bootstrap: institution %q", in.Code)
			}
		}
		for name, value := range b.NodeChecks {
			if _, err := tx.ExecContext(ctx, db.d.rebind(`INSERT INTO node_checks (name, value) VALUES (?, ?)`), name, value); err != nil {
				return db.conflictOr(err, "bootstrap: node check %q", name)
			}
		}
		return db.appendAudit(ctx, tx, ev)
	})
}

// conflictOr wraps err with store.ErrConflict when it is a uniqueness violation.
func (db *DB) conflictOr(err error, format string, args ...any) error {
	if db.d.isUniqueViolation(err) {
		return fmt.Errorf("sqlstore: "+format+": %w (%v)", append(args, store.ErrConflict, err)...)
	}
	return wrapf(err, format, args...)
}

// Bootstrapped reports whether Bootstrap has run.
func (db *DB) Bootstrapped(ctx context.Context) (bool, error) {
	var one int
	err := db.r.QueryRowContext(ctx, `SELECT 1 FROM bootstrap WHERE id = 1`).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, wrapf(err, "bootstrapped")
	}
	return true, nil
}

// Authorities returns every authority, ordered by ID.
func (db *DB) Authorities(ctx context.Context) ([]model.Authority, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id, role, cert_der, key_ref, created_at FROM authorities ORDER BY id`)
	if err != nil {
		return nil, wrapf(err, "authorities")
	}
	defer rows.Close()
	var out []model.Authority
	for rows.Next() {
		var (
			a       model.Authority
			role    string
			created int64
		)
		if err := rows.Scan(&a.ID, &role, &a.CertDER, &a.KeyRef, &created); err != nil {
			return nil, wrapf(err, "authorities")
		}
		a.Role = model.AuthorityRole(role)
		a.CreatedAt = fromMicros(created)
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, wrapf(err, "authorities")
	}
	return out, nil
}
