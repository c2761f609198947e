package sqlstore_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/store/sqlstore"
	"github.com/certcenter/certcenter/internal/store/storetest"
	"github.com/certcenter/certcenter/internal/web/console"
)

var (
	_ storetest.ApprovalStore  = (*sqlstore.DB)(nil)
	_ console.SupervisionStore = (*sqlstore.DB)(nil)
)

func TestApprovalsSQLite(t *testing.T) {
	storetest.RunApprovals(t, func(t *testing.T, now func() time.Time) storetest.ApprovalStore {
		return openSQLite(t, filepath.Join(t.TempDir(), "approvals.db"), now)
	})
}

func TestApprovalsPostgres(t *testing.T) {
	openPostgres(t, time.Now)
	storetest.RunApprovals(t, func(t *testing.T, now func() time.Time) storetest.ApprovalStore { return openPostgres(t, now) })
}
