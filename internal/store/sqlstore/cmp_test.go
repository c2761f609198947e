package sqlstore_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/store/sqlstore"
	"github.com/certcenter/certcenter/internal/store/storetest"
)

var _ storetest.CMPStore = (*sqlstore.DB)(nil)

func TestSQLiteCMP(t *testing.T) {
	storetest.RunCMP(t, func(t *testing.T, now func() time.Time) storetest.CMPStore {
		return openSQLite(t, filepath.Join(t.TempDir(), "cmp.db"), now)
	})
}

func TestPostgresCMP(t *testing.T) {
	openPostgres(t, time.Now) // skips the whole test when PostgreSQL is missing
	storetest.RunCMP(t, func(t *testing.T, now func() time.Time) storetest.CMPStore {
		return openPostgres(t, now)
	})
}
