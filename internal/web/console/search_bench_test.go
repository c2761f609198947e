package console_test

// Benchmarks of the teller's search through the console (HTTP, session, search, the
// opening of sealed profiles, the page) with the database preloaded with customers and
// as many certificates, on SQLite and PostgreSQL. 10,000 rows by default, so that
//
//	go test ./internal/web/console -run '^$' -bench TellerSearch -benchtime 500x
//
// runs in a minute; the figures of the README come from 1M rows:
//
//	CERTCENTER_BENCH_ROWS=1000000 go test ./internal/web/console -run '^$' -bench TellerSearch -benchtime 2000x -timeout 3h
//
// The rows are written in bulk through SQL (COPY on PostgreSQL, multi-row INSERTs in
// a transaction on SQLite), since 1M issuances through the CA would take hours, but
// they are what the server would have written: profiles and identity numbers sealed
// with the server's key, the identity-number hash, an in-person verification, an
// enrollment and its customer link, a serial and a certificate per customer. The
// search keys are left to the server's own backfill (center.BackfillSearchKeys), as
// after an upgrade, and its time is reported. Each search kind reports p50-ms and
// p99-ms, the latency of one search as the teller's browser sees it, after 200
// untimed searches of the kind (a serving node's caches are warm).

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	mrand "math/rand/v2"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/certcenter/certcenter/internal/apptest"
	"github.com/certcenter/certcenter/internal/center"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store/sqlstore"
)

// benchWarmup is how many searches of each kind run untimed before the timed ones.
const benchWarmup = 200

