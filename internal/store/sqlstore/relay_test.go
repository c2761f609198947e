package sqlstore_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/store/sqlstore"
	"github.com/certcenter/certcenter/internal/store/storetest"
)

var _ storetest.RelayStore = (*sqlstore.DB)(nil)

func TestRelaySQLite(t *testing.T) {
	storetest.RunRelay(t, func(t *testing.T, now func() time.Time) storetest.RelayStore {
		return openSQLite(t, filepath.Join(t.TempDir(), "relay.db"), now)
	})
}

func TestRelayPostgres(t *testing.T) {
	openPostgres(t, time.Now) // skips the whole test when PostgreSQL is missing
	storetest.RunRelay(t, func(t *testing.T, now func() time.Time) storetest.RelayStore {
		return openPostgres(t, now)
	})
}
