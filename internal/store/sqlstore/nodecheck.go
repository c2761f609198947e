package sqlstore

import (
	"context"
	"database/sql"
	"errors"
)

// NodeCheck records value under name unless a value is already there, and returns the
// recorded value: the first node's (migration 00012). The caller compares it with its
// own.
func (db *DB) NodeCheck(ctx context.Context, name, value string) (string, error) {
	if _, err := db.w.ExecContext(ctx, db.d.rebind(`INSERT INTO node_checks (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`), name, value); err != nil {
		return "", wrapf(err, "node check %s", name)
	}
	var got string
	err := db.w.QueryRowContext(ctx, db.d.rebind(`SELECT value FROM node_checks WHERE name = ?`), name).Scan(&got)
	if errors.Is(err, sql.ErrNoRows) {
		return "", wrapf(err, "node check %s: not recorded", name)
	}
	if err != nil {
		return "", wrapf(err, "node check %s", name)
	}
	return got, nil
}
