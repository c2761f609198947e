package storetest

import (
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store"
)

func testReserveSerial(t *testing.T, open Opener) {
	e := bootstrapped(t, open)
	s := serial("reserve")
	wantErr(t, "ReserveSerial(new)", e.s.ReserveSerial(e.ctx, s, "issuing", t0), nil)
	wantErr(t, "ReserveSerial(again)", e.s.ReserveSerial(e.ctx, s, "issuing", t0), store.ErrConflict)
	wantErr(t, "ReserveSerial(again, other issuer)", e.s.ReserveSerial(e.ctx, s, "other", t0), store.ErrConflict)
	if err := e.s.StoreCertificate(e.ctx, certificate(s, ""), "", event("certificate.issued", s.String())); err != nil {
		t.Fatalf("StoreCertificate() = %v", err)
	}
	wantErr(t, "ReserveSerial(used)", e.s.ReserveSerial(e.ctx, s, "issuing", t0), store.ErrConflict)
	wantErr(t, "ReserveSerial(another)", e.s.ReserveSerial(e.ctx, serial("another"), "issuing", t0), nil)
}

func testNextSequence(t *testing.T, open Opener) {
	e := bootstrapped(t, open)
	for _, tc := range []struct {
		inst, day string
		want      int64
	}{
		{"901", "20260325", 1},
		{"901", "20260325", 2},
		{"902", "20260325", 1},
		{"901", "20260326", 1},
		{"901", "20260325", 3},
	} {
		if got, err := e.s.NextSequence(e.ctx, tc.inst, tc.day); got != tc.want || err != nil {
			t.Errorf("NextSequence(%q, %q) = %d, %v, want %d, nil", tc.inst, tc.day, got, err, tc.want)
		}
	}

	// Concurrent callers get distinct numbers 1..n.
	const workers, each = 8, 10
	var (
		mu   sync.Mutex
		seen = map[int64]bool{}
		wg   sync.WaitGroup
	)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				n, err := e.s.NextSequence(e.ctx, "903", "20260325")
				if err != nil {
					t.Errorf("NextSequence() concurrently = %v", err)
					return
				}
				mu.Lock()
				if seen[n] {
					t.Errorf("NextSequence() returned %d twice", n)
				}
				seen[n] = true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	for n := int64(1); n <= workers*each; n++ {
		if !seen[n] {
			t.Errorf("concurrent NextSequence() never returned %d", n)
		}
	}
}

func testStoreCertificate(t *testing.T, open Opener) {
	e := bootstrapped(t, open)
	hold := model.ReasonCertificateHold
	revokedAt := t0.Add(time.Hour)
	for _, tc := range []struct {
		name   string
		cert   func(model.Serial) model.Certificate
		redeem bool
	}{
		{"with enrollment", func(s model.Serial) model.Certificate { return certificate(s, "ref-store") }, true},
		{"without enrollment", func(s model.Serial) model.Certificate { return certificate(s, "") }, false},
		{"all fields", func(s model.Serial) model.Certificate {
			c := certificate(s, "")
			c.Kind, c.Usage, c.Partition = model.Corporate, model.Universal, 0
			c.Status, c.RevokedAt, c.Reason = model.StatusSuspended, &revokedAt, &hold
			return c
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := serial(tc.name)
			c := tc.cert(s)
			ref := ""
			if tc.redeem {
				ref = c.EnrollmentRef
				if err := e.s.CreateEnrollment(e.ctx, enrollment(ref), event("enrollment.created", ref)); err != nil {
					t.Fatalf("CreateEnrollment() = %v", err)
				}
				if err := e.s.ClaimEnrollment(e.ctx, ref, t0, t0.Add(time.Minute)); err != nil {
					t.Fatalf("ClaimEnrollment() = %v", err)
				}
			}
			if err := e.s.ReserveSerial(e.ctx, s, c.IssuerID, t0); err != nil {
				t.Fatalf("ReserveSerial() = %v", err)
			}
			before := e.snapshot()
			e.clock.Advance(time.Second)
			ev := event("certificate.issued", s.String())
			if err := e.s.StoreCertificate(e.ctx, c, ref, ev); err != nil {
				t.Fatalf("StoreCertificate() = %v, want nil", err)
			}
			got, err := e.s.Certificate(e.ctx, s)
			if c.StatusAt.IsZero() {
				c.StatusAt = c.CreatedAt // documented default: a new certificate's status dates from its creation
			}
			if err != nil || !reflect.DeepEqual(got, c) {
				t.Errorf("Certificate() = %+v, %v, want %+v", got, err, c)
			}
			if n, _ := e.s.CountCertificates(e.ctx); n != before.Certs+1 {
				t.Errorf("CountCertificates() = %d, want %d", n, before.Certs+1)
			}
			en, ok := e.lastEntry(s.String())
			if !ok || !reflect.DeepEqual(en.Event, ev) || !en.Time.Equal(e.clock.Now()) {
				t.Errorf("audit entry = %+v (found %v), want %+v at %v", en, ok, ev, e.clock.Now())
			}
			if tc.redeem {
				got := e.mustEnrollment(ref)
				if got.UsedAt == nil || !got.UsedAt.Equal(e.clock.Now()) || got.ClaimedUntil != nil || !reflect.DeepEqual(got.IssuedSerial, s) {
					t.Errorf("redeemed enrollment: UsedAt %v, ClaimedUntil %v, IssuedSerial %v; want %v, nil, %v", got.UsedAt, got.ClaimedUntil, got.IssuedSerial, e.clock.Now(), s)
				}
			}
		})
	}
}

