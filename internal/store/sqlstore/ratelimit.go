package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/certcenter/certcenter/internal/store"
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

// RateCounts returns, for each window, the counters of its key in its window and in
// the one before (zero when absent), in one query: a decision that only reads (the
// usual case, before a code is checked) costs one round trip however many rules apply.
func (db *DB) RateCounts(ctx context.Context, ws []store.RateWindow) (cur, prev []int64, err error) {
	cur, prev = make([]int64, len(ws)), make([]int64, len(ws))
	if len(ws) == 0 {
		return cur, prev, nil
	}
	var q strings.Builder
	q.WriteString(`SELECT key, window_start, count FROM rate_limits WHERE `)
	args := make([]any, 0, 3*len(ws))
	for i, w := range ws {
		if i > 0 {
			q.WriteString(" OR ")
		}
		q.WriteString(`(key = ? AND window_start IN (?, ?))`)
		args = append(args, w.Key, micros(w.Start), micros(w.Preceding))
	}
	rows, err := db.r.QueryContext(ctx, db.d.rebind(q.String()), args...)
	if err != nil {
		return nil, nil, wrapf(err, "read rates")
	}
	defer rows.Close()
	for rows.Next() {
		var (
			key   string
			start int64
			n     int64
		)
		if err := rows.Scan(&key, &start, &n); err != nil {
			return nil, nil, wrapf(err, "read rates")
		}
		for i, w := range ws {
			switch {
			case key != w.Key:
			case start == micros(w.Start):
				cur[i] = n
			case start == micros(w.Preceding):
				prev[i] = n
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, wrapf(err, "read rates")
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
