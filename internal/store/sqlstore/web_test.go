package sqlstore_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/store/sqlstore"
	"github.com/certcenter/certcenter/internal/store/storetest"
)

var _ storetest.WebStore = (*sqlstore.DB)(nil)

func TestWebSQLite(t *testing.T) {
	storetest.RunWeb(t, func(t *testing.T) storetest.WebStore {
		return openSQLite(t, filepath.Join(t.TempDir(), "web.db"), time.Now)
	})
}

func TestWebPostgres(t *testing.T) {
	openPostgres(t, time.Now)
	storetest.RunWeb(t, func(t *testing.T) storetest.WebStore { return openPostgres(t, time.Now) })
}
