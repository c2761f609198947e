package app_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/app"
	"github.com/certcenter/certcenter/internal/center"
)

// TestSearchKeysBackfilledAtStart: customers stored without the teller's search keys
// (as migration 00015 leaves an existing database) are keyed by the server's
// customer-search-keys job at start, after which the teller's search finds them.
func TestSearchKeysBackfilledAtStart(t *testing.T) {
	for _, driver := range []string{"sqlite", "postgres"} {
		t.Run(driver, func(t *testing.T) {
			ctx := context.Background()
			e := newEnv(t, driver)
			if err := e.app.SeedDemoCustomers(ctx); err != nil {
				t.Fatal(err)
			}
			if _, err := e.app.Store.SQL().ExecContext(ctx, `UPDATE customers SET name_birth_hash = NULL, phone_hash = NULL, search_keys = 0`); err != nil {
				t.Fatal(err)
			}
			e.app.Close()
			a, err := app.Open(ctx, e.cfg, app.Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			inst, _ := a.Store.Institution(ctx, "901")
			q := center.SearchQuery{Name: app.DemoCustomers[0].Name, Birth: app.DemoCustomers[0].IDN[:6]}
			if p, err := a.Desk.FindCustomers(ctx, inst, q, "", 10); err != nil || len(p.Customers) != 0 || !p.Incomplete {
				t.Fatalf("before the jobs: FindCustomers = %d found, incomplete %v, %v", len(p.Customers), p.Incomplete, err)
			}
			jobs, stop := context.WithCancel(ctx)
			wait := a.StartJobs(jobs)
			defer func() { stop(); wait() }()
			deadline := time.Now().Add(20 * time.Second)
			for {
				p, err := a.Desk.FindCustomers(ctx, inst, q, "", 10)
				if err == nil && len(p.Customers) == 1 && !p.Incomplete {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("20 s after start: FindCustomers = %d found, incomplete %v, %v", len(p.Customers), p.Incomplete, err)
				}
				time.Sleep(50 * time.Millisecond)
			}
			insts, _ := a.Store.Institutions(ctx)
			for _, in := range insts {
				if left, err := a.Store.HasUnkeyedCustomers(ctx, in.Code); err != nil || left {
					t.Errorf("institution %s: customers without search keys after the job: %v, %v", in.Code, left, err)
				}
			}
		})
	}
}
