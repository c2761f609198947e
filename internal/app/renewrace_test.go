package app_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"sync"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/model"
)

// TestConcurrentRenewalsAgree: the same renewal sent twice at once (a client resending
// while its first request is still being served, as the chaos harness's kills and lost
// answers make happen) gets one certificate, answered to both. Before, the second one
// to store found the old certificate replaced and was refused CERT_REPLACED, which the
// client never recovers from.
func TestConcurrentRenewalsAgree(t *testing.T) {
	e := newEnv(t, "postgres")
	ctx := context.Background()
	olds := make([]model.Certificate, 6)
	for i := range olds {
		olds[i] = e.issueOne("901")
	}
	e.clock.t.Store(olds[0].NotAfter.Add(-10 * 24 * time.Hour).UnixNano())
	for _, old := range olds {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		r := bytes.Repeat([]byte{3}, 20)
		var wg sync.WaitGroup
		ders := make([][]byte, 2)
		errs := make([]error, 2)
		for i := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got, err := e.app.Center.Renew(ctx, old.Serial, k.Public(), r, nil, "subscriber")
				if err == nil {
					ders[i] = got.Record.DER
				}
				errs[i] = err
			}()
		}
		wg.Wait()
		if errs[0] != nil || errs[1] != nil || !bytes.Equal(ders[0], ders[1]) {
			t.Fatalf("the same renewal twice at once = %v, %v (same certificate %v), want one certificate for both",
				errs[0], errs[1], bytes.Equal(ders[0], ders[1]))
		}
	}
}
