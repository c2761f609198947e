package storetest

import (
	"crypto/rand"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/model"
)

// Eight issuers at once: each reserves serials, takes sequence numbers, redeems its own
// enrollments and appends events. No certificate, number or audit entry may be lost, and
// every chain must verify.
func testConcurrent(t *testing.T, open Opener) {
	e := bootstrapped(t, open)
	const workers, each = 8, 15
	for w := 0; w < workers; w++ {
		for i := 0; i < each; i++ {
			ref := fmt.Sprintf("ref-c-%d-%d", w, i)
			if err := e.s.CreateEnrollment(e.ctx, enrollment(ref), event("enrollment.created", ref)); err != nil {
				t.Fatal(err)
			}
		}
	}
	start := len(e.verifyAudit())
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		seqs = map[int64]bool{}
	)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				ref := fmt.Sprintf("ref-c-%d-%d", w, i)
				s := make(model.Serial, 16)
				rand.Read(s)
				s[0] = s[0]&0x7f | 0x01
				if err := e.s.ClaimEnrollment(e.ctx, ref, t0, t0.Add(time.Minute)); err != nil {
					t.Errorf("ClaimEnrollment(%s) = %v", ref, err)
					return
				}
				if err := e.s.ReserveSerial(e.ctx, s, "issuing", t0); err != nil {
					t.Errorf("ReserveSerial() = %v", err)
					return
				}
				n, err := e.s.NextSequence(e.ctx, "901", "20260325")
				if err != nil {
					t.Errorf("NextSequence() = %v", err)
					return
				}
				mu.Lock()
				dup := seqs[n]
				seqs[n] = true
				mu.Unlock()
				if dup {
					t.Errorf("NextSequence() returned %d twice", n)
				}
				if err := e.s.StoreCertificate(e.ctx, certificate(s, ref), ref, event("certificate.issued", s.String())); err != nil {
					t.Errorf("StoreCertificate() = %v", err)
					return
				}
				if err := e.s.AppendAudit(e.ctx, event("test.extra", fmt.Sprintf("w%d", w))); err != nil {
					t.Errorf("AppendAudit() = %v", err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	if n, err := e.s.CountCertificates(e.ctx); n != workers*each || err != nil {
		t.Errorf("CountCertificates() = %d, %v, want %d", n, err, workers*each)
	}
	if n := len(e.verifyAudit()) - start; n != 2*workers*each {
		t.Errorf("concurrent work appended %d audit entries, want %d", n, 2*workers*each)
	}
}
