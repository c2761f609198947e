package issuance

import (
	"bytes"
	"crypto/x509"
	"math/big"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/model"
	"golang.org/x/crypto/ocsp"
)

func newTestResponder(t *testing.T, p *testPKI) (*Responder, *countingSigner) {
	t.Helper()
	key := &countingSigner{Signer: loadKey(t, "ocsp-rsa2048.key")}
	nb, na := ValidityFrom(testNow, 2)
	der, err := p.issuer.IssueOCSPResponder(CARequest{Serial: testSerial(5),
		Subject:   CAName("kr", "certcenter", "AccreditedCA", "certcenterCA Demo Class 1 OCSP"),
		PublicKey: key.Public(), NotBefore: nb, NotAfter: na})
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	r, err := NewResponder(ResponderConfig{Cert: cert, Issuer: p.ca, Signer: key})
	if err != nil {
		t.Fatalf("NewResponder() = %v", err)
	}
	return r, key
}

func TestSignOCSP(t *testing.T) {
	p := newTestPKI(t)
	r, key := newTestResponder(t, p)
	leafSerial := testSerial(20)
	req, err := ocsp.CreateRequest(&x509.Certificate{SerialNumber: new(big.Int).SetBytes(leafSerial)}, p.ca, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The CertID is the request's TBSRequest.requestList[0].reqCert: take it from a
	// parsed request the way internal/revocation does, here by re-encoding.
	parsed, _ := ocsp.ParseRequest(req)
	certID := certIDFor(t, parsed)
	now := testNow.UTC().Truncate(time.Second)
	reason := model.ReasonKeyCompromise
	for _, tc := range []struct {
		name   string
		single OCSPSingle
		want   int
	}{
		{"good", OCSPSingle{Status: OCSPGood}, ocsp.Good},
		{"revoked", OCSPSingle{Status: OCSPRevoked, RevokedAt: now.Add(-time.Hour), Reason: &reason}, ocsp.Revoked},
		{"unknown", OCSPSingle{Status: OCSPUnknown}, ocsp.Unknown},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.single
			s.CertID, s.ThisUpdate, s.NextUpdate = certID, now, now.Add(24*time.Hour)
			before := key.n.Load()
			der, err := r.SignOCSP(OCSPTemplate{ProducedAt: now, Responses: []OCSPSingle{s}, Nonce: []byte{4, 2, 1, 2}})
			if err != nil {
				t.Fatalf("SignOCSP() = %v", err)
			}
			if n := key.n.Load() - before; n != 1 {
				t.Errorf("SignOCSP used the key %d times, want 1", n)
			}
			resp, err := ocsp.ParseResponseForCert(der, &x509.Certificate{SerialNumber: new(big.Int).SetBytes(leafSerial)}, p.ca)
			if err != nil {
				t.Fatalf("ParseResponse() = %v", err)
			}
			if resp.Status != tc.want || !resp.ThisUpdate.Equal(now) || !resp.NextUpdate.Equal(now.Add(24*time.Hour)) {
				t.Errorf("status %d thisUpdate %v nextUpdate %v", resp.Status, resp.ThisUpdate, resp.NextUpdate)
			}
			if resp.Certificate == nil || !resp.Certificate.Equal(r.Certificate()) {
				t.Error("the response does not carry the responder certificate")
			}
			if tc.want == ocsp.Revoked && (resp.RevocationReason != ocsp.KeyCompromise || !resp.RevokedAt.Equal(now.Add(-time.Hour))) {
				t.Errorf("revoked at %v reason %d", resp.RevokedAt, resp.RevocationReason)
			}
			// crypto/ocsp does not expose responseExtensions: look for the encoded extension.
			ext := []byte{0x30, 0x11, 0x06, 0x09, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x02, 0x04, 0x04, 4, 2, 1, 2}
			if !bytes.Contains(der, ext) {
				t.Error("the nonce was not echoed")
			}
		})
	}
}

func TestNewResponderRefuses(t *testing.T) {
	p := newTestPKI(t)
	r, _ := newTestResponder(t, p)
	if _, err := NewResponder(ResponderConfig{Cert: p.ca, Issuer: p.root, Signer: loadKey(t, "ca-rsa2048.key")}); err == nil {
		t.Error("NewResponder(CA certificate without OCSPSigning) = nil error")
	}
	if _, err := NewResponder(ResponderConfig{Cert: r.Certificate(), Issuer: p.root, Signer: loadKey(t, "ocsp-rsa2048.key")}); err == nil {
		t.Error("NewResponder(wrong issuer) = nil error")
	}
	if _, err := NewResponder(ResponderConfig{Cert: r.Certificate(), Issuer: p.ca, Signer: loadKey(t, "ca-rsa2048.key")}); err == nil {
		t.Error("NewResponder(wrong key) = nil error")
	}
}
