package sqlstore_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/audit"
	"github.com/certcenter/certcenter/internal/ca"
	"github.com/certcenter/certcenter/internal/center"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store/sqlstore"
	"github.com/certcenter/certcenter/internal/store/storetest"
	"github.com/certcenter/certcenter/internal/testenv"
)

var (
	_ ca.Store        = (*sqlstore.DB)(nil)
	_ center.Store    = (*sqlstore.DB)(nil)
	_ storetest.Store = (*sqlstore.DB)(nil)
)

func openSQLite(t testing.TB, path string, now func() time.Time) *sqlstore.DB {
	t.Helper()
	db, err := sqlstore.Open(context.Background(), "sqlite", path, sqlstore.WithClock(now))
	if err != nil {
		t.Fatalf("Open(sqlite, %s) = %v", path, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func openPostgres(t testing.TB, now func() time.Time) *sqlstore.DB {
	t.Helper()
	dsn := testenv.PostgresDSN(t)
	db, err := sqlstore.Open(context.Background(), "postgres", dsn, sqlstore.WithClock(now))
	if err != nil {
		t.Fatalf("Open(postgres) = %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestSQLite(t *testing.T) {
	storetest.Run(t, func(t *testing.T, now func() time.Time) storetest.Store {
		return openSQLite(t, filepath.Join(t.TempDir(), "certcenter.db"), now)
	})
}

func TestPostgres(t *testing.T) {
	openPostgres(t, time.Now) // skips the whole test when PostgreSQL is missing
	storetest.Run(t, func(t *testing.T, now func() time.Time) storetest.Store {
		return openPostgres(t, now)
	})
}

func TestOpenUnknownDriver(t *testing.T) {
	if _, err := sqlstore.Open(context.Background(), "mysql", "x"); err == nil {
		t.Errorf(`Open("mysql") = nil error, want an error naming the drivers`)
	}
}

func TestDriver(t *testing.T) {
	db := openSQLite(t, filepath.Join(t.TempDir(), "d.db"), time.Now)
	if got := db.Driver(); got != "sqlite" {
		t.Errorf("Driver() = %q, want sqlite", got)
	}
	var mode string
	if err := db.SQL().QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v, want wal", mode, err)
	}
}

// Reopening applies no migration twice and keeps the data.
func TestSQLiteReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "reopen.db")
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, "sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.AppendAudit(ctx, model.AuditEvent{Type: "t", Subject: "s"}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db = openSQLite(t, path, time.Now)
	heads, err := db.AuditHeads(ctx)
	if err != nil || len(heads) != 1 {
		t.Errorf("AuditHeads() after reopen = %v, %v, want one chain", heads, err)
	}
}

// The writer syncs every commit: a committed certificate survives a power loss.
func TestSQLiteWriterSyncsEachCommit(t *testing.T) {
	db := openSQLite(t, filepath.Join(t.TempDir(), "sync.db"), time.Now)
	var mode, sync string
	if err := db.SQL().QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if err := db.SQL().QueryRow(`PRAGMA synchronous`).Scan(&sync); err != nil {
		t.Fatal(err)
	}
	if mode != "wal" || sync != "2" { // 2 is FULL
		t.Errorf("writer: journal_mode %s synchronous %s; want wal and 2 (FULL)", mode, sync)
	}
}

// A second process (the `certcenter enroll` CLI) writes to the SQLite file while the
// server holds it open, even while the server is in the middle of a write transaction:
// it waits for the lock (busy_timeout) instead of failing.
func TestSQLiteSecondWriter(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shared.db")
	ctx := context.Background()
	server := openSQLite(t, path, time.Now)
	cli := openSQLite(t, path, time.Now)
	if err := server.AppendAudit(ctx, model.AuditEvent{Type: "server.start", Subject: "a"}); err != nil {
		t.Fatal(err)
	}

	// The server holds the write lock for a while.
	tx, err := server.SQL().BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(`INSERT INTO cn_sequences (institution, day, seq) VALUES ('900', 'held', 1)`); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	start := time.Now()
	go func() { done <- cli.AppendAudit(ctx, model.AuditEvent{Type: "cli.enroll", Subject: "b"}) }()
	time.Sleep(300 * time.Millisecond)
	select {
	case err := <-done:
		t.Fatalf("second writer finished (%v) while the first held the write lock", err)
	default:
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("second writer after waiting %v: %v", time.Since(start), err)
	}
	// Both keep working, and each sees the other's entries.
	if err := server.AppendAudit(ctx, model.AuditEvent{Type: "server.more", Subject: "b"}); err != nil {
		t.Fatal(err)
	}
	for _, db := range []*sqlstore.DB{server, cli} {
		v := audit.NewVerifier()
		if err := db.WalkAudit(ctx, v.Add); err != nil || v.Count != 3 {
			t.Errorf("WalkAudit() = %v with %d entries, want 3", err, v.Count)
		}
	}
}
