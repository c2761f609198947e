package app_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/center"
	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/model"
)

func wantCode(t *testing.T, what string, err error, code errs.Code) {
	t.Helper()
	if !errors.Is(err, errs.Sentinel(code)) {
		t.Errorf("%s = %v, want %s", what, err, code)
	}
}

// issueOne issues a certificate through the HTTP API and returns its record.
func (e *env) issueOne(inst string) model.Certificate {
	e.t.Helper()
	en := enrollDirect(e.t, e.app, inst)
	st, m, got := e.issue(en, csrPEM(e.t, subscriberKey(e.t)), "")
	if st != 201 {
		e.t.Fatalf("issue = %d %v", st, m)
	}
	s, _ := model.ParseSerial(got.Serial)
	c, err := e.app.CA.Certificate(context.Background(), s)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

func TestRenewalWindow(t *testing.T) {
	drivers(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		ctx := context.Background()
		old := e.issueOne("901")
		pub := subscriberKey(t).Public()
		start := e.clock.Now()
		at := func(d time.Time) { e.clock.t.Store(d.UnixNano()) }
		defer at(start)

		// 31 days before expiry: not open yet, and the error says from when.
		at(old.NotAfter.Add(-31 * 24 * time.Hour))
		_, err := e.app.Center.Renew(ctx, old.Serial, pub, nil, nil, "subscriber")
		wantCode(t, "renew 31 days before", err, errs.RenewalWindowNotOpen)
		opens := old.NotAfter.Add(-30 * 24 * time.Hour).In(time.FixedZone("KST", 9*3600)).Format("2006-01-02")
		if txt := errs.Localize(err, errs.English); !strings.Contains(txt.Hint, opens) {
			t.Errorf("hint %q does not name the opening day %s", txt.Hint, opens)
		}

		// After expiry: refused with the hint to reissue.
		at(old.NotAfter.Add(time.Second))
		_, err = e.app.Center.Renew(ctx, old.Serial, pub, nil, nil, "subscriber")
		wantCode(t, "renew after expiry", err, errs.CertExpired)
		if txt := errs.Localize(err, errs.Korean); !strings.Contains(txt.Hint, "재발급") {
			t.Errorf("Korean hint %q does not point to reissue", txt.Hint)
		}

		// Inside the window: a new certificate one year from the old expiry.
		at(old.NotAfter.Add(-10 * 24 * time.Hour))
		got, err := e.app.Center.Renew(ctx, old.Serial, pub, nil, nil, "subscriber")
		if err != nil {
			t.Fatalf("renew inside the window: %v", err)
		}
		if want := old.NotAfter.AddDate(1, 0, 0); !got.Record.NotAfter.Equal(want) {
			t.Errorf("renewed notAfter = %v, want %v", got.Record.NotAfter, want)
		}
		if got.Record.Replaces.String() != old.Serial.String() {
			t.Errorf("renewed.Replaces = %s", got.Record.Replaces)
		}
		oldNow, _ := e.app.CA.Certificate(ctx, old.Serial)
		if oldNow.Status != model.StatusReplaced {
			t.Errorf("old status after renewal = %s, want replaced", oldNow.Status)
		}
		// The same renewal again (its answer lost) gets the same certificate and R;
		// another key is refused.
		again, err := e.app.Center.Renew(ctx, old.Serial, pub, nil, nil, "subscriber")
		if err != nil || !again.Again || !bytes.Equal(again.Record.DER, got.Record.DER) || !bytes.Equal(again.RandomNum, got.RandomNum) {
			t.Fatalf("renew again with the same key = %v, want the same certificate and R", err)
		}
		other, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.app.Center.Renew(ctx, old.Serial, other.Public(), nil, nil, "subscriber")
		wantCode(t, "renew twice with another key", err, errs.CertReplaced)
		verifyChain(t, issuedJSON{Certificate: pemOf(got.Cert), Chain: []string{string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: got.Chain[0]})), string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: got.Chain[1]}))}},
			"-attime", strconv.FormatInt(e.clock.Now().Unix(), 10))
	})
}