// benchRows is the number of customers (and certificates) to load.
func benchRows(b *testing.B) int {
	s := os.Getenv("CERTCENTER_BENCH_ROWS")
	if s == "" {
		return 10_000
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 100 {
		b.Fatalf("CERTCENTER_BENCH_ROWS=%q: want a number of rows, at least 100", s)
	}
	return n
}

var (
	benchSurnames = []string{"김", "이", "박", "최", "정", "강", "조", "윤", "장", "임", "한", "오", "서", "신", "권", "황", "안", "송", "류", "전"}
	benchGiven    = []string{"민준", "서준", "도윤", "예준", "시우", "하준", "주원", "지호", "지후", "준우", "준서", "건우", "도현", "현우", "지훈",
		"우진", "선우", "서진", "민재", "현준", "연우", "유준", "정우", "승우", "승현", "시윤", "준혁", "은우", "지환", "승민",
		"서연", "서윤", "지우", "서현", "민서", "하은", "하윤", "윤서", "지유", "지민", "채원", "지윤", "은서", "수아", "다은",
		"예은", "지아", "수빈", "소율", "예린", "예원", "지원", "소윤", "지안", "하린", "시은", "유진", "채은", "길동", "영희"}
)

// benchCustomer is what the benchmark remembers of a loaded customer to search for.
type benchCustomer struct {
	ID, Name, Birth, Phone, Serial, CN string
}

// benchDER stands in for a certificate: about the size of a Korean joint certificate.
var benchDER = func() []byte {
	b := make([]byte, 1200)
	rand.Read(b)
	return b
}()

func benchHex(r *mrand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return hex.EncodeToString(b)
}

// loadCustomers writes n customers of institution inst, each with one valid
// certificate, and returns a sample of them (one in every n/2000).
func loadCustomers(b *testing.B, srv *apptest.Server, inst string, n int) []benchCustomer {
	ctx := context.Background()
	db := srv.App.Store
	auths, err := db.Authorities(ctx)
	if err != nil {
		b.Fatal(err)
	}
	issuer := ""
	for _, a := range auths {
		if a.Role == model.RoleIssuing {
			issuer = a.ID
		}
	}
	r := mrand.New(mrand.NewPCG(uint64(n), 16))
	t0 := srv.Clock.Now().Add(-200 * 24 * time.Hour)
	every := max(1, n/2000)
	var sample []benchCustomer
	const batch = 5000
	for done := 0; done < n; done += batch {
		m := min(batch, n-done)
		var customers, verifications, serials, enrollments, links, certs [][]any
		for i := done; i < done+m; i++ {
			id := "cus_" + benchHex(r, 16)
			name := benchSurnames[r.IntN(len(benchSurnames))] + benchGiven[r.IntN(len(benchGiven))]
			born := time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(55*365))
			birth := born.Format("060102")
			sex := "1"
			if born.Year() >= 2000 {
				sex = "3"
			}
			idn := fmt.Sprintf("%s%s%06d", birth, sex, i%1_000_000) // unique per institution below 1M rows
			phone := fmt.Sprintf("010%08d", (uint64(i)*2654435761+12345)%100_000_000)
			prof := center.Profile{Name: name, Phone: phone, Accounts: []center.Account{{Number: fmt.Sprintf("110%09d", r.IntN(1_000_000_000)), PINMAC: []byte(benchHex(r, 32))[:32]}}}
			if i%3 == 0 {
				prof.Email = fmt.Sprintf("c%d@example.com", i)
			}
			pj, _ := json.Marshal(prof)
			idnC, err := srv.App.Seal.Seal("customer-idn", id, []byte(idn))
			if err != nil {
				b.Fatal(err)
			}
			profC, err := srv.App.Seal.Seal("customer-profile", id, pj)
			if err != nil {
				b.Fatal(err)
			}
			at := t0.Add(time.Duration(i) * 10 * time.Millisecond)
			customers = append(customers, []any{id, inst, srv.App.Seal.MAC("customer-idn", []byte(inst), []byte(idn)), idnC, profC, at.UnixMicro()})
			ver := "ver_" + benchHex(r, 16)
			verifications = append(verifications, []any{ver, inst, id, "in-person", string(model.VerificationUsed), at.UnixMicro(),
				at.Add(30 * time.Minute).UnixMicro(), at.UnixMicro(), at.UnixMicro(), "staff:bench"})
			serial := benchHex(r, 16)
			serial = strconv.FormatUint(uint64(serial[0]-'0')%7+1, 16) + serial[1:] // positive, no leading zero
			ref := fmt.Sprintf("R%015d", i)
			serials = append(serials, []any{serial, issuer, at.UnixMicro(), true})
			enrollments = append(enrollments, []any{ref, inst, name, []byte(benchHex(r, 30)), []byte(benchHex(r, 30)), "personal", "banking",
				"in-person", "staff:bench", at.UnixMicro(), at.Add(7 * 24 * time.Hour).UnixMicro(), at.UnixMicro(), serial})
			links = append(links, []any{ref, id, ver})
			cn := fmt.Sprintf("%s()0%s0410%s%09d", name, inst, at.Format("20060102"), i+1)
			certs = append(certs, []any{serial, issuer, inst, ref, cn, "personal", "banking", at.UnixMicro(), at.AddDate(1, 0, 0).UnixMicro(),
				i % 64, benchDER, "valid", at.UnixMicro()})
			if i%every == 0 {
				sample = append(sample, benchCustomer{ID: id, Name: name, Birth: birth, Phone: phone, Serial: serial, CN: cn})
			}
		}
		tables := []struct {
			name string
			cols []string
			rows [][]any
		}{
			{"customers", []string{"id", "institution_code", "idn_hash", "idn_cipher", "profile_cipher", "created_at"}, customers},
			{"verifications", []string{"id", "institution_code", "customer_id", "method", "status", "created_at", "expires_at", "verified_at", "used_at", "teller_id"}, verifications},
			{"serials", []string{"serial", "issuer_id", "reserved_at", "used"}, serials},
			{"enrollments", []string{"reference", "institution_code", "name", "idn_cipher", "auth_code_cipher", "kind", "usage", "verification",
				"teller_id", "created_at", "expires_at", "used_at", "issued_serial"}, enrollments},
			{"enrollment_customers", []string{"reference", "customer_id", "verification_id"}, links},
			{"certificates", []string{"serial", "issuer_id", "institution_code", "enrollment_ref", "common_name", "kind", "usage", "not_before",
				"not_after", "crl_partition", "der", "status", "created_at"}, certs},
		}
		err := bulkTx(ctx, db, func(insert func(table string, cols []string, rows [][]any) error) error {
			for _, t := range tables {
				if err := insert(t.name, t.cols, t.rows); err != nil {
					return fmt.Errorf("%s: %w", t.name, err)
				}
			}
			return nil
		})
		if err != nil {
			b.Fatalf("load rows %d to %d: %v", done, done+m, err)
		}
	}
	return sample
}

// bulkTx runs fn in one transaction whose insert is COPY on PostgreSQL and multi-row
// INSERTs of 500 rows on SQLite.
func bulkTx(ctx context.Context, db *sqlstore.DB, fn func(insert func(table string, cols []string, rows [][]any) error) error) error {
	conn, err := db.SQL().Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if db.Driver() == "postgres" {
		return conn.Raw(func(dc any) error {
			tx, err := dc.(*stdlib.Conn).Conn().Begin(ctx)
			if err != nil {
				return err
			}
			defer tx.Rollback(ctx)
			if err := fn(func(table string, cols []string, rows [][]any) error {
				_, err := tx.CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(rows))
				return err
			}); err != nil {
				return err
			}
			return tx.Commit(ctx)
		})
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(func(table string, cols []string, rows [][]any) error { return insertRows(ctx, tx, table, cols, rows) }); err != nil {
		return err
	}
	return tx.Commit()
}

