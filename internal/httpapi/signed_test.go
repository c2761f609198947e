package httpapi

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"testing"

	"github.com/certcenter/certcenter/internal/errs"
)

func testCSR(t testing.TB) string {
	k, err := rsa.GenerateKey(rand.Reader, 1024) // parsing only; never issued
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "x"}}, k)
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}))
}

func TestSignedRequestParsing(t *testing.T) {
	csr := testCSR(t)
	sig := base64.StdEncoding.EncodeToString([]byte("signature bytes"))
	if p, err := (renewalRequest{CSR: csr, Signature: sig, RandomNum: "7858b4328390805129f01c97fe6ca4a520cbd479"}).parse(); err != nil || len(p.r) != 20 || string(p.sig) != "signature bytes" {
		t.Errorf("renewal parse = %v", err)
	}
	for _, tc := range []struct {
		name string
		req  renewalRequest
		code errs.Code
	}{
		{"no signature", renewalRequest{CSR: csr}, errs.BadRequest},
		{"bad CSR", renewalRequest{CSR: "x", Signature: sig}, errs.CSRInvalid},
		{"bad signature", renewalRequest{CSR: csr, Signature: "!!"}, errs.HolderSignatureInvalid},
		{"short R", renewalRequest{CSR: csr, Signature: sig, RandomNum: "00"}, errs.RandomNumInvalid},
	} {
		if _, err := tc.req.parse(); errs.CodeOf(err) != tc.code {
			t.Errorf("%s: %v, want %s", tc.name, err, tc.code)
		}
	}
	if p, err := (revocationRequest{Reason: "keyCompromise", InvalidityDate: "2026-03-01T00:00:00+09:00", Signature: sig}).parse(true); err != nil || p.reason != 1 || p.invalidity == nil {
		t.Errorf("revocation parse = %+v, %v", p, err)
	}
	if _, err := (revocationRequest{Reason: "keyCompromise"}).parse(true); errs.CodeOf(err) != errs.Unauthenticated {
		t.Errorf("holder revocation without signature = %v", err)
	}
	if _, err := (revocationRequest{Reason: "bored"}).parse(false); errs.CodeOf(err) != errs.RevocationReasonInvalid {
		t.Errorf("unknown reason = %v", err)
	}
	if _, err := (certificateProof{Certificate: "AAAA", Signature: sig, RandomNum: "7858b4328390805129f01c97fe6ca4a520cbd479"}).parse(); err != nil {
		t.Errorf("proof with base64 DER = %v", err)
	}
	if _, err := (certificateProof{Certificate: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\nextra", Signature: sig, RandomNum: "00"}).parse(); errs.CodeOf(err) != errs.BadRequest {
		t.Errorf("PEM with trailing data = %v", err)
	}
}

// The decoders of holder-signed requests and presented certificates never panic and
// return only coded errors.
func FuzzRenewalRequest(f *testing.F) {
	f.Add([]byte(`{"csr":"-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n","signature":"c2ln","randomNum":"00112233445566778899aabbccddeeff00112233"}`))
	f.Add([]byte(`{"csr":"","signature":""}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var req renewalRequest
		if json.Unmarshal(data, &req) != nil {
			return
		}
		if _, err := req.parse(); err != nil && errs.CodeOf(err) == errs.Internal {
			t.Fatalf("uncoded error %v", err)
		}
	})
}

func FuzzRevocationRequest(f *testing.F) {
	f.Add([]byte(`{"reason":"keyCompromise","invalidityDate":"2026-03-01T00:00:00Z","signature":"c2ln"}`), true)
	f.Add([]byte(`{"reason":"6"}`), false)
	f.Fuzz(func(t *testing.T, data []byte, holder bool) {
		var req revocationRequest
		if json.Unmarshal(data, &req) != nil {
			return
		}
		if _, err := req.parse(holder); err != nil && errs.CodeOf(err) == errs.Internal {
			t.Fatalf("uncoded error %v", err)
		}
	})
}

func FuzzCertificateProof(f *testing.F) {
	f.Add([]byte(`{"certificate":"-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----","chain":["MAA="],"signature":"c2ln","randomNum":"00112233445566778899aabbccddeeff00112233"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var p certificateProof
		if json.Unmarshal(data, &p) != nil {
			return
		}
		if _, err := p.parse(); err != nil && errs.CodeOf(err) == errs.Internal {
			t.Fatalf("uncoded error %v", err)
		}
	})
}
