package sqlstore

// This file holds the differences between PostgreSQL and SQLite: driver names, DSNs and
// connection pools, placeholders, error classification, goose settings, and the one
// statement PostgreSQL can fold into a single round trip. Everything else is shared SQL,
// except the issuance writes PostgreSQL pipelines (pgpipeline.go).

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

type dialect struct {
	name   string // "sqlite" or "postgres", as Driver reports it
	goose  goose.Dialect
	dollar bool // placeholders are $1, $2... instead of ?
}

var (
	sqliteDialect   = dialect{name: "sqlite", goose: goose.DialectSQLite3}
	postgresDialect = dialect{name: "postgres", goose: goose.DialectPostgres, dollar: true}
)

func dialectFor(driver string) (dialect, error) {
	switch driver {
	case "sqlite", "sqlite3":
		return sqliteDialect, nil
	case "postgres", "postgresql", "pgx":
		return postgresDialect, nil
	}
	return dialect{}, fmt.Errorf("sqlstore: unknown driver %q (use \"sqlite\" or \"postgres\")", driver)
}

// rebind turns the shared ?-placeholder SQL into the dialect's form. Queries hold no
// string literals containing '?', so a plain scan is enough.
func (d dialect) rebind(q string) string {
	if !d.dollar {
		return q
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// open returns the write and read pools with migrations applied.
func (d dialect) open(ctx context.Context, dsn string, maxConns int) (w, r *sql.DB, err error) {
	if d.name == "postgres" {
		return openPostgres(ctx, dsn, maxConns)
	}
	return openSQLite(ctx, dsn, maxConns)
}

// SQLite: one writer connection with BEGIN IMMEDIATE, so that write transactions take
// the write lock up front (a deferred transaction that reads and then writes can fail
// with SQLITE_BUSY without waiting when another connection committed meanwhile), and
// in-process writers queue in database/sql instead of sleeping in SQLite's busy handler.
// Other processes (the `certcenter enroll` CLI) wait up to busy_timeout for the lock.
// WAL lets readers proceed during writes. synchronous=FULL syncs the WAL at every
// commit: a CA answers with a certificate only after its transaction commits, and with
// NORMAL (the usual WAL choice) a power loss or an OS crash could take back the last
// commits, leaving certificates in subscribers' hands that the database does not know
// and serials it no longer remembers. On the two-vCPU machines we measure on, each sync
// costs a few hundred microseconds; group commit shares it among concurrent issuances,
// and a lone issuance's commit runs beside its signature.
// Checkpoints run beside the writer (checkpoint.go); wal_autocheckpoint, raised from
// 1,000 to 10,000 pages (40 MB of WAL), is the backstop: a checkpoint it starts copies
// pages back into the database file while holding the writer.
// The writer's page cache (cache_size, a cap in KiB, not an allocation) holds the
// random-key B-trees issuance writes into (serials, the certificates' serial index) so
// that issuance does not slow as they grow to millions of rows; readers need less.
const sqliteCommon = "_pragma=busy_timeout(10000)"

func openSQLite(ctx context.Context, path string, maxConns int) (w, r *sql.DB, err error) {
	if path == "" {
		return nil, nil, errors.New("sqlstore: sqlite: empty database path (give a file path, e.g. data/certcenter.db)")
	}
	uri := sqliteURI(path)
	w, err = sql.Open("sqlite", uri+"?"+sqliteCommon+
		"&_pragma=cache_size(-262144)&_pragma=wal_autocheckpoint(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=foreign_keys(1)&_txlock=immediate")
	if err != nil {
		return nil, nil, wrapf(err, "sqlite: open %s", path)
	}
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, nil, wrapf(err, "sqlite: open %s", path)
	}
	if err := migrate(ctx, w, sqliteDialect); err != nil {
		w.Close()
		return nil, nil, err
	}
	// Only now limit the writer to one connection: goose may use more than one.
	oneConnection(w)

	if maxConns <= 0 {
		maxConns = max(4, runtime.GOMAXPROCS(0))
	}
	r, err = sql.Open("sqlite", uri+"?"+sqliteCommon+"&_pragma=cache_size(-65536)&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, nil, wrapf(err, "sqlite: open %s", path)
	}
	r.SetMaxOpenConns(maxConns)
	r.SetMaxIdleConns(maxConns)
	return w, r, nil
}

// openCheckpointer opens the SQLite checkpointer's own connection (checkpoint.go).
func openCheckpointer(ctx context.Context, path string) (*checkpointer, error) {
	c, err := sql.Open("sqlite", sqliteURI(path)+"?"+sqliteCommon+"&_pragma=synchronous(NORMAL)")
	if err != nil {
		return nil, wrapf(err, "sqlite: open %s", path)
	}
	oneConnection(c)
	if err := c.PingContext(ctx); err != nil {
		c.Close()
		return nil, wrapf(err, "sqlite: open %s", path)
	}
	return startCheckpointer(c), nil
}

// oneConnection keeps a pool to one connection, open for the life of the pool.
func oneConnection(db *sql.DB) {
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
}

func sqliteURI(path string) string {
	return "file:" + strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(strings.TrimPrefix(path, "file:"))
}

// PostgreSQL: one pool. pgx caches prepared statements per connection by itself.
func openPostgres(ctx context.Context, dsn string, maxConns int) (w, r *sql.DB, err error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, nil, wrapf(err, "postgres: open")
	}
	if maxConns <= 0 {
		maxConns = 20
	}
	db.SetMaxOpenConns(maxConns)
	db.SetMaxIdleConns(maxConns) // the default of 2 idle would reconnect under load
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, nil, wrapf(err, "postgres: connect (is the server running and the DSN right?)")
	}
	if err := migrate(ctx, db, postgresDialect); err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, db, nil
}

