package sqlstore_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/store/sqlstore"
)

// BenchmarkTellerSearchByCN times the staff console's certificate search by CN on the
// preloaded certificates table (10k rows, and 1M with CERTCENTER_BENCH_1M=1), and
// reports the p99 of one search:
//
//	go test ./internal/store/sqlstore -run '^$' -bench TellerSearch -benchtime 2000x
func BenchmarkTellerSearchByCN(b *testing.B) {
	benchDrivers(b, func(b *testing.B, db *sqlstore.DB) {
		ctx := context.Background()
		var rows int
		if err := db.SQL().QueryRowContext(ctx, "SELECT COUNT(*) FROM certificates WHERE enrollment_ref LIKE 'ref-load-%'").Scan(&rows); err != nil || rows == 0 {
			b.Fatalf("no loaded rows: %v", err)
		}
		r := rand.New(rand.NewPCG(3, 3))
		took := make([]time.Duration, 0, b.N)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			cn := fmt.Sprintf("홍길동()001901%014d", r.IntN(rows))
			t0 := time.Now()
			got, err := db.CertificatesByCommonName(ctx, "901", cn, 50)
			took = append(took, time.Since(t0))
			if err != nil || len(got) == 0 {
				b.Fatalf("search %s: %d, %v", cn, len(got), err)
			}
		}
		b.StopTimer()
		sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
		b.ReportMetric(float64(took[len(took)*99/100].Microseconds()), "p99-µs")
	})
}
