package app_test

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"net/http"
	"testing"
	"time"
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
