package sqlstore_test

import (
	"context"
	"sort"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/center"
	"github.com/certcenter/certcenter/internal/store/sqlstore"
)

// BenchmarkOperatorPages times the reads behind one load of the operator's
// institutions and operations pages (internal/web/console, operator.go) on the
// preloaded certificates table (10k rows, and 1M with CERTCENTER_BENCH_1M=1): the
// kinds an institution issued, the CRLs, the OCSP freshness, the reminder
// queue and the reminders due, the notification counts and failures, the nodes. It
// reports the p99 of one page's reads:
//
//	go test ./internal/store/sqlstore -run '^$' -bench OperatorPages -benchtime 20x
func BenchmarkOperatorPages(b *testing.B) {
	benchDrivers(b, func(b *testing.B, db *sqlstore.DB) {
		ctx := context.Background()
		now := time.Now()
		// A pre-signed response for every loaded certificate (a small DER: what the
		// freshness must not read is its size, not its content).
		param := "?"
		if db.Driver() == "postgres" {
			param = "$1"
		}
		if _, err := db.SQL().ExecContext(ctx, `INSERT INTO ocsp_responses (serial, this_update, next_update, status_at, der)
SELECT serial, created_at, not_after, created_at, `+param+` FROM certificates WHERE true ON CONFLICT (serial) DO NOTHING`, make([]byte, 200)); err != nil {
			b.Fatal(err)
		}
		took := make([]time.Duration, 0, b.N)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			t0 := time.Now()
			if _, err := db.InstitutionKinds(ctx, "901"); err != nil {
				b.Fatal(err)
			}
			if _, err := db.APIKeyRevokedAt(ctx, "901"); err != nil {
				b.Fatal(err)
			}
			if _, err := db.AllCRLs(ctx); err != nil {
				b.Fatal(err)
			}
			if _, err := db.OCSPFreshness(ctx, now.Add(-12*time.Hour)); err != nil {
				b.Fatal(err)
			}
			if _, err := db.Reminders(ctx); err != nil {
				b.Fatal(err)
			}
			if _, err := db.DueReminders(ctx, now, center.ReminderThresholds, 1000); err != nil {
				b.Fatal(err)
			}
			if _, err := db.NotificationStats(ctx, now.Add(-24*time.Hour)); err != nil {
				b.Fatal(err)
			}
			if _, err := db.NotificationFailures(ctx, 10); err != nil {
				b.Fatal(err)
			}
			if _, err := db.Nodes(ctx, now.Add(-7*24*time.Hour)); err != nil {
				b.Fatal(err)
			}
			took = append(took, time.Since(t0))
		}
		b.StopTimer()
		sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
		b.ReportMetric(float64(took[len(took)*99/100].Microseconds()), "p99-µs")
	})
}
