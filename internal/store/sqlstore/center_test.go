package sqlstore_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/center"
	"github.com/certcenter/certcenter/internal/store/sqlstore"
	"github.com/certcenter/certcenter/internal/store/storetest"
)

var (
	_ center.DeskStore      = (*sqlstore.DB)(nil)
	_ storetest.CenterStore = (*sqlstore.DB)(nil)
)

func TestCenterSQLite(t *testing.T) {
	storetest.RunCenter(t, func(t *testing.T, now func() time.Time) storetest.CenterStore {
		return openSQLite(t, filepath.Join(t.TempDir(), "center.db"), now)
	})
}

func TestCenterPostgres(t *testing.T) {
	openPostgres(t, time.Now)
	storetest.RunCenter(t, func(t *testing.T, now func() time.Time) storetest.CenterStore {
		return openPostgres(t, now)
	})
}
