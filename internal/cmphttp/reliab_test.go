package cmphttp_test

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"encoding/asn1"
	"strings"
	"testing"
	"time"

	"github.com/certcenter/certcenter/cmp"
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
