package app_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/app"
	"github.com/certcenter/certcenter/internal/ca"
	"github.com/certcenter/certcenter/internal/model"
)

// BenchmarkCenterIssue measures, in one run, the raw signing ceiling with parallel
// goroutines (x509.CreateCertificate with an RSA-2048 CA key, no database) and the
// institution's whole HTTP flow with parallel clients: in-person verification →
// enrollment from the verification → certificate (three requests, three audited
// transactions), on SQLite and PostgreSQL. issuances/s is reported and x-ceiling is the
// flow's rate as a fraction of the ceiling's.
//
//	go test -run '^$' -bench BenchmarkCenterIssue -benchtime 200x ./internal/app
func BenchmarkCenterIssue(b *testing.B) {
	defer app.TuneGC()() // as `certcenter serve` runs
	caKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		b.Fatal(err)
	}
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "ceiling CA"},
		NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign, SubjectKeyId: []byte{1, 2, 3, 4}}
	caDER, _ := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, caKey.Public(), caKey)
	caCert, _ := x509.ParseCertificate(caDER)
	leaf := subscriberKey(b)
	var ceiling float64 // ns/op
	b.Run("raw-ceiling-parallel", func(b *testing.B) {
		b.SetParallelism(4)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				t := &x509.Certificate{SerialNumber: new(big.Int).SetBytes(ca.NewSerial()), Subject: pkix.Name{CommonName: "홍길동()090104120261126000000001"},
					NotBefore: time.Now(), NotAfter: time.Now().AddDate(1, 0, 0), KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment}
				if _, err := x509.CreateCertificate(rand.Reader, t, caCert, leaf.Public(), caKey); err != nil {
					b.Fatal(err)
				}
			}
		})
		ceiling = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
		b.ReportMetric(1e9/ceiling, "issuances/s")
	})
	for _, driver := range []string{"sqlite", "postgres"} {
		e := newEnv(b, driver)
		var customers []string
		for i := range 8 {
			customers = append(customers, e.customer("901", "홍길동", fmt.Sprintf("80010112%05d", i)).ID)
		}
		csr := csrPEM(b, leaf)
		b.Run("http-verify-enroll-issue/"+driver, func(b *testing.B) {
			var next atomic.Int64
			b.SetParallelism(4)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					c := customers[next.Add(1)%int64(len(customers))]
					var v verificationJSON
					if st, m := e.do("POST", "/api/v1/verifications", e.keys["901"], map[string]any{"customerId": c, "method": "in-person", "tellerId": "T-1"}, &v); st != http.StatusCreated {
						b.Errorf("verification = %d %v", st, m)
						return
					}
					st, m, en := e.enrollVerified("901", map[string]any{"verificationId": v.ID})
					if st != http.StatusCreated {
						b.Errorf("enrollment = %d %v", st, m)
						return
					}
					if st, m, _ := e.issue(en, csr, ""); st != http.StatusCreated {
						b.Errorf("issue = %d %v", st, m)
						return
					}
				}
			})
			ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
			b.ReportMetric(1e9/ns, "issuances/s")
			b.ReportMetric(ceiling/ns, "x-ceiling")
		})
	}
}

// BenchmarkAuditCost measures what the audit log costs per event: an event appended in
// its own transaction (chain head upsert, hash, insert), against the same transaction
// shape writing one plain row (an outbox message) with no audit entry; audit-share is
// the fraction of the audited write that the audit entry accounts for.
//
//	go test -run '^$' -bench BenchmarkAuditCost -benchtime 2000x ./internal/app
func BenchmarkAuditCost(b *testing.B) {
	for _, driver := range []string{"sqlite", "postgres"} {
		e := newEnv(b, driver)
		ctx := context.Background()
		var plain float64
		b.Run("plain-row/"+driver, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if err := e.app.Store.AppendOutbox(ctx, model.OutboxMessage{InstitutionCode: "901", Channel: "sms", To: "010-****-0000", Body: "bench", CreatedAt: time.Now()}); err != nil {
					b.Fatal(err)
				}
			}
			plain = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
		})
		b.Run("audit-event/"+driver, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if err := e.app.Store.AppendAudit(ctx, model.AuditEvent{Type: "bench.event", Actor: "institution:901", Institution: "901",
					Subject: fmt.Sprintf("ver_%032x", i), Details: map[string]string{"method": "in-person", "customer": "cus_0123456789abcdef"}}); err != nil {
					b.Fatal(err)
				}
			}
			ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
			b.ReportMetric(ns/1e3, "µs/event")
			if plain > 0 {
				b.ReportMetric(ns/plain, "x-plain-row")
			}
		})
	}
}
