package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store"
)

// ReserveSerials reserves a batch of serials for issuerID in one transaction, so that
// an authority can keep reserved serials at hand and sign without a database round trip
// first. All or none are reserved: store.ErrConflict if any was ever reserved before.
func (db *DB) ReserveSerials(ctx context.Context, serials []model.Serial, issuerID string, at time.Time) error {
	if len(serials) == 0 {
		return nil
	}
	marks := make([]string, len(serials))
	args := make([]any, 0, 3*len(serials))
	for i, s := range serials {
		if len(s) == 0 {
			return fmt.Errorf("sqlstore: reserve serials: empty serial")
		}
		marks[i] = "(?, ?, ?, FALSE)"
		args = append(args, s.String(), issuerID, micros(at))
	}
	q := db.d.rebind(`INSERT INTO serials (serial, issuer_id, reserved_at, used) VALUES ` + strings.Join(marks, ", ") +
		` ON CONFLICT (serial) DO NOTHING`)
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return wrapf(err, "reserve %d serials", len(serials))
		}
		n, err := res.RowsAffected()
		if err != nil {
			return wrapf(err, "reserve %d serials", len(serials))
		}
		if n != int64(len(serials)) {
			return fmt.Errorf("sqlstore: reserve %d serials: %d were reserved before: %w", len(serials), int64(len(serials))-n, store.ErrConflict)
		}
		return nil
	})
}

const sequenceBlockSQL = `INSERT INTO cn_sequences (institution, day, seq) VALUES (?, ?, ?)
ON CONFLICT (institution, day) DO UPDATE SET seq = cn_sequences.seq + ?
RETURNING seq`

// NextSequenceBlock takes n consecutive numbers of the institution's sequence for day
// and returns the first; concurrent callers get disjoint blocks. Numbers of a block that
// is never used stay unused (gaps, never duplicates).
func (db *DB) NextSequenceBlock(ctx context.Context, institution, day string, n int) (int64, error) {
	if n < 1 {
		return 0, fmt.Errorf("sqlstore: sequence block of %d", n)
	}
	var last int64
	if err := db.w.QueryRowContext(ctx, db.d.rebind(sequenceBlockSQL), institution, day, n, n).Scan(&last); err != nil {
		return 0, wrapf(err, "sequence block %s/%s", institution, day)
	}
	return last - int64(n) + 1, nil
}