// gooseOptions returns the dialect's migration options. On PostgreSQL, nodes starting
// together take an advisory lock; its ID is derived from the schema so that deployments
// (and parallel tests) in other schemas of the same database do not wait for each other.
func (d dialect) gooseOptions(ctx context.Context, db *sql.DB) ([]goose.ProviderOption, error) {
	if d.name != "postgres" {
		return nil, nil
	}
	var schema sql.NullString
	if err := db.QueryRowContext(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		return nil, wrapf(err, "postgres: current schema")
	}
	if !schema.Valid {
		return nil, errors.New("sqlstore: postgres: no current schema (does the search_path name an existing schema?)")
	}
	h := fnv.New64a()
	h.Write([]byte("certcenter-migrations:" + schema.String))
	locker, err := lock.NewPostgresSessionLocker(
		lock.WithLockID(int64(h.Sum64()>>1)),
		lock.WithLockTimeout(1, 600), // retry every second for up to 10 minutes
	)
	if err != nil {
		return nil, wrapf(err, "postgres: migration lock")
	}
	return []goose.ProviderOption{goose.WithSessionLocker(locker)}, nil
}

// isUniqueViolation reports whether err is a unique or primary key violation.
func (d dialect) isUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505"
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// auditWriteSQL returns the statements that store an audit entry and move its chain
// head. Arguments: chain, seq, at, type, actor, institution, subject, details,
// prev_hash, hash. PostgreSQL does both in one round trip with a data-modifying CTE;
// SQLite, in process and without such CTEs, runs two statements (the second with
// arguments hash, chain).
func (d dialect) auditWriteSQL() (insert, setHead string) {
	const ins = `INSERT INTO audit_log (chain, seq, at, type, actor, institution, subject, details, prev_hash, hash)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	if d.name == "postgres" {
		return `WITH head AS (UPDATE audit_heads SET hash = $10 WHERE chain = $1)
` + d.rebind(ins), ""
	}
	return ins, `UPDATE audit_heads SET hash = ? WHERE chain = ?`
}
