package ca

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/issuance"
)

// FuzzCeremonyInputs: what crosses the air gap (the issuing CA's request to the
// offline machine, the root certificate back to the server) is outside input.
// checkIssuingCSR and checkRoot refuse anything malformed with their stable codes and
// never panic.
func FuzzCeremonyInputs(f *testing.F) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		f.Fatal(err)
	}
	csr, err := issuance.CreateCSR(key, issuance.CAName("kr", "certcenter", "AccreditedCA", "certcenterCA Class 1"))
	if err != nil {
		f.Fatal(err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "root"}, NotBefore: now.Add(-time.Hour),
		NotAfter: now.Add(time.Hour), IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}
	root, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(csr)
	f.Add(root)
	f.Add(csr[:len(csr)/2])
	f.Fuzz(func(t *testing.T, der []byte) {
		if _, _, err := checkIssuingCSR(der); err != nil {
			if c := errs.CodeOf(err); c != errs.CACSRInvalid && c != errs.CACSRSignatureInvalid {
				t.Fatalf("checkIssuingCSR refused with %s: %v", c, err)
			}
		}
		if _, err := checkRoot(der, now); err != nil && errs.CodeOf(err) != errs.RootCertInvalid {
			t.Fatalf("checkRoot refused with %s: %v", errs.CodeOf(err), err)
		}
	})
}