func insertRows(ctx context.Context, tx *sql.Tx, table string, cols []string, rows [][]any) error {
	for len(rows) > 0 {
		k := min(500, len(rows))
		row := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
		q := "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES " + strings.TrimSuffix(strings.Repeat(row+", ", k), ", ")
		args := make([]any, 0, k*len(cols))
		for _, r := range rows[:k] {
			args = append(args, r...)
		}
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return err
		}
		rows = rows[k:]
	}
	return nil
}

// backfill keys every loaded customer with the server's own backfill and returns the
// time it took.
func backfill(b *testing.B, srv *apptest.Server) time.Duration {
	start := time.Now()
	after := center.BackfillCursor{}
	for {
		next, _, err := srv.App.Desk.BackfillSearchKeys(context.Background(), after, 1000)
		if err != nil {
			b.Fatal(err)
		}
		if next == nil {
			return time.Since(start)
		}
		after = *next
	}
}

// settle leaves the database as a server that has run a while would have it: SQLite's
// WAL checkpointed, PostgreSQL vacuumed (hint bits, visibility map: no autovacuum in
// the middle of the timed loop) and analyzed.
func settle(b *testing.B, srv *apptest.Server) {
	q := []string{"PRAGMA wal_checkpoint(TRUNCATE)", "ANALYZE"}
	if srv.App.Store.Driver() == "postgres" {
		q = []string{"VACUUM ANALYZE", "CHECKPOINT"}
	}
	for _, s := range q {
		if _, err := srv.App.Store.SQL().ExecContext(context.Background(), s); err != nil {
			b.Fatalf("%s: %v", s, err)
		}
	}
}

// BenchmarkTellerSearch times a teller's search by each key, and the customer's page,
// at benchRows customers and certificates on both databases.
func BenchmarkTellerSearch(b *testing.B) {
	n := benchRows(b)
	for _, driver := range []string{"sqlite", "postgres"} {
		b.Run(driver, func(b *testing.B) {
			srv := apptest.Start(b, apptest.Options{Driver: driver})
			start := time.Now()
			sample := loadCustomers(b, srv, "901", n)
			load := time.Since(start)
			keyed := backfill(b, srv)
			t := time.Now()
			settle(b, srv)
			b.Logf("%s: %d customers and %d certificates loaded in %v; search keys backfilled in %v (%.0f rows/s); settled in %v",
				driver, n, n, load.Round(time.Millisecond), keyed.Round(time.Millisecond), float64(n)/keyed.Seconds(), time.Since(t).Round(time.Millisecond))
			c := login(b, srv, addStaff(b, srv, "901", "bench", model.RoleTeller))
			for _, kind := range []struct {
				name string
				path func(benchCustomer) string
			}{
				{"name-birth", func(x benchCustomer) string {
					return "/console/customers?" + url.Values{"mode": {"name"}, "name": {x.Name}, "birth": {x.Birth}}.Encode()
				}},
				{"phone", func(x benchCustomer) string {
					return "/console/customers?" + url.Values{"mode": {"phone"}, "phone": {x.Phone[:3] + "-" + x.Phone[3:7] + "-" + x.Phone[7:]}}.Encode()
				}},
				{"serial", func(x benchCustomer) string {
					return "/console/customers?" + url.Values{"mode": {"serial"}, "serial": {strings.ToUpper(x.Serial)}}.Encode()
				}},
				{"cn", func(x benchCustomer) string {
					return "/console/customers?" + url.Values{"mode": {"cn"}, "cn": {x.CN}}.Encode()
				}},
				{"customer-page", func(x benchCustomer) string { return "/console/customers/" + x.ID }},
			} {
				b.Run(kind.name, func(b *testing.B) {
					r := mrand.New(mrand.NewPCG(7, uint64(len(kind.name))))
					// Warm up: a server that has been serving has this kind's index
					// pages cached; the first searches after the load would measure the
					// disk instead.
					for range benchWarmup {
						x := sample[r.IntN(len(sample))]
						if st, _ := c.get(kind.path(x)); st != 200 {
							b.Fatalf("warm-up %s: %d", kind.name, st)
						}
					}
					lat := make([]time.Duration, 0, b.N)
					b.ResetTimer()
					for range b.N {
						x := sample[r.IntN(len(sample))]
						t := time.Now()
						st, body := c.get(kind.path(x))
						lat = append(lat, time.Since(t))
						if st != 200 || !strings.Contains(body, x.ID) {
							b.Fatalf("%s %s: %d, customer %s not on the page (%s)", kind.name, kind.path(x), st, x.ID, problem(body))
						}
					}
					b.StopTimer()
					slices.Sort(lat)
					b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
					b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
				})
			}
		})
	}
}
