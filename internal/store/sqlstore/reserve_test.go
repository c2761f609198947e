package sqlstore_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/store/storetest"
)

func TestReserveSQLite(t *testing.T) {
	storetest.RunReserve(t, func(t *testing.T) storetest.Reserver {
		return openSQLite(t, filepath.Join(t.TempDir(), "r.db"), time.Now)
	})
}

func TestReservePostgres(t *testing.T) {
	storetest.RunReserve(t, func(t *testing.T) storetest.Reserver { return openPostgres(t, time.Now) })
}
