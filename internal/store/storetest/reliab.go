package storetest

import (
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store"
)

// A claim whose lease passed may be taken over (its holder died), and whichever of the
// two issuances stores first redeems the enrollment: the other's certificate is refused,
// so there is never a second certificate (center.ClaimLease relies on this).
func testClaimTakeover(t *testing.T, open Opener) {
	e := bootstrapped(t, open)
	ref := "ref-takeover"
	if err := e.s.CreateEnrollment(e.ctx, enrollment(ref), event("enrollment.created", ref)); err != nil {
		t.Fatal(err)
	}
	lease := 10 * time.Second
	wantErr(t, "ClaimEnrollment(first)", e.s.ClaimEnrollment(e.ctx, ref, t0, t0.Add(lease)), nil)
	wantErr(t, "ClaimEnrollment(within the lease)", e.s.ClaimEnrollment(e.ctx, ref, t0.Add(time.Second), t0.Add(time.Second+lease)), store.ErrConflict)
	later := t0.Add(lease + time.Second)
	wantErr(t, "ClaimEnrollment(after the lease)", e.s.ClaimEnrollment(e.ctx, ref, later, later.Add(lease)), nil)
	for i, name := range []string{"takeover-b", "takeover-a"} {
		s := serial(name)
		if err := e.s.ReserveSerial(e.ctx, s, "issuing", t0); err != nil {
			t.Fatal(err)
		}
		err := e.s.StoreCertificate(e.ctx, certificate(s, ref), ref, event("certificate.issued", s.String()))
		if i == 0 {
			wantErr(t, "StoreCertificate(the new holder)", err, nil)
		} else {
			wantErr(t, "StoreCertificate(the late holder)", err, store.ErrConflict)
		}
	}
	if got := e.mustEnrollment(ref); got.IssuedSerial.String() != serial("takeover-b").String() {
		t.Errorf("enrollment redeemed by %s, want the new holder's", got.IssuedSerial)
	}
}

// A first issuance withdrawn for want of its CMP certConf gives its enrollment back, so
// that a client whose answer was lost for longer than the wait can still ask again; a
// reissue's does not (the certificate it replaced stays revoked).
func testExpireUnconfirmedGivesEnrollmentBack(t *testing.T, open Opener) {
	e := bootstrapped(t, open)
	deadline := t0.Add(5 * time.Minute)
	for _, tc := range []struct {
		ref     string
		reissue bool
	}{{"ref-unconfirmed", false}, {"ref-unconfirmed-reissue", true}} {
		en := enrollment(tc.ref)
		if tc.reissue {
			en.Replaces = e.issue("replaced-"+tc.ref, nil).Serial
		}
		if err := e.s.CreateEnrollment(e.ctx, en, event("enrollment.created", tc.ref)); err != nil {
			t.Fatal(err)
		}
		wantErr(t, "ClaimEnrollment", e.s.ClaimEnrollment(e.ctx, tc.ref, t0, t0.Add(time.Minute)), nil)
		s := serial("unconfirmed-" + tc.ref)
		if err := e.s.ReserveSerial(e.ctx, s, "issuing", t0); err != nil {
			t.Fatal(err)
		}
		c := certificate(s, tc.ref)
		c.ConfirmBy = &deadline
		if err := e.s.StoreCertificate(e.ctx, c, tc.ref, event("certificate.issued", s.String())); err != nil {
			t.Fatal(err)
		}
		wantErr(t, "ExpireUnconfirmed", e.s.ExpireUnconfirmed(e.ctx, s, deadline.Add(time.Second), event("certificate.unconfirmed_revoked", s.String())), nil)
		got := e.mustEnrollment(tc.ref)
		if given := got.UsedAt == nil && len(got.IssuedSerial) == 0; given == tc.reissue {
			t.Errorf("%s after its certificate was withdrawn: used %v, serial %s; want given back %v", tc.ref, got.UsedAt, got.IssuedSerial, !tc.reissue)
		}
		if c, _ := e.s.Certificate(e.ctx, s); c.Status != model.StatusRevoked {
			t.Errorf("withdrawn certificate: %s, want revoked", c.Status)
		}
	}
	e.verifyAudit()
}