// Every refusal of StoreCertificate writes nothing: no certificate, no audit entry, no
// change to the serial or the enrollment.
func testStoreCertificateConflicts(t *testing.T, open Opener) {
	e := bootstrapped(t, open)
	setup := func(ref string, claim, use bool) {
		t.Helper()
		if err := e.s.CreateEnrollment(e.ctx, enrollment(ref), event("enrollment.created", ref)); err != nil {
			t.Fatalf("CreateEnrollment(%q) = %v", ref, err)
		}
		if claim || use {
			if err := e.s.ClaimEnrollment(e.ctx, ref, t0, t0.Add(time.Minute)); err != nil {
				t.Fatalf("ClaimEnrollment(%q) = %v", ref, err)
			}
		}
		if use {
			s := serial("user-of-" + ref)
			if err := e.s.ReserveSerial(e.ctx, s, "issuing", t0); err != nil {
				t.Fatal(err)
			}
			if err := e.s.StoreCertificate(e.ctx, certificate(s, ref), ref, event("certificate.issued", s.String())); err != nil {
				t.Fatalf("StoreCertificate(redeem %q) = %v", ref, err)
			}
		}
	}
	setup("ref-unclaimed", false, false)
	setup("ref-used", true, true)
	used := serial("used")
	if err := e.s.ReserveSerial(e.ctx, used, "issuing", t0); err != nil {
		t.Fatal(err)
	}
	if err := e.s.StoreCertificate(e.ctx, certificate(used, ""), "", event("certificate.issued", used.String())); err != nil {
		t.Fatal(err)
	}
	if err := e.s.ReserveSerial(e.ctx, serial("other issuer"), "other-ca", t0); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name    string
		serial  model.Serial
		reserve bool // reserve the serial first (by "issuing")
		redeem  string
	}{
		{"unreserved serial", serial("never reserved"), false, ""},
		{"used serial", used, false, ""},
		{"serial reserved by another issuer", serial("other issuer"), false, ""},
		{"enrollment not claimed", serial("unclaimed"), true, "ref-unclaimed"},
		{"enrollment used", serial("reuse"), true, "ref-used"},
		{"enrollment unknown", serial("unknown ref"), true, "ref-unknown"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.reserve {
				if err := e.s.ReserveSerial(e.ctx, tc.serial, "issuing", t0); err != nil {
					t.Fatal(err)
				}
			}
			var enBefore model.Enrollment
			if tc.redeem != "ref-unknown" && tc.redeem != "" {
				enBefore = e.mustEnrollment(tc.redeem)
			}
			certBefore, certErr := e.s.Certificate(e.ctx, tc.serial)
			before := e.snapshot()
			c := certificate(tc.serial, tc.redeem)
			c.CommonName = "conflicting"
			err := e.s.StoreCertificate(e.ctx, c, tc.redeem, event("certificate.issued", tc.serial.String()))
			wantErr(t, fmt.Sprintf("StoreCertificate(%s)", tc.name), err, store.ErrConflict)
			e.unchanged("StoreCertificate", before)
			got, gotErr := e.s.Certificate(e.ctx, tc.serial)
			if !reflect.DeepEqual(got, certBefore) || (gotErr == nil) != (certErr == nil) {
				t.Errorf("Certificate() after refusal = %+v, %v, want %+v, %v", got, gotErr, certBefore, certErr)
			}
			if enBefore.Reference != "" {
				if en := e.mustEnrollment(tc.redeem); !reflect.DeepEqual(en, enBefore) {
					t.Errorf("enrollment after refusal = %+v, want unchanged %+v", en, enBefore)
				}
			}
			if tc.reserve {
				// The serial update was rolled back: the reservation is still usable.
				if err := e.s.StoreCertificate(e.ctx, certificate(tc.serial, ""), "", event("certificate.issued", tc.serial.String())); err != nil {
					t.Errorf("StoreCertificate() after refusal, without enrollment = %v, want nil (serial still reserved and unused)", err)
				}
			}
		})
	}
	e.verifyAudit()
}

func testCertificate(t *testing.T, open Opener) {
	e := bootstrapped(t, open)
	s := serial("reserved only")
	if err := e.s.ReserveSerial(e.ctx, s, "issuing", t0); err != nil {
		t.Fatal(err)
	}
	for _, q := range []model.Serial{serial("unknown"), s} {
		if _, err := e.s.Certificate(e.ctx, q); err == nil {
			t.Errorf("Certificate(%v) = nil error, want %v", q, store.ErrNotFound)
		} else {
			wantErr(t, fmt.Sprintf("Certificate(%v)", q), err, store.ErrNotFound)
		}
	}
	if n, err := e.s.CountCertificates(e.ctx); n != 0 || err != nil {
		t.Errorf("CountCertificates() = %d, %v, want 0, nil", n, err)
	}
}
