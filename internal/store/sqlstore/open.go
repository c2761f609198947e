package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/certcenter/certcenter/internal/store"
)

// DB is a certcenter database. It is safe for concurrent use.
type DB struct {
	d   dialect
	w   *sql.DB // writes and transactions; on SQLite a single connection
	r   *sql.DB // plain reads; on PostgreSQL the same pool as w
	now func() time.Time
	st  stmts

	batch batcher       // group commit of the hot write paths (batch.go)
	ckpt  *checkpointer // SQLite only

	signSweep atomic.Int64 // when expired fincert sign requests were last deleted (Unix µs)
	reads     sync.Map     // query text → *sql.Stmt prepared on r (readRow)
}

// Option configures Open.
type Option func(*options)

type options struct {
	now      func() time.Time
	maxConns int
}

// WithClock sets the clock that stamps audit entries and use times. The default is
// time.Now.
func WithClock(now func() time.Time) Option { return func(o *options) { o.now = now } }

// WithMaxConns caps the PostgreSQL connection pool (default 20). On SQLite it caps the
// read pool; writes always go through one connection, SQLite having one writer.
func WithMaxConns(n int) Option { return func(o *options) { o.maxConns = n } }

// Open opens the database, applies pending migrations and prepares statements.
// driver is "sqlite" (dsn: a file path, created when missing) or "postgres" (a pgx DSN;
// the schema is the first one of its search_path).
func Open(ctx context.Context, driver, dsn string, opts ...Option) (*DB, error) {
	o := options{now: time.Now}
	for _, f := range opts {
		f(&o)
	}
	d, err := dialectFor(driver)
	if err != nil {
		return nil, err
	}
	w, r, err := d.open(ctx, dsn, o.maxConns)
	if err != nil {
		return nil, err
	}
	db := &DB{d: d, w: w, r: r, now: o.now}
	if err := db.st.prepare(ctx, w, r, d); err != nil {
		db.Close()
		return nil, err
	}
	if d.name == "sqlite" {
		if db.ckpt, err = openCheckpointer(ctx, dsn); err != nil {
			db.Close()
			return nil, err
		}
	}
	return db, nil
}

// Close closes the prepared statements and the connection pools.
func (db *DB) Close() error {
	if db.ckpt != nil {
		db.ckpt.close()
	}
	db.st.close()
	db.closeReads()
	err := db.w.Close()
	if db.r != db.w {
		if err2 := db.r.Close(); err == nil {
			err = err2
		}
	}
	return err
}

// Driver returns "sqlite" or "postgres".
func (db *DB) Driver() string { return db.d.name }

// SQL returns the pool that writes go through, for tests, benchmarks and tools. On
// SQLite it holds one connection: do not keep a transaction open on it while calling DB
// methods that write, or they wait for it.
func (db *DB) SQL() *sql.DB { return db.w }

func (db *DB) clock() time.Time { return db.now().UTC().Truncate(time.Microsecond) }

// micros and fromMicros convert between time.Time and the stored representation.
func micros(t time.Time) int64 { return t.UnixMicro() }

func fromMicros(v int64) time.Time { return time.UnixMicro(v).UTC() }

func nullMicros(t *time.Time) sql.NullInt64 {
	if t == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: micros(*t), Valid: true}
}

func fromNullMicros(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromMicros(v.Int64)
	return &t
}

func wrapf(err error, format string, args ...any) error {
	if unavailable(err) {
		return fmt.Errorf("sqlstore: "+format+": %w (%w)", append(args, err, store.ErrUnavailable)...)
	}
	return fmt.Errorf("sqlstore: "+format+": %w", append(args, err)...)
}

// unavailable reports whether err says the database could not be reached, or is
// shutting down or restarting, rather than refusing the statement: connection errors
// (PostgreSQL SQLSTATE class 08), operator intervention (class 57: admin shutdown,
// crash shutdown, cannot connect now), a refused or reset connection, a bad or closed
// connection.
func unavailable(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return strings.HasPrefix(pg.Code, "08") || strings.HasPrefix(pg.Code, "57")
	}
	var ce *pgconn.ConnectError
	var op *net.OpError
	return errors.As(err, &ce) || errors.As(err, &op) || errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.ErrUnexpectedEOF)
}
