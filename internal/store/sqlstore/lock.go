package sqlstore

import (
	"context"
	"database/sql"
	"hash/fnv"

	"github.com/certcenter/certcenter/internal/store"
)

// TryLock takes the singleton lock name without waiting: a held store.Lock, or nil
// (and no error) when another node holds it. On PostgreSQL it is a session advisory
// lock on a connection reserved for it, keyed by the schema and the name, so that
// deployments (and tests) in other schemas of the same database do not contend; it is
// released with that connection when the node dies. On SQLite, which one process
// serves, the lock is always granted.
func (db *DB) TryLock(ctx context.Context, name string) (store.Lock, error) {
	if db.d.name != "postgres" {
		return noLock{}, nil
	}
	conn, err := db.w.Conn(ctx)
	if err != nil {
		return nil, wrapf(err, "lock %s: connection", name)
	}
	var schema sql.NullString
	if err := conn.QueryRowContext(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		conn.Close()
		return nil, wrapf(err, "lock %s: schema", name)
	}
	h := fnv.New64a()
	h.Write([]byte("certcenter-lock:" + schema.String + ":" + name))
	key := int64(h.Sum64() >> 1)
	var ok bool
	if err := conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock($1)", key).Scan(&ok); err != nil {
		conn.Close()
		return nil, wrapf(err, "lock %s", name)
	}
	if !ok {
		conn.Close()
		return nil, nil
	}
	return &pgLock{conn: conn, key: key}, nil
}

type noLock struct{}

func (noLock) Check(context.Context) error { return nil }
func (noLock) Release() error              { return nil }

type pgLock struct {
	conn *sql.Conn
	key  int64
}

func (l *pgLock) Check(ctx context.Context) error {
	var held bool
	err := l.conn.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()
AND granted AND ((classid::bigint << 32) | objid::bigint) = $1)`, l.key).Scan(&held)
	if err != nil {
		return wrapf(err, "lock check")
	}
	if !held {
		return wrapf(store.ErrConflict, "lock check: the advisory lock is no longer held")
	}
	return nil
}

func (l *pgLock) Release() error {
	ctx := context.Background()
	_, err := l.conn.ExecContext(ctx, "SELECT pg_advisory_unlock($1)", l.key)
	if cerr := l.conn.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return wrapf(err, "lock release")
	}
	return nil
}
