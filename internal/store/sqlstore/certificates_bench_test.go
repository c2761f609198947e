package sqlstore_test

// Benchmarks of the issuance write path on both databases, with the certificates table
// preloaded to 10k rows and, with CERTCENTER_BENCH_1M=1, to 1M rows: issuance must not
// slow as the table grows. Compare the two sizes with a fixed iteration count, e.g.
//
//	go test ./internal/store/sqlstore -run '^$' -bench . -benchtime 3000x -count 3
//	CERTCENTER_BENCH_1M=1 go test ./internal/store/sqlstore -run '^$' -bench StoreCertificate -benchtime 3000x -count 5 -timeout 60m
//
// Each database is loaded once per run and shared by -count repetitions and benchmarks.

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/certcenter/certcenter/internal/audit"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store/sqlstore"
	"github.com/certcenter/certcenter/internal/testenv"
)

var benchT0 = time.Date(2026, 3, 25, 9, 0, 0, 0, time.UTC)

// benchDER stands in for a certificate: about the size of a Korean joint certificate.
var benchDER = func() []byte {
	b := make([]byte, 1200)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}()

type benchSize struct {
	name string
	rows int
}

func benchSizes() []benchSize {
	s := []benchSize{{"10k", 10_000}}
	if os.Getenv("CERTCENTER_BENCH_1M") == "1" {
		s = append(s, benchSize{"1M", 1_000_000})
	}
	return s
}

// benchDB returns a bootstrapped database on driver with rows certificates (and as many
// audit entries) loaded. It is loaded once per test binary run and shared; timed loops
// add their certificates to it, so later repetitions see slightly more rows.
func benchDB(b *testing.B, driver string, rows int) *sqlstore.DB {
	b.Helper()
	key := fmt.Sprint(driver, rows)
	if db, ok := benchDBs[key]; ok {
		return db
	}
	parent := &processTB{TB: b}
	ctx := context.Background()
	var dsn string
	if driver == "sqlite" {
		dsn = filepath.Join(parent.TempDir(), "bench.db")
	} else {
		dsn = testenv.PostgresDSN(parent)
	}
	db, err := sqlstore.Open(ctx, driver, dsn)
	if err != nil {
		parent.Fatalf("Open(%s) = %v", driver, err)
	}
	parent.Cleanup(func() { db.Close() })
	boot := model.Bootstrap{
		Authorities:  []model.Authority{{ID: "issuing", Role: model.RoleIssuing, CertDER: []byte("der"), KeyRef: "k", CreatedAt: benchT0}},
		Institutions: []model.Institution{{Code: "901", Name: "데모은행1", ShortName: "DEMOBANK1", APIKeyHash: []byte("h901"), CreatedAt: benchT0}},
	}
	if err := db.Bootstrap(ctx, boot, model.AuditEvent{Type: "system.bootstrap", Subject: "bootstrap"}); err != nil {
		parent.Fatal(err)
	}
	start := time.Now()
	if err := bulkLoad(ctx, db, rows); err != nil {
		parent.Fatalf("bulk load %d rows: %v", rows, err)
	}
	// Settle what a bulk load leaves behind, so the timed loop sees a steady state and
	// not the load's aftermath: SQLite checkpoints the WAL into the database file;
	// PostgreSQL vacuums (sets hint bits and the visibility map, and keeps autovacuum
	// from starting mid-benchmark), analyzes and checkpoints.
	settle := []string{"PRAGMA wal_checkpoint(TRUNCATE)"}
	if driver == "postgres" {
		settle = []string{"VACUUM ANALYZE", "CHECKPOINT"}
	}
	for _, q := range settle {
		if _, err := db.SQL().ExecContext(ctx, q); err != nil {
			parent.Fatalf("%s: %v", q, err)
		}
	}
	parent.Logf("%s: loaded %d certificates in %v", driver, rows, time.Since(start).Round(time.Millisecond))

	// Warm caches and prepared statements on the issuance path.
	r := rand.New(rand.NewPCG(uint64(rows), 3))
	serials, refs := prepareIssuances(b, db, 500, true, &benchNext, r)
	for i := range serials {
		ev := model.AuditEvent{Type: "certificate.issued", Subject: serials[i].String()}
		if err := db.StoreCertificate(ctx, benchCert(serials[i], refs[i], i), refs[i], ev); err != nil {
			parent.Fatal(err)
		}
	}
	benchDBs[key] = db
	return db
}

// benchNext numbers the enrollments benchmarks create, unique across shared databases.
var benchNext int

// benchDBs keeps loaded databases for the whole run, so that -count N and several
// benchmarks measure the same database without loading 1M rows again.
var benchDBs = map[string]*sqlstore.DB{}

// processTB is a testing.TB whose cleanups and temporary directories last until the
// test binary ends (TestMain runs them).
type processTB struct{ testing.TB }

