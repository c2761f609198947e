package cmp_test

import (
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"time"

	"github.com/certcenter/certcenter/cmp"
)

func mustCert(path string) *x509.Certificate {
	b, _ := os.ReadFile(path)
	blk, _ := pem.Decode(b)
	c, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		panic(err)
	}
	return c
}

// A server answers an ir protected with the authorization code (PBM). Transport
// (POST /pkix/), the lookup of the code by reference number and issuance are the
// caller's; errors become an error message whose failInfo comes from FailureInfoOf.
func Example_serverEnrollment() {
	der, _ := os.ReadFile("testdata/openssl-3.0/ir_req.der")
	ca := mustCert("testdata/openssl-3.0/ca.crt")
	issued := mustCert("testdata/openssl-3.0/ee1.crt") // what the CA would issue
	now := time.Date(2026, 11, 23, 15, 29, 4, 0, time.UTC)
	opts := cmp.ReplyOptions{Sender: cmp.DirectoryName(ca.RawSubject), Time: now, Rand: rand.Reader}

	answer := func() (*cmp.Message, error) {
		req, err := cmp.Parse(der)
		if err != nil {
			return nil, err
		}
		ref := string(req.Header.SenderKID)           // the reference number
		secret := []byte("enroll-secret")             // looked up by ref, attempts counted
		if err := req.VerifyPBM(secret); err != nil { // constant time, iteration-capped
			return req, err
		}
		msg := &req.Body.CertReqs[0]
		if err := cmp.VerifyPOP(msg, false); err != nil {
			return req, err
		}
		pub, _ := msg.Template.ParsePublicKey()
		_ = pub // ... issue for ref with pub ...
		_ = ref
		body, _ := cmp.CertRepBody(cmp.BodyIP, []*x509.Certificate{ca}, cmp.Issued(msg.CertReqID, issued))
		opts.ImplicitConfirm = req.Header.ImplicitConfirm() // grant if asked (policy)
		opts.RandomNum = []byte("R drawn by the server")
		rsp, err := cmp.NewReply(req, body, opts)
		if err != nil {
			return req, err
		}
		p, _ := req.PBMParameter()
		p2, _ := p.WithNewSalt(rand.Reader)
		_, err = rsp.ProtectPBM(secret, p2)
		return rsp, err
	}

	rsp, err := answer()
	if err != nil {
		// In production: NewReply(req, ErrorBody(Rejection(FailureInfoOf(err), "..."))).
		fmt.Println("reject with", cmp.FailureInfoOf(err))
		return
	}
	fmt.Println(rsp.Body.Type, rsp.Body.CertRep.Responses[0].Status.Status)
	fmt.Println(rsp.VerifyPBM([]byte("enroll-secret")) == nil)
	// Output:
	// ip accepted
	// true
}
