package issuance

import (
	"bytes"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"strings"
	"testing"
)

// TestCreateCSR: the CA request carries the subject byte for byte as DN.Marshal writes
// it (PrintableString "kr", UTF8String elsewhere), the key, and a SHA-256 signature
// that verifies; a key too weak for a CA is refused before anything is signed.
func TestCreateCSR(t *testing.T) {
	key := loadKey(t, "ca-rsa2048.key")
	dn := CAName("kr", "certcenter", "AccreditedCA", "certcenterCA Class 1")
	der, err := CreateCSR(key, dn)
	if err != nil {
		t.Fatalf("CreateCSR: %v", err)
	}
	csr, err := x509.ParseCertificateRequest(der)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := dn.Marshal()
	if !bytes.Equal(csr.RawSubject, want) {
		t.Errorf("CreateCSR subject = %x, want %x", csr.RawSubject, want)
	}
	if err := csr.CheckSignature(); err != nil || csr.SignatureAlgorithm != x509.SHA256WithRSA {
		t.Errorf("CreateCSR signature = %v %v, want a verifying SHA256-RSA", csr.SignatureAlgorithm, err)
	}
	if !publicKeyEqual(csr.PublicKey, key.Public()) {
		t.Error("CreateCSR: the request carries another key")
	}
	if _, err := CreateCSR(loadKey(t, "subscriber-rsa1024.key"), dn); !errors.Is(err, ErrKeyTooWeak) {
		t.Errorf("CreateCSR(RSA-1024) = %v, want ErrKeyTooWeak", err)
	}
}

// TestCheckIntermediate: what IssueIntermediate makes passes; a certificate from
// another root, or one with any part of the profile changed, is refused and named.
func TestCheckIntermediate(t *testing.T) {
	p := newTestPKI(t)
	l := testLinter(t)
	rootCfg := Config{ID: "root", Cert: p.root, Profile: testProfile(), CertURL: "http://localhost:8080/pki/root.crt", Linter: l}
	if _, err := CheckIntermediate(rootCfg, p.ca.Raw); err != nil {
		t.Fatalf("CheckIntermediate(IssueIntermediate's certificate) = %v, want nil", err)
	}
	if p.rootKey.n.Load() != 0 {
		t.Error("CheckIntermediate used the root key")
	}

	// The same profile under another base URL: the CRL DP differs.
	other := testProfile()
	other.BaseURL = "http://elsewhere.example:8080"
	otherCfg := rootCfg
	otherCfg.Profile, otherCfg.CertURL = other, other.BaseURL+"/pki/root.crt"

	// A second root with the same name and another key.
	otherRootKey := loadKey(t, "ocsp-rsa2048.key")
	nb, na := ValidityFrom(testNow.AddDate(0, -1, 0), 20)
	otherRootDER, err := SelfSignRoot(otherRootKey, CARequest{Serial: testSerial(9),
		Subject:   CAName("KR", "KISA", "Korea Certification Authority Central", "certcenter Demo RootCA"),
		NotBefore: nb, NotAfter: na}, l)
	if err != nil {
		t.Fatal(err)
	}
	otherRoot, _ := x509.ParseCertificate(otherRootDER)

	// Certificates signed by the root key outside this package's profile.
	stdlib := func(edit func(*x509.Certificate)) []byte {
		tmpl := &x509.Certificate{
			SerialNumber: new(big.Int).SetBytes(testSerial(7)), Subject: pkix.Name{Country: []string{"kr"}, Organization: []string{"certcenter"}, CommonName: "x"},
			NotBefore: p.ca.NotBefore, NotAfter: p.ca.NotAfter,
			BasicConstraintsValid: true, IsCA: true, MaxPathLen: 0, MaxPathLenZero: true,
			KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
			CRLDistributionPoints: []string{"http://localhost:8080/crl/root/p0.crl"},
			IssuingCertificateURL: []string{"http://localhost:8080/pki/root.crt"},
		}
		if edit != nil {
			edit(tmpl)
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, p.root, p.caKey.Public(), p.rootKey.Signer)
		if err != nil {
			t.Fatal(err)
		}
		return der
	}
	// Certificates signed through this package with one extension changed.
	edited := func(n int, e extension) []byte {
		spki, _ := marshalSPKI(p.caKey.Public())
		skid, _ := subjectKeyID(spki)
		exts := p.rootIssuer.intermediateExts(skid)
		exts[n] = e
		subject, _ := CAName("kr", "certcenter", "AccreditedCA", "certcenterCA Demo Class 1").Marshal()
		der, err := p.rootIssuer.signCA(CARequest{Serial: testSerial(8), NotBefore: p.ca.NotBefore, NotAfter: p.ca.NotAfter}, subject, spki, exts)
		if err != nil {
			t.Fatal(err)
		}
		return der
	}
	for _, tc := range []struct {
		name string
		cfg  Config
		der  []byte
		want error
		says string
	}{
		{"another root's configuration", Config{ID: "root", Cert: otherRoot, Profile: testProfile(), Linter: l}, p.ca.Raw, ErrNotIssuedBy, "not signed"},
		{"another base URL", otherCfg, p.ca.Raw, ErrProfile, "cRLDistributionPoints"},
		{"no path length (a CA that could certify CAs)", rootCfg, edited(3, extBasicConstraints(-1)), ErrProfile, "basicConstraints differs"},
		{"key usage with digitalSignature", rootCfg, edited(2, extKeyUsage(kuDigitalSignature, kuKeyCertSign, kuCRLSign)), ErrProfile, "keyUsage differs"},
		{"AKI of the key identifier alone", rootCfg, edited(0, extAKI(p.root.SubjectKeyId, nil, nil)), ErrProfile, "authorityKeyIdentifier differs"},
		{"the standard library's layout", rootCfg, stdlib(nil), ErrProfile, "extension"},
		{"beyond the root's validity", rootCfg, stdlib(func(c *x509.Certificate) { c.NotAfter = p.root.NotAfter.AddDate(1, 0, 0) }), ErrProfile, "validity"},
		{"not a certificate", rootCfg, []byte("junk"), ErrProfile, "parse"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := CheckIntermediate(tc.cfg, tc.der)
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.says) {
				t.Errorf("CheckIntermediate = %v, want %v naming %q", err, tc.want, tc.says)
			}
		})
	}
	// A damaged signature: same bytes, last signature byte flipped.
	bad := bytes.Clone(p.ca.Raw)
	bad[len(bad)-1] ^= 1
	if _, err := CheckIntermediate(rootCfg, bad); !errors.Is(err, ErrNotIssuedBy) {
		t.Errorf("CheckIntermediate(damaged signature) = %v, want ErrNotIssuedBy", err)
	}
}
