package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store"
)

// CreateCMPTransaction records a CMP issuance awaiting its certConf. It returns
// store.ErrConflict when a transaction with the same ID is stored (RFC 4210
// transactionIdInUse).
func (db *DB) CreateCMPTransaction(ctx context.Context, t model.CMPTransaction) error {
	var signer string
	if len(t.Signer) > 0 {
		signer = t.Signer.String()
	}
	res, err := db.w.ExecContext(ctx, db.d.rebind(`INSERT INTO cmp_transactions
(transaction_id, serial, cert_req_id, nonce, reference, signer_serial, created_at, expires_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (transaction_id) DO NOTHING`),
		t.ID, t.Serial.String(), t.CertReqID, t.Nonce, t.Reference, signer, micros(t.CreatedAt), micros(t.ExpiresAt))
	if err != nil {
		return wrapf(err, "create CMP transaction")
	}
	if n, err := res.RowsAffected(); err != nil {
		return wrapf(err, "create CMP transaction")
	} else if n == 0 {
		return fmt.Errorf("sqlstore: create CMP transaction: transactionID in use: %w", store.ErrConflict)
	}
	return nil
}

// CMPTransaction returns the transaction with the given ID, or store.ErrNotFound.
// Expired rows not yet deleted are returned; the caller compares ExpiresAt.
func (db *DB) CMPTransaction(ctx context.Context, id []byte) (model.CMPTransaction, error) {
	var (
		t               model.CMPTransaction
		serial, signer  string
		created, expire int64
	)
	err := db.r.QueryRowContext(ctx, db.d.rebind(`SELECT transaction_id, serial, cert_req_id, nonce, reference, signer_serial,
created_at, expires_at FROM cmp_transactions WHERE transaction_id = ?`), id).
		Scan(&t.ID, &serial, &t.CertReqID, &t.Nonce, &t.Reference, &signer, &created, &expire)
	if errors.Is(err, sql.ErrNoRows) {
		return t, fmt.Errorf("sqlstore: CMP transaction: %w", store.ErrNotFound)
	} else if err != nil {
		return t, wrapf(err, "CMP transaction")
	}
	if t.Serial, err = model.ParseSerial(serial); err != nil {
		return t, fmt.Errorf("sqlstore: CMP transaction: %w", err)
	}
	if signer != "" {
		if t.Signer, err = model.ParseSerial(signer); err != nil {
			return t, fmt.Errorf("sqlstore: CMP transaction: %w", err)
		}
	}
	t.CreatedAt, t.ExpiresAt = fromMicros(created), fromMicros(expire)
	return t, nil
}

// DeleteExpiredCMPTransactions removes the transactions that expired at or before
// before and returns how many.
func (db *DB) DeleteExpiredCMPTransactions(ctx context.Context, before time.Time) (int64, error) {
	res, err := db.w.ExecContext(ctx, db.d.rebind(`DELETE FROM cmp_transactions WHERE expires_at <= ?`), micros(before))
	if err != nil {
		return 0, wrapf(err, "delete expired CMP transactions")
	}
	return res.RowsAffected()
}
