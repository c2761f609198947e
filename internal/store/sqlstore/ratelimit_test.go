package sqlstore_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/store/sqlstore"
	"github.com/certcenter/certcenter/internal/store/storetest"
)

var _ storetest.RateStore = (*sqlstore.DB)(nil)

func TestRateSQLite(t *testing.T) {
	storetest.RunRate(t, func(t *testing.T) storetest.RateStore {
		return openSQLite(t, filepath.Join(t.TempDir(), "rate.db"), time.Now)
	})
}

func TestRatePostgres(t *testing.T) {
	openPostgres(t, time.Now) // skips the whole test when PostgreSQL is missing
	storetest.RunRate(t, func(t *testing.T) storetest.RateStore {
		return openPostgres(t, time.Now)
	})
}
