package sqlstore_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/store/sqlstore"
	"github.com/certcenter/certcenter/internal/store/storetest"
)

var _ storetest.StaffStore = (*sqlstore.DB)(nil)

func TestStaffSQLite(t *testing.T) {
	storetest.RunStaff(t, func(t *testing.T, now func() time.Time) storetest.StaffStore {
		return openSQLite(t, filepath.Join(t.TempDir(), "staff.db"), now)
	})
}

func TestStaffPostgres(t *testing.T) {
	openPostgres(t, time.Now)
	storetest.RunStaff(t, func(t *testing.T, now func() time.Time) storetest.StaffStore { return openPostgres(t, now) })
}