var processCleanups []func()

func (p *processTB) Helper() {}

func (p *processTB) Cleanup(f func()) { processCleanups = append(processCleanups, f) }

func (p *processTB) TempDir() string {
	dir, err := os.MkdirTemp("", "sqlstore-bench-")
	if err != nil {
		p.Fatal(err)
	}
	p.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

func TestMain(m *testing.M) {
	code := m.Run()
	for i := len(processCleanups) - 1; i >= 0; i-- {
		processCleanups[i]()
	}
	os.Exit(code)
}

// benchSerial is a random-looking 16-byte serial, like the CA's.
func benchSerial(r *rand.Rand) model.Serial {
	s := make(model.Serial, 16)
	for i := 0; i < 16; i += 8 {
		v := r.Uint64()
		for j := 0; j < 8; j++ {
			s[i+j] = byte(v >> (8 * j))
		}
	}
	s[0] = s[0]&0x7f | 0x01
	return s
}

// bulkLoad fills serials, certificates and the audit log with n issued certificates:
// COPY on PostgreSQL, multi-row INSERTs in one transaction on SQLite. The audit entries
// form valid chains that continue from the current heads.
func bulkLoad(ctx context.Context, db *sqlstore.DB, n int) error {
	heads, err := db.AuditHeads(ctx)
	if err != nil {
		return err
	}
	r := rand.New(rand.NewPCG(uint64(n), 42))
	const batch = 500
	for done := 0; done < n; done += batch {
		m := min(batch, n-done)
		serials, certs, entries := make([][]any, m), make([][]any, m), make([][]any, m)
		for i := range m {
			s := benchSerial(r).String()
			at := benchT0.Add(time.Duration(done+i) * time.Millisecond)
			serials[i] = []any{s, "issuing", at.UnixMicro(), true}
			certs[i] = []any{s, "issuing", "901", fmt.Sprintf("ref-load-%d", done+i), fmt.Sprintf("홍길동()001901%014d", done+i),
				"personal", "banking", at.UnixMicro(), at.AddDate(1, 0, 0).UnixMicro(), (done + i) % 64, benchDER, "valid", at.UnixMicro()}
			ev := model.AuditEvent{Type: "certificate.issued", Actor: "subscriber", Institution: "901", Subject: s,
				Details: map[string]string{"kind": "personal"}}
			chain := audit.ChainFor(ev)
			h := heads[chain]
			prev := h.Hash
			if prev == nil {
				prev = audit.Genesis
			}
			h.Seq++
			h.Hash = audit.Hash(chain, h.Seq, at, ev, prev)
			heads[chain] = h
			entries[i] = []any{chain, h.Seq, at.UnixMicro(), ev.Type, ev.Actor, ev.Institution, ev.Subject, `{"kind":"personal"}`, prev, h.Hash}
		}
		if err := insertRows(ctx, db, "serials", []string{"serial", "issuer_id", "reserved_at", "used"}, serials); err != nil {
			return err
		}
		if err := insertRows(ctx, db, "certificates", []string{"serial", "issuer_id", "institution_code", "enrollment_ref", "common_name",
			"kind", "usage", "not_before", "not_after", "crl_partition", "der", "status", "created_at"}, certs); err != nil {
			return err
		}
		if err := insertRows(ctx, db, "audit_log", []string{"chain", "seq", "at", "type", "actor", "institution", "subject", "details", "prev_hash", "hash"}, entries); err != nil {
			return err
		}
	}
	for chain, h := range heads {
		q := "INSERT INTO audit_heads (chain, seq, hash) VALUES (?, ?, ?) ON CONFLICT (chain) DO UPDATE SET seq = excluded.seq, hash = excluded.hash"
		if db.Driver() == "postgres" {
			q = "INSERT INTO audit_heads (chain, seq, hash) VALUES ($1, $2, $3) ON CONFLICT (chain) DO UPDATE SET seq = excluded.seq, hash = excluded.hash"
		}
		if _, err := db.SQL().ExecContext(ctx, q, chain, h.Seq, h.Hash); err != nil {
			return err
		}
	}
	return nil
}

func insertRows(ctx context.Context, db *sqlstore.DB, table string, cols []string, rows [][]any) error {
	if db.Driver() == "postgres" {
		conn, err := db.SQL().Conn(ctx)
		if err != nil {
			return err
		}
		defer conn.Close()
		return conn.Raw(func(dc any) error {
			_, err := dc.(*stdlib.Conn).Conn().CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(rows))
			return err
		})
	}
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	q := "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES " + strings.TrimSuffix(strings.Repeat(row+", ", len(rows)), ", ")
	args := make([]any, 0, len(rows)*len(cols))
	for _, r := range rows {
		args = append(args, r...)
	}
	_, err := db.SQL().ExecContext(ctx, q, args...)
	return err
}

