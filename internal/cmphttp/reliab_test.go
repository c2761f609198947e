package cmphttp_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"encoding/asn1"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/certcenter/certcenter/cmp"
	"github.com/certcenter/certcenter/internal/cmphttp"
	"github.com/certcenter/certcenter/internal/model"
)

// TestWeakPOPRefused: a POP signed with SHA-1 is refused as a SHA-1 CSR is over REST.
func TestWeakPOPRefused(t *testing.T) {
	e := newEnv(t)
	ref, code := e.enroll()
	key := testKey(t, 0)
	var m cmp.CertReqMsg
	if err := m.SignPOP(key, rand.Reader); err != nil {
		t.Fatal(err)
	}
	h := sha1.Sum(m.RawCertReq)
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA1, h[:])
	if err != nil {
		t.Fatal(err)
	}
	m.POP.Signature.Algorithm = cmp.AlgorithmIdentifier{Algorithm: asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 5}, Parameters: []byte{5, 0}}
	m.POP.Signature.Signature = sig
	body, err := cmp.CertReqBody(cmp.BodyIR, m)
	if err != nil {
		t.Fatal(err)
	}
	req, err := cmp.NewRequest(body, cmp.RequestOptions{ReplyOptions: cmp.ReplyOptions{
		SenderKID: []byte(ref), Time: time.Now(), Rand: rand.Reader}})
	if err != nil {
		t.Fatal(err)
	}
	rsp := e.post(t, e.srv.Client(), pbm(t, req, code))
	if rsp.Body.Type != cmp.BodyError || !strings.HasPrefix(rsp.Body.Error.Status.StatusString[0], "CSR_WEAK_SIGNATURE") {
		t.Fatalf("SHA-1 POP answered %s, want CSR_WEAK_SIGNATURE", errorText(rsp))
	}
	// The code was right: the enrollment is still there for a proper request.
	rsp = e.post(t, e.srv.Client(), pbm(t, certReq(t, ref, code, key, irOptions{implicit: true}), code))
	issued(t, rsp)
}

// TestEnrollAgainAfterLostAnswer: the ip of an ir is lost after the certificate was
// issued; the same ir again (a new transaction, or the same message resent) gets the
// same certificate and R, which the certConf then confirms; another key is refused.
func TestEnrollAgainAfterLostAnswer(t *testing.T) {
	e := newEnv(t)
	c := e.srv.Client()
	ref, code := e.enroll()
	first := e.post(t, c, pbm(t, certReq(t, ref, code, testKey(t, 0), irOptions{}), code))
	cert := issued(t, first)
	r1, _, _ := first.Header.RandomNum()

	// A new transaction (as openssl cmp run again does).
	again := e.post(t, c, pbm(t, certReq(t, ref, code, testKey(t, 0), irOptions{}), code))
	cert2 := issued(t, again)
	r2, found, _ := again.Header.RandomNum()
	if !bytes.Equal(cert.Raw, cert2.Raw) || !found || !bytes.Equal(r1, r2) {
		t.Fatalf("the ir again got another certificate or R (same %v, R %x vs %x)", bytes.Equal(cert.Raw, cert2.Raw), r1, r2)
	}
	if err := again.VerifyPBM([]byte(code)); err != nil {
		t.Errorf("the answer again is not MACed with the code: %v", err)
	}
	// The same message resent within its transaction.
	req := certReq(t, ref, code, testKey(t, 0), irOptions{})
	der := pbm(t, req, code)
	_ = e.post(t, c, der) // lost
	resent := e.post(t, c, der)
	if !bytes.Equal(issued(t, resent).Raw, cert.Raw) {
		t.Fatal("the resent ir got another certificate")
	}
	if pc := e.post(t, c, certConf(t, resent, ref, code, cert)); pc.Body.Type != cmp.BodyPKIConf {
		t.Fatalf("certConf of the resent ir's answer: %s", errorText(pc))
	}
	if rec := e.record(t, cert); rec.ConfirmBy != nil || rec.Status != model.StatusValid {
		t.Errorf("after certConf: %s, confirmBy %v", rec.Status, rec.ConfirmBy)
	}
	// Confirmed already: another ir is answered, and its certConf too.
	late := e.post(t, c, pbm(t, certReq(t, ref, code, testKey(t, 0), irOptions{}), code))
	if pc := e.post(t, c, certConf(t, late, ref, code, issued(t, late))); pc.Body.Type != cmp.BodyPKIConf {
		t.Errorf("certConf after the confirmation: %s", errorText(pc))
	}

	// Another key, or another R, is refused.
	for name, der := range map[string][]byte{
		"another key": pbm(t, certReq(t, ref, code, testKey(t, 1), irOptions{}), code),
		"another R":   pbm(t, certReq(t, ref, code, testKey(t, 0), irOptions{r: bytes.Repeat([]byte{1}, 20)}), code),
	} {
		rsp := e.post(t, c, der)
		if rsp.Body.Type != cmp.BodyError || !strings.HasPrefix(rsp.Body.Error.Status.StatusString[0], "ENROLLMENT_USED") {
			t.Errorf("%s: %s, want ENROLLMENT_USED", name, errorText(rsp))
		}
	}
}

// TestBadMACsRateLimited: after 5 bad MACs on one reference, the client gets HTTP 429
// with Retry-After and a PKIMessage saying RATE_LIMITED, also for the right code.
func TestBadMACsRateLimited(t *testing.T) {
	e := newEnv(t)
	c := e.srv.Client()
	ref, code := e.enroll()
	for i := 1; i <= 5; i++ {
		e.post(t, c, pbm(t, certReq(t, ref, "WRONG", testKey(t, 0), irOptions{}), "WRONG"))
	}
	resp, err := c.Post(e.srv.URL+"/pkix/", cmphttp.ContentType, bytes.NewReader(pbm(t, certReq(t, ref, code, testKey(t, 0), irOptions{}), code)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("6th ir = %d, Retry-After %q; want 429 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	m, err := cmp.Parse(body)
	if err != nil || m.Body.Type != cmp.BodyError || !strings.HasPrefix(m.Body.Error.Status.StatusString[0], "RATE_LIMITED") {
		t.Errorf("6th ir's PKIMessage: %v %v", err, m)
	}
}

// TestEnrollAgainAfterTheConfirmationWait: a client whose ip was lost for longer than
// the confirmation wait finds its certificate revoked, and its enrollment usable again.
func TestEnrollAgainAfterTheConfirmationWait(t *testing.T) {
	e := newEnv(t)
	c := e.srv.Client()
	ref, code := e.enroll()
	first := issued(t, e.post(t, c, pbm(t, certReq(t, ref, code, testKey(t, 0), irOptions{}), code)))
	e.clock.Add(6 * time.Minute) // past cmp.confirm_wait (5 minutes)
	if n, err := e.app.CA.RevokeUnconfirmed(context.Background()); err != nil || n != 1 {
		t.Fatalf("RevokeUnconfirmed = %d, %v, want 1", n, err)
	}
	rsp := e.post(t, c, pbm(t, certReq(t, ref, code, testKey(t, 0), irOptions{implicit: true}), code))
	second := issued(t, rsp)
	if bytes.Equal(first.Raw, second.Raw) {
		t.Error("the revoked certificate was answered again")
	}
	if rec := e.record(t, second); rec.Status != model.StatusValid {
		t.Errorf("new certificate: %s", rec.Status)
	}
}
