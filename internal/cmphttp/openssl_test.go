package cmphttp_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/pem"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/testenv"
	"github.com/certcenter/certcenter/npki"
)

// cmpRun runs `openssl cmp` against the server and returns its output; wantOK says
// whether it must succeed or fail.
func (e *env) cmpRun(t testing.TB, wantOK bool, args ...string) string {
	t.Helper()
	base := []string{"cmp", "-config", "", "-server", strings.TrimPrefix(e.srv.URL, "http://") + "/pkix/",
		"-trusted", e.write("root.pem", pemCert(e.root))}
	cmd := exec.Command(testenv.OpenSSL(t), append(base, args...)...)
	out, err := cmd.CombinedOutput()
	if wantOK && err != nil {
		t.Fatalf("openssl %s: %v\n%s", strings.Join(cmd.Args[1:], " "), err, out)
	}
	if !wantOK && err == nil {
		t.Fatalf("openssl %s succeeded, want a refusal\n%s", strings.Join(cmd.Args[1:], " "), out)
	}
	return string(out)
}

func (e *env) readCert(path string) *x509.Certificate {
	e.t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		e.t.Fatal(err)
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		e.t.Fatalf("%s holds no PEM certificate", path)
	}
	c, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

func (e *env) record(t testing.TB, c *x509.Certificate) model.Certificate {
	t.Helper()
	rec, err := e.app.CA.Certificate(context.Background(), model.Serial(c.SerialNumber.Bytes()))
	if err != nil {
		t.Fatalf("Certificate(%x) = %v", c.SerialNumber, err)
	}
	return rec
}

// verify checks a certificate with openssl verify against the root.
func (e *env) verify(t testing.TB, path string) {
	t.Helper()
	out := testenv.RunOpenSSL(t, "verify", "-CAfile", e.write("root.pem", pemCert(e.root)),
		"-untrusted", e.write("ca.pem", pemCert(e.ca)), path)
	if !strings.Contains(string(out), path+": OK") {
		t.Errorf("openssl verify: %s", out)
	}
}

