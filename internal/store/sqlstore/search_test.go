package sqlstore_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store/sqlstore"
	"github.com/certcenter/certcenter/internal/store/storetest"
)

var _ storetest.SearchStore = (*sqlstore.DB)(nil)

func TestCustomerSearchSQLite(t *testing.T) {
	storetest.RunCustomerSearch(t, func(t *testing.T, now func() time.Time) storetest.SearchStore {
		return openSQLite(t, filepath.Join(t.TempDir(), "search.db"), now)
	})
}

func TestCustomerSearchPostgres(t *testing.T) {
	openPostgres(t, time.Now)
	storetest.RunCustomerSearch(t, func(t *testing.T, now func() time.Time) storetest.SearchStore { return openPostgres(t, now) })
}

// TestCustomerSearchPlans checks on both databases, with 3,000 customers analyzed,
// that the search and the backfill read their indexes and do not scan the table.
func TestCustomerSearchPlans(t *testing.T) {
	for _, driver := range []string{"sqlite", "postgres"} {
		t.Run(driver, func(t *testing.T) {
			var db *sqlstore.DB
			if driver == "sqlite" {
				db = openSQLite(t, filepath.Join(t.TempDir(), "plan.db"), time.Now)
			} else {
				db = openPostgres(t, time.Now)
			}
			ctx := context.Background()
			t0 := time.Date(2026, 3, 25, 9, 0, 0, 0, time.UTC)
			boot := model.Bootstrap{Institutions: []model.Institution{{Code: "901", Name: "데모은행1", ShortName: "DEMOBANK1", APIKeyHash: []byte("h901"), CreatedAt: t0}},
				Authorities: []model.Authority{{ID: "issuing", Role: model.RoleIssuing, CertDER: []byte("der"), KeyRef: "k", CreatedAt: t0}}}
			if err := db.Bootstrap(ctx, boot, model.AuditEvent{Type: "system.bootstrap", Subject: "bootstrap"}); err != nil {
				t.Fatal(err)
			}
			tx, err := db.SQL().BeginTx(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			for i := range 3000 {
				h := func(p string) []byte { return []byte(fmt.Sprintf("%s-%030d", p, i)) }
				q := `INSERT INTO customers (id, institution_code, idn_hash, idn_cipher, profile_cipher, created_at, name_birth_hash, phone_hash, search_keys)
VALUES (?, '901', ?, ?, ?, 0, ?, ?, ?)`
				if driver == "postgres" {
					q = `INSERT INTO customers (id, institution_code, idn_hash, idn_cipher, profile_cipher, created_at, name_birth_hash, phone_hash, search_keys)
VALUES ($1, '901', $2, $3, $4, 0, $5, $6, $7)`
				}
				if _, err := tx.ExecContext(ctx, q, fmt.Sprintf("cus_%032d", i), h("idn"), h("c"), h("p"), h("nb"), h("ph"), min(1, i%100)); err != nil {
					t.Fatal(err)
				}
			}
			if err := tx.Commit(); err != nil {
				t.Fatal(err)
			}
			if _, err := db.SQL().ExecContext(ctx, "ANALYZE"); err != nil {
				t.Fatal(err)
			}
			for _, tc := range []struct {
				name, index string
				query       string
				args        []any
			}{
				{"name-birth", "customers_name_birth", sqlstore.SearchKeyQuery("name-birth"), []any{"901", []byte("nb-x"), "", 21}},
				{"phone", "customers_phone", sqlstore.SearchKeyQuery("phone"), []any{"901", []byte("ph-x"), fmt.Sprintf("cus_%032d", 1500), 21}},
				{"unkeyed", "customers_unkeyed", sqlstore.UnkeyedQueries[0], []any{"901", "", 500}},
				{"unkeyed-next", "customers_unkeyed", sqlstore.UnkeyedQueries[1], []any{"900", 500}},
				{"has-unkeyed", "customers_unkeyed", sqlstore.HasUnkeyedQuery, []any{"901"}},
			} {
				plan := explain(t, db, tc.query, tc.args...)
				if !strings.Contains(plan, tc.index) || strings.Contains(strings.ToLower(plan), "seq scan") || strings.Contains(plan, "SCAN customers\n") {
					t.Errorf("%s: plan does not use %s:\n%s", tc.name, tc.index, plan)
				}
			}
		})
	}
}

// explain returns the database's plan of q (rebound for PostgreSQL), one line a step.
func explain(t *testing.T, db *sqlstore.DB, q string, args ...any) string {
	t.Helper()
	prefix := "EXPLAIN QUERY PLAN "
	if db.Driver() == "postgres" {
		prefix = "EXPLAIN "
		n := 0
		var b strings.Builder
		for _, r := range q {
			if r == '?' {
				n++
				fmt.Fprintf(&b, "$%d", n)
				continue
			}
			b.WriteRune(r)
		}
		q = b.String()
	}
	rows, err := db.SQL().QueryContext(context.Background(), prefix+q, args...)
	if err != nil {
		t.Fatalf("explain %s: %v", q, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out strings.Builder
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintln(&out, vals[len(vals)-1])
	}
	return out.String()
}