func pemOf(c *x509.Certificate) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}))
}

func TestRevokeSuspendResumeReissue(t *testing.T) {
	drivers(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		ctx := context.Background()
		inst901, _ := e.app.Center.Authenticate(ctx, e.keys["901"])
		inst902, _ := e.app.Center.Authenticate(ctx, e.keys["902"])
		c := e.issueOne("901")

		_, err := e.app.Center.Suspend(ctx, &inst902, c.Serial, "institution:902")
		wantCode(t, "suspend by another institution", err, errs.Forbidden)
		if cur, _ := e.app.CA.Certificate(ctx, c.Serial); cur.Status != model.StatusValid {
			t.Fatalf("status after a refused suspend = %s", cur.Status)
		}
		if _, err := e.app.Center.Suspend(ctx, &inst901, c.Serial, "institution:901"); err != nil {
			t.Fatal(err)
		}
		_, err = e.app.Center.Suspend(ctx, &inst901, c.Serial, "institution:901")
		wantCode(t, "suspend twice", err, errs.CertSuspended)
		if cur, err := e.app.Center.Resume(ctx, &inst901, c.Serial, "institution:901"); err != nil || cur.Status != model.StatusValid || cur.Reason != nil {
			t.Fatalf("resume = %+v, %v", cur.Status, err)
		}
		_, err = e.app.Center.Resume(ctx, &inst901, c.Serial, "institution:901")
		wantCode(t, "resume a valid certificate", err, errs.CertNotSuspended)
		_, err = e.app.Center.Revoke(ctx, &inst901, c.Serial, model.ReasonCertificateHold, nil, "institution:901")
		wantCode(t, "revoke with reason certificateHold", err, errs.RevocationReasonInvalid)
		if cur, err := e.app.Center.Revoke(ctx, nil, c.Serial, model.ReasonKeyCompromise, nil, "subscriber"); err != nil || cur.Status != model.StatusRevoked || *cur.Reason != model.ReasonKeyCompromise {
			t.Fatalf("revoke = %+v, %v", cur, err)
		}
		_, err = e.app.Center.Resume(ctx, &inst901, c.Serial, "institution:901")
		wantCode(t, "resume after revoke", err, errs.CertRevoked)
		_, err = e.app.Center.Revoke(ctx, &inst901, c.Serial, model.ReasonKeyCompromise, nil, "institution:901")
		wantCode(t, "revoke twice", err, errs.CertRevoked)

		// Reissue: a new identity verification (enrollment) that replaces a certificate.
		d := e.issueOne("901")
		out, err := e.app.Center.Enroll(ctx, center.EnrollRequest{Institution: "901", Name: "홍길동", IDN: "8001011234567", Replaces: d.Serial, Actor: "teller:T-1"})
		if err != nil {
			t.Fatal(err)
		}
		e.clock.Add(48 * time.Hour)
		defer e.clock.Add(-48 * time.Hour)
		st, m, got := e.issue(enrolled{out.Reference, out.AuthCode}, csrPEM(t, subscriberKey(t)), "")
		if st != 201 {
			t.Fatalf("reissue = %d %v", st, m)
		}
		ns, _ := model.ParseSerial(got.Serial)
		nc, _ := e.app.CA.Certificate(ctx, ns)
		if !nc.NotAfter.Equal(d.NotAfter) || nc.Replaces.String() != d.Serial.String() {
			t.Errorf("reissued notAfter %v (want the old %v), replaces %s", nc.NotAfter, d.NotAfter, nc.Replaces)
		}
		od, _ := e.app.CA.Certificate(ctx, d.Serial)
		if od.Status != model.StatusRevoked || od.Reason == nil || *od.Reason != model.ReasonSuperseded {
			t.Errorf("old after reissue: %s %v, want revoked superseded", od.Status, od.Reason)
		}
	})
}