// prepareIssuances reserves n serials and creates n enrollments, claimed when claim is
// set, for the timed loop; names continue from *next across rounds.
func prepareIssuances(b testing.TB, db *sqlstore.DB, n int, claim bool, next *int, r *rand.Rand) ([]model.Serial, []string) {
	b.Helper()
	ctx := context.Background()
	serials := make([]model.Serial, n)
	refs := make([]string, n)
	var srows, erows [][]any
	for i := range n {
		serials[i] = benchSerial(r)
		refs[i] = fmt.Sprintf("ref-bench-%d", *next)
		*next++
		srows = append(srows, []any{serials[i].String(), "issuing", benchT0.UnixMicro(), false})
		var until sql.NullInt64
		if claim {
			until = sql.NullInt64{Int64: benchT0.Add(time.Hour).UnixMicro(), Valid: true}
		}
		erows = append(erows, []any{refs[i], "901", "홍길동", []byte("sealed-idn"), []byte("sealed-code"), "personal", "banking",
			"in-person", "", benchT0.UnixMicro(), benchT0.Add(7 * 24 * time.Hour).UnixMicro(), until})
	}
	for len(srows) > 0 {
		k := min(500, len(srows))
		if err := insertRows(ctx, db, "serials", []string{"serial", "issuer_id", "reserved_at", "used"}, srows[:k]); err != nil {
			b.Fatal(err)
		}
		if err := insertRows(ctx, db, "enrollments", []string{"reference", "institution_code", "name", "idn_cipher", "auth_code_cipher",
			"kind", "usage", "verification", "teller_id", "created_at", "expires_at", "claimed_until"}, erows[:k]); err != nil {
			b.Fatal(err)
		}
		srows, erows = srows[k:], erows[k:]
	}
	return serials, refs
}

func benchCert(s model.Serial, ref string, i int) model.Certificate {
	return model.Certificate{
		Serial: s, IssuerID: "issuing", InstitutionCode: "901", EnrollmentRef: ref,
		CommonName: fmt.Sprintf("홍길동()001901%014d", i), Kind: model.Personal, Usage: model.Banking,
		NotBefore: benchT0, NotAfter: benchT0.AddDate(1, 0, 0), Partition: i % 64, DER: benchDER,
		Status: model.StatusValid, CreatedAt: benchT0,
	}
}

func benchDrivers(b *testing.B, fn func(b *testing.B, db *sqlstore.DB)) {
	for _, driver := range []string{"sqlite", "postgres"} {
		for _, size := range benchSizes() {
			b.Run(driver+"/"+size.name, func(sub *testing.B) {
				fn(sub, benchDB(sub, driver, size.rows))
			})
		}
	}
}

// BenchmarkStoreCertificate times StoreCertificate alone (serial already reserved,
// enrollment already claimed): mark the serial used, insert the certificate, redeem the
// enrollment and append the audit entry, in one transaction.
func BenchmarkStoreCertificate(b *testing.B) {
	r := rand.New(rand.NewPCG(7, 7))
	benchDrivers(b, func(b *testing.B, db *sqlstore.DB) {
		ctx := context.Background()
		serials, refs := prepareIssuances(b, db, b.N, true, &benchNext, r)
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			ev := model.AuditEvent{Type: "certificate.issued", Actor: "subscriber", Institution: "901", Subject: serials[i].String(),
				Details: map[string]string{"kind": "personal"}}
			if err := db.StoreCertificate(ctx, benchCert(serials[i], refs[i], i), refs[i], ev); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkIssuanceStorePath times every store call of one issuance, in the order the
// authority makes them: claim the enrollment, reserve the serial, take the CN sequence
// number, store the certificate.
func BenchmarkIssuanceStorePath(b *testing.B) {
	r := rand.New(rand.NewPCG(8, 8))
	benchDrivers(b, func(b *testing.B, db *sqlstore.DB) {
		ctx := context.Background()
		_, refs := prepareIssuances(b, db, b.N, false, &benchNext, r)
		serials := make([]model.Serial, b.N)
		for i := range serials {
			serials[i] = benchSerial(r)
		}
		now := benchT0.Add(time.Minute)
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if err := db.ClaimEnrollment(ctx, refs[i], now, now.Add(time.Minute)); err != nil {
				b.Fatal(err)
			}
			if err := db.ReserveSerial(ctx, serials[i], "issuing", now); err != nil {
				b.Fatal(err)
			}
			if _, err := db.NextSequence(ctx, "901", "20260325"); err != nil {
				b.Fatal(err)
			}
			ev := model.AuditEvent{Type: "certificate.issued", Actor: "subscriber", Institution: "901", Subject: serials[i].String()}
			if err := db.StoreCertificate(ctx, benchCert(serials[i], refs[i], i), refs[i], ev); err != nil {
				b.Fatal(err)
			}
		}
	})
}
