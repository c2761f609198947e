package sqlstore_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/store/sqlstore"
	"github.com/certcenter/certcenter/internal/store/storetest"
	"github.com/certcenter/certcenter/internal/testenv"
)

var _ storetest.RevocationStore = (*sqlstore.DB)(nil)

func TestRevocationSQLite(t *testing.T) {
	storetest.RunRevocation(t, func(t *testing.T, now func() time.Time) storetest.RevocationStore {
		return openSQLite(t, filepath.Join(t.TempDir(), "certcenter.db"), now)
	})
}

func TestRevocationPostgres(t *testing.T) {
	openPostgres(t, time.Now)
	storetest.RunRevocation(t, func(t *testing.T, now func() time.Time) storetest.RevocationStore {
		return openPostgres(t, now)
	})
}

// On PostgreSQL the lock is one node's at a time, and moves when its holder lets go.
func TestLockPostgresContention(t *testing.T) {
	ctx := context.Background()
	dsn := testenv.PostgresDSN(t)
	a, b := openDSN(t, dsn), openDSN(t, dsn)
	la, err := a.TryLock(ctx, "crl")
	if err != nil || la == nil {
		t.Fatalf("TryLock(a) = %v, %v", la, err)
	}
	if lb, err := b.TryLock(ctx, "crl"); err != nil || lb != nil {
		t.Fatalf("TryLock(b) while a holds it = %v, %v, want nil, nil", lb, err)
	}
	if lo, err := b.TryLock(ctx, "other"); err != nil || lo == nil {
		t.Fatalf("TryLock(b, other name) = %v, %v, want a lock", lo, err)
	} else {
		lo.Release()
	}
	if err := la.Release(); err != nil {
		t.Fatal(err)
	}
	lb, err := b.TryLock(ctx, "crl")
	if err != nil || lb == nil {
		t.Fatalf("TryLock(b) after a released = %v, %v", lb, err)
	}
	if err := lb.Check(ctx); err != nil {
		t.Errorf("Check() = %v", err)
	}
	lb.Release()
}

func openDSN(t *testing.T, dsn string) *sqlstore.DB {
	t.Helper()
	db, err := sqlstore.Open(context.Background(), "postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
