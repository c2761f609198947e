package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store"
)

const reserveSerialSQL = `INSERT INTO serials (serial, issuer_id, reserved_at, used) VALUES (?, ?, ?, FALSE)
ON CONFLICT (serial) DO NOTHING`

// ReserveSerial records serial as taken by issuerID before it is signed. It returns
// store.ErrConflict when the serial was ever reserved before, used or not: reservations
// are never deleted, so no serial is signed twice even after a failed issuance.
func (db *DB) ReserveSerial(ctx context.Context, serial model.Serial, issuerID string, at time.Time) error {
	if len(serial) == 0 {
		return fmt.Errorf("sqlstore: reserve serial: empty serial")
	}
	res, err := db.st.reserveSerial.ExecContext(ctx, serial.String(), issuerID, micros(at))
	if err != nil {
		return wrapf(err, "reserve serial %s", serial)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return wrapf(err, "reserve serial %s", serial)
	}
	if n == 0 {
		return fmt.Errorf("sqlstore: reserve serial %s: already reserved: %w", serial, store.ErrConflict)
	}
	return nil
}

const nextSequenceSQL = `INSERT INTO cn_sequences (institution, day, seq) VALUES (?, ?, 1)
ON CONFLICT (institution, day) DO UPDATE SET seq = cn_sequences.seq + 1
RETURNING seq`

// NextSequence returns the next number, from 1, of the institution's sequence for day
// (the caller's day key, e.g. "20260325"). Concurrent callers get distinct numbers.
func (db *DB) NextSequence(ctx context.Context, institution, day string) (int64, error) {
	var seq int64
	if err := db.st.nextSequence.QueryRowContext(ctx, institution, day).Scan(&seq); err != nil {
		return 0, wrapf(err, "next sequence %s/%s", institution, day)
	}
	return seq, nil
}
