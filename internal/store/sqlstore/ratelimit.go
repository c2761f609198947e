package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// Rate-limit counters (internal/ratelimit). One upsert per counted event: on SQLite it
// joins the group commit of the other writes; on PostgreSQL it is one statement.

const rateAddSQL = `INSERT INTO rate_limits (key, window_start, count, expires_at) VALUES (?, ?, ?, ?)
ON CONFLICT (key, window_start) DO UPDATE SET count = rate_limits.count + excluded.count
RETURNING count`

const rateCountSQL = `SELECT count FROM rate_limits WHERE key = ? AND window_start = ?`

// RateAdd adds n to the counter of key in window and returns it, with the count of the
// window before.
func (db *DB) RateAdd(ctx context.Context, key string, window, previous time.Time, n int64, expires time.Time) (cur, prev int64, err error) {
	err = db.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, db.d.rebind(rateAddSQL), key, micros(window), n, micros(expires)).Scan(&cur)
	})
	if err != nil {
		return 0, 0, wrapf(err, "count rate %s", key)
	}
	if prev, err = db.rateCount(ctx, key, previous); err != nil {
		return 0, 0, err
	}
	return cur, prev, nil
}

// RateCounts returns the counters of key in window and in the window before (zero when
// absent).
func (db *DB) RateCounts(ctx context.Context, key string, window, previous time.Time) (cur, prev int64, err error) {
	if cur, err = db.rateCount(ctx, key, window); err != nil {
		return 0, 0, err
	}
	if prev, err = db.rateCount(ctx, key, previous); err != nil {
		return 0, 0, err
	}
	return cur, prev, nil
}

func (db *DB) rateCount(ctx context.Context, key string, window time.Time) (int64, error) {
	var n int64
	err := db.r.QueryRowContext(ctx, db.d.rebind(rateCountSQL), key, micros(window)).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, wrapf(err, "read rate %s", key)
	}
	return n, nil
}

// DeleteExpiredRates removes the counters that expired before before.
func (db *DB) DeleteExpiredRates(ctx context.Context, before time.Time) (int64, error) {
	res, err := db.w.ExecContext(ctx, db.d.rebind(`DELETE FROM rate_limits WHERE expires_at < ?`), micros(before))
	if err != nil {
		return 0, wrapf(err, "delete expired rates")
	}
	return res.RowsAffected()
}
