package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store"
)

const institutionColumns = `code, name, short_name, api_key_hash, created_at`

func scanInstitution(sc interface{ Scan(...any) error }) (model.Institution, error) {
	var (
		in      model.Institution
		created int64
	)
	if err := sc.Scan(&in.Code, &in.Name, &in.ShortName, &in.APIKeyHash, &created); err != nil {
		return model.Institution{}, err
	}
	in.CreatedAt = fromMicros(created)
	return in, nil
}

// Institution returns the institution with the 3-digit code, or store.ErrNotFound.
func (db *DB) Institution(ctx context.Context, code string) (model.Institution, error) {
	in, err := scanInstitution(db.r.QueryRowContext(ctx, db.d.rebind(`SELECT `+institutionColumns+` FROM institutions WHERE code = ?`), code))
	if errors.Is(err, sql.ErrNoRows) {
		return model.Institution{}, fmt.Errorf("sqlstore: institution %q: %w", code, store.ErrNotFound)
	}
	if err != nil {
		return model.Institution{}, wrapf(err, "institution %q", code)
	}
	return in, nil
}

// InstitutionByAPIKeyHash returns the institution whose API key hashes to hash, or
// store.ErrNotFound.
func (db *DB) InstitutionByAPIKeyHash(ctx context.Context, hash []byte) (model.Institution, error) {
	in, err := scanInstitution(db.r.QueryRowContext(ctx, db.d.rebind(`SELECT `+institutionColumns+` FROM institutions WHERE api_key_hash = ?`), hash))
	if errors.Is(err, sql.ErrNoRows) {
		// A key replaced by a rotation works until its overlap ends (staff.go).
		in, err = db.institutionByOldAPIKey(ctx, hash)
	}
	if errors.Is(err, sql.ErrNoRows) {
		// The message names no part of the hash: it is a credential.
		return model.Institution{}, fmt.Errorf("sqlstore: institution by API key: %w", store.ErrNotFound)
	}
	if err != nil {
		return model.Institution{}, wrapf(err, "institution by API key")
	}
	return in, nil
}

// Institutions returns every institution, ordered by code.
func (db *DB) Institutions(ctx context.Context) ([]model.Institution, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+institutionColumns+` FROM institutions ORDER BY code`)
	if err != nil {
		return nil, wrapf(err, "institutions")
	}
	defer rows.Close()
	var out []model.Institution
	for rows.Next() {
		in, err := scanInstitution(rows)
		if err != nil {
			return nil, wrapf(err, "institutions")
		}
		out = append(out, in)
	}
	if err := rows.Err(); err != nil {
		return nil, wrapf(err, "institutions")
	}
	return out, nil
}
