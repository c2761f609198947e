package storetest

import (
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store"
)

// issue stores a valid certificate named name and returns it as stored.
func (e *env) issue(name string, mod func(*model.Certificate)) model.Certificate {
	e.t.Helper()
	s := serial(name)
	c := certificate(s, "")
	if mod != nil {
		mod(&c)
	}
	if err := e.s.ReserveSerial(e.ctx, s, c.IssuerID, t0); err != nil {
		e.t.Fatalf("ReserveSerial(%s) = %v", name, err)
	}
	if err := e.s.StoreCertificate(e.ctx, c, "", event("certificate.issued", s.String())); err != nil {
		e.t.Fatalf("StoreCertificate(%s) = %v", name, err)
	}
	got, err := e.s.Certificate(e.ctx, s)
	if err != nil {
		e.t.Fatal(err)
	}
	return got
}

func testStoreReplacement(t *testing.T, open Opener) {
	for _, tc := range []struct {
		name       string
		revokeOld  bool
		wantStatus model.CertStatus
		wantReason *model.RevocationReason
	}{
		{"renewal marks replaced", false, model.StatusReplaced, nil},
		{"reissue revokes superseded", true, model.StatusRevoked, reasonPtr(model.ReasonSuperseded)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := bootstrapped(t, open)
			old := e.issue("old", nil)
			s := serial("new")
			c := certificate(s, "")
			if err := e.s.ReserveSerial(e.ctx, s, "issuing", t0); err != nil {
				t.Fatal(err)
			}
			e.clock.Advance(time.Minute)
			if err := e.s.StoreReplacement(e.ctx, c, "", old.Serial, tc.revokeOld, event("certificate.renewed", s.String())); err != nil {
				t.Fatalf("StoreReplacement() = %v", err)
			}
			gotOld, _ := e.s.Certificate(e.ctx, old.Serial)
			if gotOld.Status != tc.wantStatus || (tc.wantReason == nil) != (gotOld.Reason == nil) ||
				(tc.wantReason != nil && *gotOld.Reason != *tc.wantReason) || !gotOld.StatusAt.Equal(e.clock.Now()) {
				t.Errorf("old after replacement: status %s reason %v at %v", gotOld.Status, gotOld.Reason, gotOld.StatusAt)
			}
			if tc.revokeOld && (gotOld.RevokedAt == nil || !gotOld.RevokedAt.Equal(e.clock.Now())) {
				t.Errorf("old RevokedAt = %v, want %v", gotOld.RevokedAt, e.clock.Now())
			}
			gotNew, err := e.s.Certificate(e.ctx, s)
			if err != nil || gotNew.Replaces.String() != old.Serial.String() {
				t.Errorf("new.Replaces = %v, %v; want %s", gotNew.Replaces, err, old.Serial)
			}
			e.verifyAudit()

			// Replacing a certificate that is no longer valid writes nothing.
			s2 := serial("newer")
			if err := e.s.ReserveSerial(e.ctx, s2, "issuing", t0); err != nil {
				t.Fatal(err)
			}
			before := e.snapshot()
			err = e.s.StoreReplacement(e.ctx, certificate(s2, ""), "", old.Serial, tc.revokeOld, event("certificate.renewed", s2.String()))
			wantErr(t, "StoreReplacement(old no longer valid)", err, store.ErrConflict)
			e.unchanged("StoreReplacement", before)
		})
	}
}

func reasonPtr(r model.RevocationReason) *model.RevocationReason { return &r }

func testChangeStatus(t *testing.T, open Opener) {
	e := bootstrapped(t, open)
	c := e.issue("c", nil)
	hold := model.ReasonCertificateHold
	kc := model.ReasonKeyCompromise
	inval := t0.Add(-time.Hour)
	steps := []struct {
		name    string
		ch      model.StatusChange
		wantErr error
		want    model.CertStatus
	}{
		{"suspend", model.StatusChange{From: []model.CertStatus{model.StatusValid}, To: model.StatusSuspended, Reason: &hold}, nil, model.StatusSuspended},
		{"suspend again", model.StatusChange{From: []model.CertStatus{model.StatusValid}, To: model.StatusSuspended, Reason: &hold}, store.ErrConflict, model.StatusSuspended},
		{"resume", model.StatusChange{From: []model.CertStatus{model.StatusSuspended}, To: model.StatusValid}, nil, model.StatusValid},
		{"revoke", model.StatusChange{From: []model.CertStatus{model.StatusValid, model.StatusSuspended}, To: model.StatusRevoked, Reason: &kc, InvalidityDate: &inval}, nil, model.StatusRevoked},
		{"resume after revoke", model.StatusChange{From: []model.CertStatus{model.StatusSuspended}, To: model.StatusValid}, store.ErrConflict, model.StatusRevoked},
	}
	for _, st := range steps {
		e.clock.Advance(time.Minute)
		st.ch.Serial, st.ch.At = c.Serial, e.clock.Now()
		before := e.snapshot()
		got, err := e.s.ChangeStatus(e.ctx, st.ch, event("certificate."+st.name, c.Serial.String()))
		wantErr(t, "ChangeStatus("+st.name+")", err, st.wantErr)
		if st.wantErr != nil {
			e.unchanged("ChangeStatus("+st.name+")", before)
		}
		cur, _ := e.s.Certificate(e.ctx, c.Serial)
		if cur.Status != st.want || got.Status != st.want {
			t.Errorf("after %s: status %s (returned %s), want %s", st.name, cur.Status, got.Status, st.want)
		}
		switch st.name {
		case "suspend":
			if cur.Reason == nil || *cur.Reason != hold || cur.RevokedAt == nil {
				t.Errorf("suspended: reason %v at %v", cur.Reason, cur.RevokedAt)
			}
		case "resume":
			if cur.Reason != nil || cur.RevokedAt != nil {
				t.Errorf("resumed: reason %v at %v, want none", cur.Reason, cur.RevokedAt)
			}
		case "revoke":
			if cur.Reason == nil || *cur.Reason != kc || cur.InvalidityDate == nil || !cur.InvalidityDate.Equal(inval) || !cur.StatusAt.Equal(e.clock.Now()) {
				t.Errorf("revoked: reason %v invalidity %v at %v", cur.Reason, cur.InvalidityDate, cur.StatusAt)
			}
		}
	}
	_, err := e.s.ChangeStatus(e.ctx, model.StatusChange{Serial: serial("nobody"), From: []model.CertStatus{model.StatusValid}, To: model.StatusRevoked, Reason: &kc}, event("x", "y"))
	wantErr(t, "ChangeStatus(unknown)", err, store.ErrNotFound)
	e.verifyAudit()
}