// TestOpenSSLClient runs the real `openssl cmp` client against the running server:
// ir, cr, p10cr, kur inside and outside the renewal window, rr, genm, and refusals.
func TestOpenSSLClient(t *testing.T) {
	testenv.OpenSSL(t)
	e := newEnv(t)
	ctx := context.Background()
	key1 := e.write("k1.pem", pemKey(t, testKey(t, 0)))
	key2 := e.write("k2.pem", pemKey(t, testKey(t, 1)))
	key3 := e.write("k3.pem", pemKey(t, testKey(t, 2)))

	// ir with the reference number and code and a new RSA-2048 key.
	ref, code := e.enroll()
	irCert := e.write("ir.crt", nil)
	out := e.cmpRun(t, true, "-cmd", "ir", "-ref", ref, "-secret", "pass:"+code, "-newkey", key1, "-subject", "/CN=ignored", "-certout", irCert)
	e.verify(t, irCert)
	ir := e.readCert(irCert)
	id, err := npki.ParseIdentifyDataFromCert(ir)
	if err != nil || id.RealName != testName || len(id.VID) != 32 {
		t.Errorf("ir certificate VID: %+v, %v", id, err)
	}
	if strings.Contains(ir.Subject.String(), "ignored") {
		t.Errorf("the template's subject reached the certificate: %s", ir.Subject)
	}
	if rec := e.record(t, ir); rec.ConfirmBy != nil || rec.Status != model.StatusValid {
		t.Errorf("after ir+certConf: status %s, confirmBy %v; want valid and confirmed\n%s", rec.Status, rec.ConfirmBy, out)
	}

	t.Run("the same ir again", func(t *testing.T) {
		// As a client whose ip was lost: the same key gets the same certificate.
		again := e.write("again.crt", nil)
		out := e.cmpRun(t, true, "-cmd", "ir", "-ref", ref, "-secret", "pass:"+code, "-newkey", key1, "-subject", "/CN=ignored", "-certout", again)
		if got := e.readCert(again); !bytes.Equal(got.Raw, ir.Raw) {
			t.Errorf("the ir again got another certificate:\n%s", out)
		}
	})
	t.Run("reused reference", func(t *testing.T) {
		out := e.cmpRun(t, false, "-cmd", "ir", "-ref", ref, "-secret", "pass:"+code, "-newkey", key2, "-subject", "/CN=x", "-certout", e.write("reuse.crt", nil))
		if !strings.Contains(out, "ENROLLMENT_USED") || !strings.Contains(out, "notAuthorized") {
			t.Errorf("reused reference: want ENROLLMENT_USED and notAuthorized in openssl's output:\n%s", out)
		}
	})
	t.Run("wrong secret", func(t *testing.T) {
		ref, _ := e.enroll()
		out := e.cmpRun(t, false, "-cmd", "ir", "-ref", ref, "-secret", "pass:WRONGCODE", "-newkey", key2, "-subject", "/CN=x", "-certout", e.write("wrong.crt", nil))
		if !strings.Contains(out, "AUTH_CODE_INVALID") || !strings.Contains(out, "badMessageCheck") {
			t.Errorf("wrong secret: want AUTH_CODE_INVALID and badMessageCheck in openssl's output:\n%s", out)
		}
	})
	var crCert *x509.Certificate
	t.Run("cr", func(t *testing.T) {
		ref, code := e.enroll()
		p := e.write("cr.crt", nil)
		e.cmpRun(t, true, "-cmd", "cr", "-ref", ref, "-secret", "pass:"+code, "-newkey", key2, "-subject", "/CN=x", "-certout", p)
		e.verify(t, p)
		crCert = e.readCert(p)
	})
	t.Run("p10cr", func(t *testing.T) {
		ref, code := e.enroll()
		csr := e.write("p10.csr", nil)
		testenv.RunOpenSSL(t, "req", "-new", "-key", key3, "-subj", "/CN=x", "-out", csr)
		p := e.write("p10.crt", nil)
		e.cmpRun(t, true, "-cmd", "p10cr", "-ref", ref, "-secret", "pass:"+code, "-csr", csr, "-certout", p)
		e.verify(t, p)
		if rec := e.record(t, e.readCert(p)); rec.ConfirmBy != nil {
			t.Errorf("p10cr certificate not confirmed: %+v", rec.ConfirmBy)
		}
	})
	t.Run("implicit confirm", func(t *testing.T) {
		ref, code := e.enroll()
		p := e.write("implicit.crt", nil)
		e.cmpRun(t, true, "-cmd", "ir", "-ref", ref, "-secret", "pass:"+code, "-newkey", key3, "-subject", "/CN=x", "-implicit_confirm", "-certout", p)
		if rec := e.record(t, e.readCert(p)); rec.ConfirmBy != nil || rec.Status != model.StatusValid {
			t.Errorf("implicitly confirmed certificate: %s, confirmBy %v", rec.Status, rec.ConfirmBy)
		}
	})
	t.Run("no certConf", func(t *testing.T) {
		ref, code := e.enroll()
		p := e.write("unconfirmed.crt", nil)
		e.cmpRun(t, true, "-cmd", "ir", "-ref", ref, "-secret", "pass:"+code, "-newkey", key3, "-subject", "/CN=x", "-disable_confirm", "-certout", p)
		c := e.readCert(p)
		if rec := e.record(t, c); rec.ConfirmBy == nil {
			t.Fatal("certificate issued without certConf does not await confirmation")
		}
		e.clock.Add(6 * time.Minute) // past cmp.confirm_wait
		if _, err := e.app.CA.RevokeUnconfirmed(ctx); err != nil {
			t.Fatal(err)
		}
		if rec := e.record(t, c); rec.Status != model.StatusRevoked {
			t.Errorf("unconfirmed certificate after the wait: %s, want revoked", rec.Status)
		}
	})
	t.Run("genm", func(t *testing.T) {
		out := e.cmpRun(t, true, "-cmd", "genm", "-unprotected_requests", "-subject", "/CN=anyone")
		if !strings.Contains(out, "1.3.6.1.5.5.7.4.17") && !strings.Contains(strings.ToLower(out), "cacerts") {
			t.Errorf("genm: no caCerts in the answer:\n%s", out)
		}
	})
	t.Run("kur outside the window", func(t *testing.T) {
		out := e.cmpRun(t, false, "-cmd", "kur", "-cert", irCert, "-key", key1, "-newkey", key2, "-certout", e.write("early.crt", nil))
		if !strings.Contains(out, "RENEWAL_WINDOW_NOT_OPEN") || !strings.Contains(out, "Renewal opens 30 days before expiry") {
			t.Errorf("kur outside the window: want the refusal's text in openssl's output:\n%s", out)
		}
	})
	t.Run("rr", func(t *testing.T) {
		if crCert == nil {
			t.Skip("cr failed")
		}
		crPath := e.write("cr.crt", pemCert(crCert))
		e.cmpRun(t, true, "-cmd", "rr", "-cert", crPath, "-key", key2, "-oldcert", crPath, "-revreason", "1")
		rec := e.record(t, crCert)
		if rec.Status != model.StatusRevoked || rec.Reason == nil || *rec.Reason != model.ReasonKeyCompromise {
			t.Errorf("after rr: status %s reason %v, want revoked keyCompromise", rec.Status, rec.Reason)
		}
		out := e.cmpRun(t, false, "-cmd", "rr", "-cert", crPath, "-key", key2, "-oldcert", crPath, "-revreason", "1")
		if !strings.Contains(out, "certRevoked") {
			t.Errorf("second rr: want certRevoked in openssl's output:\n%s", out)
		}
	})
	t.Run("kur inside the window", func(t *testing.T) {
		// The server's clock moves to 20 days before the ir certificate expires; the
		// client's own clock is untouched (the old certificate is valid for it too).
		e.clock.Add(ir.NotAfter.Sub(e.clock.Now()) - 20*24*time.Hour)
		p := e.write("renewed.crt", nil)
		e.cmpRun(t, true, "-cmd", "kur", "-cert", irCert, "-key", key1, "-newkey", key2, "-certout", p)
		renewed := e.readCert(p)
		if renewed.SerialNumber.Cmp(ir.SerialNumber) == 0 || !renewed.NotAfter.After(ir.NotAfter) {
			t.Errorf("renewed: serial %x notAfter %v; old %x %v", renewed.SerialNumber, renewed.NotAfter, ir.SerialNumber, ir.NotAfter)
		}
		if rec := e.record(t, ir); rec.Status != model.StatusReplaced {
			t.Errorf("old certificate after kur: %s, want replaced", rec.Status)
		}
		if rec := e.record(t, renewed); rec.ConfirmBy != nil || rec.Replaces.String() != model.Serial(ir.SerialNumber.Bytes()).String() {
			t.Errorf("renewed record: confirmBy %v replaces %s", rec.ConfirmBy, rec.Replaces)
		}
	})
}
