package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"io/fs"

	"github.com/pressly/goose/v3"
)

// migrations holds one folder per dialect. Both folders carry the same version numbers
// (migrate_test.go checks it), so a version means the same schema on either database.
//
//go:embed migrations/postgres/*.sql migrations/sqlite/*.sql
var migrations embed.FS

// migrationsFS returns the dialect's migration folder.
func migrationsFS(d dialect) (fs.FS, error) {
	return fs.Sub(migrations, "migrations/"+d.name)
}

// migrate applies every pending migration. goose records versions in goose_db_version,
// which on PostgreSQL lands in the current schema (the first of the search_path).
func migrate(ctx context.Context, db *sql.DB, d dialect) error {
	fsys, err := migrationsFS(d)
	if err != nil {
		return wrapf(err, "migrations")
	}
	opts, err := d.gooseOptions(ctx, db)
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(d.goose, db, fsys, opts...)
	if err != nil {
		return wrapf(err, "%s: migrations", d.name)
	}
	if _, err := p.Up(ctx); err != nil {
		return wrapf(err, "%s: migrate", d.name)
	}
	return nil
}
