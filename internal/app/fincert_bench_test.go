package app_test

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/testenv"
)

// BenchmarkFinCertHTTP: signatures per second through the whole signing API on SQLite
// (sign request by the institution, challenge, device proof, PIN, RSA-2048, the single
// use recorded with its audit entry), against raw RSA-2048 signatures alternated in
// the same run. cloudcert's BenchmarkSignVsRaw has the service's CPU path alone.
func BenchmarkFinCertHTTP(b *testing.B) {
	e := newEnv(b, "sqlite")
	cust := e.customer("901", finName, finIDN)
	br := newBrowser(e)
	if st, m, _ := e.issueFinCert(br, e.fincertEnrollment("901", cust.ID), finPIN, false); st != http.StatusCreated {
		b.Fatalf("issue = %d %v", st, m)
	}
	raw, _ := rsa.GenerateKey(rand.Reader, 2048)
	h := sha256.Sum256([]byte("x"))
	const block = 5
	var tRaw, tAPI time.Duration
	n := 0
	for b.Loop() {
		t0 := time.Now()
		for range block {
			rsa.SignPKCS1v15(nil, raw, crypto.SHA256, h[:])
		}
		t1 := time.Now()
		for range block {
			_, _, id := e.signRequest("902", loginRequest("PKCS1"))
			if st, m, _ := br.complete(id, finPIN); st != 200 {
				b.Fatalf("complete = %d %v", st, m)
			}
		}
		tRaw += t1.Sub(t0)
		tAPI += time.Since(t1)
		n += block
	}
	b.ReportMetric(float64(n)/tRaw.Seconds(), "raw-sig/s")
	b.ReportMetric(float64(n)/tAPI.Seconds(), "api-sig/s")
	b.ReportMetric(tRaw.Seconds()/tAPI.Seconds(), "x-raw")
}

// BenchmarkFinCertHTTPParallel: the same with 8 and with 32 clients at once (users
// signing at the same time), against the two-core raw signing ceiling, in alternating
// rounds, on SQLite and PostgreSQL. BenchmarkFinCertBound is its bound: the same
// protocol and client with no store at all.
func BenchmarkFinCertHTTPParallel(b *testing.B) {
	for _, driver := range []string{"sqlite", "postgres"} {
		for _, clients := range []int{8, 32} {
			b.Run(fmt.Sprintf("%s/clients=%d", driver, clients), func(b *testing.B) {
				e := newEnv(b, driver)
				cust := e.customer("901", finName, finIDN)
				br := newBrowser(e)
				if st, m, _ := e.issueFinCert(br, e.fincertEnrollment("901", cust.ID), finPIN, false); st != http.StatusCreated {
					b.Fatalf("issue = %d %v", st, m)
				}
				raw, _ := rsa.GenerateKey(rand.Reader, 2048)
				h := sha256.Sum256([]byte("x"))
				round := 2 * clients
				var tRaw, tAPI time.Duration
				n := 0
				for b.Loop() {
					d, _ := testenv.Spread(round, func() error {
						_, err := rsa.SignPKCS1v15(nil, raw, crypto.SHA256, h[:])
						return err
					})
					tRaw += d
					d, err := spreadN(clients, round, func() error {
						_, _, id := e.signRequest("902", loginRequest("PKCS1"))
						if st, m, _ := br.complete(id, finPIN); st != 200 {
							return fmt.Errorf("complete = %d %v", st, m)
						}
						return nil
					})
					if err != nil {
						b.Fatal(err)
					}
					tAPI += d
					n += round
				}
				b.ReportMetric(float64(n)/tRaw.Seconds(), "ceiling-sig/s")
				b.ReportMetric(float64(n)/tAPI.Seconds(), "api-sig/s")
				b.ReportMetric(tRaw.Seconds()/tAPI.Seconds(), "x-ceiling")
			})
		}
	}
}

// spreadN runs op n times in all among clients goroutines and returns the wall time.
func spreadN(clients, n int, op func() error) (time.Duration, error) {
	var next atomic.Int64
	var wg sync.WaitGroup
	var first atomic.Pointer[error]
	t0 := time.Now()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(n) {
				if err := op(); err != nil {
					first.CompareAndSwap(nil, &err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if e := first.Load(); e != nil {
		return time.Since(t0), *e
	}
	return time.Since(t0), nil
}
