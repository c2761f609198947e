package sqlstore

import (
	"context"
	"database/sql"
)

// inTx runs fn in one write transaction and commits it, or rolls everything back when
// fn or the commit fails. fn must use only tx: on SQLite the write pool has a single
// connection, which tx holds.
func (db *DB) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return wrapf(err, "begin")
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return wrapf(err, "commit")
	}
	return nil
}

// execTx runs a prepared statement in tx and returns the number of rows it changed.
func execTx(ctx context.Context, tx *sql.Tx, st *sql.Stmt, args ...any) (int64, error) {
	res, err := tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
