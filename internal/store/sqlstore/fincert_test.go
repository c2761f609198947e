package sqlstore_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/cloudcert"
	"github.com/certcenter/certcenter/internal/store/sqlstore"
	"github.com/certcenter/certcenter/internal/store/storetest"
)

var (
	_ storetest.FinCertStore = (*sqlstore.DB)(nil)
	_ cloudcert.Store        = (*sqlstore.DB)(nil)
)

func TestFinCertSQLite(t *testing.T) {
	storetest.RunFinCert(t, func(t *testing.T) storetest.FinCertStore {
		return openSQLite(t, filepath.Join(t.TempDir(), "fincert.db"), time.Now)
	})
}

func TestFinCertPostgres(t *testing.T) {
	openPostgres(t, time.Now) // skips the whole test when PostgreSQL is missing
	storetest.RunFinCert(t, func(t *testing.T) storetest.FinCertStore { return openPostgres(t, time.Now) })
}
