package sqlstore_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/store/sqlstore"
	"github.com/certcenter/certcenter/internal/store/storetest"
)

var _ storetest.OperationsStore = (*sqlstore.DB)(nil)

func TestOperationsSQLite(t *testing.T) {
	storetest.RunOperations(t, func(t *testing.T, now func() time.Time) storetest.OperationsStore {
		return openSQLite(t, filepath.Join(t.TempDir(), "ops.db"), now)
	})
}

func TestOperationsPostgres(t *testing.T) {
	openPostgres(t, time.Now)
	storetest.RunOperations(t, func(t *testing.T, now func() time.Time) storetest.OperationsStore { return openPostgres(t, now) })
}