func testConfirmation(t *testing.T, open Opener) {
	e := bootstrapped(t, open)
	deadline := t0.Add(5 * time.Minute)
	a := e.issue("a", func(c *model.Certificate) { c.ConfirmBy = &deadline })
	b := e.issue("b", func(c *model.Certificate) { c.ConfirmBy = &deadline })
	e.issue("c", nil)
	if a.ConfirmBy == nil || !a.ConfirmBy.Equal(deadline) {
		t.Fatalf("ConfirmBy stored as %v", a.ConfirmBy)
	}
	if got, err := e.s.Unconfirmed(e.ctx, deadline, 10); err != nil || len(got) != 0 {
		t.Errorf("Unconfirmed(at deadline) = %d, %v; want none yet", len(got), err)
	}
	wantErr(t, "ConfirmCertificate(a)", e.s.ConfirmCertificate(e.ctx, a.Serial, event("certificate.confirmed", a.Serial.String())), nil)
	wantErr(t, "ConfirmCertificate(a again)", e.s.ConfirmCertificate(e.ctx, a.Serial, event("certificate.confirmed", a.Serial.String())), store.ErrConflict)
	wantErr(t, "ConfirmCertificate(c, never awaited)", e.s.ConfirmCertificate(e.ctx, serial("c"), event("certificate.confirmed", "c")), store.ErrConflict)
	wantErr(t, "ConfirmCertificate(unknown)", e.s.ConfirmCertificate(e.ctx, serial("zz"), event("certificate.confirmed", "zz")), store.ErrNotFound)
	got, err := e.s.Unconfirmed(e.ctx, deadline.Add(time.Second), 10)
	if err != nil || len(got) != 1 || got[0].Serial.String() != b.Serial.String() {
		t.Fatalf("Unconfirmed(after deadline) = %v, %v; want only b", got, err)
	}
	wantErr(t, "ExpireUnconfirmed(b)", e.s.ExpireUnconfirmed(e.ctx, b.Serial, deadline.Add(time.Second), event("certificate.unconfirmed", b.Serial.String())), nil)
	gotB, _ := e.s.Certificate(e.ctx, b.Serial)
	if gotB.Status != model.StatusRevoked || gotB.ConfirmBy != nil {
		t.Errorf("b after expiry: %s, confirmBy %v", gotB.Status, gotB.ConfirmBy)
	}
	wantErr(t, "ExpireUnconfirmed(b again)", e.s.ExpireUnconfirmed(e.ctx, b.Serial, deadline, event("x", "b")), store.ErrConflict)
	if got, _ := e.s.Unconfirmed(e.ctx, deadline.Add(time.Hour), 10); len(got) != 0 {
		t.Errorf("Unconfirmed after expiry = %d", len(got))
	}

	// A certificate awaiting confirmation that is revoked otherwise (an rr, an
	// institution) no longer awaits it: the sweeper must not keep finding it.
	d := e.issue("d", func(c *model.Certificate) { c.ConfirmBy = &deadline })
	kc := model.ReasonKeyCompromise
	if _, err := e.s.ChangeStatus(e.ctx, model.StatusChange{Serial: d.Serial, From: []model.CertStatus{model.StatusValid},
		To: model.StatusRevoked, Reason: &kc}, event("certificate.revoked", d.Serial.String())); err != nil {
		t.Fatal(err)
	}
	if got, _ := e.s.Certificate(e.ctx, d.Serial); got.ConfirmBy != nil {
		t.Errorf("revoked certificate still awaits confirmation until %v", got.ConfirmBy)
	}
	if got, _ := e.s.Unconfirmed(e.ctx, deadline.Add(time.Hour), 10); len(got) != 0 {
		t.Errorf("Unconfirmed lists a revoked certificate: %v", got)
	}

	// An unconfirmed renewal is withdrawn and the certificate it renewed is in service again.
	old := e.issue("old", nil)
	ns := serial("renewal")
	if err := e.s.ReserveSerial(e.ctx, ns, "issuing", t0); err != nil {
		t.Fatal(err)
	}
	rc := certificate(ns, "")
	rc.ConfirmBy = &deadline
	if err := e.s.StoreReplacement(e.ctx, rc, "", old.Serial, false, event("certificate.renewed", ns.String())); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "ExpireUnconfirmed(renewal)", e.s.ExpireUnconfirmed(e.ctx, ns, deadline.Add(time.Second), event("certificate.unconfirmed", ns.String())), nil)
	if got, _ := e.s.Certificate(e.ctx, old.Serial); got.Status != model.StatusValid {
		t.Errorf("renewed certificate after its renewal was withdrawn: %s, want valid", got.Status)
	}
	if got, _ := e.s.Certificate(e.ctx, ns); got.Status != model.StatusRevoked {
		t.Errorf("withdrawn renewal: %s, want revoked", got.Status)
	}
	e.verifyAudit()
}
