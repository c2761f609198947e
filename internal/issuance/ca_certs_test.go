package issuance

import (
	"bytes"
	"crypto/x509"
	"errors"
	"testing"
)

func TestCACertificates(t *testing.T) {
	p := newTestPKI(t)

	// Root: self-signed, cA without pathLen, keyCertSign+cRLSign, SKI, no AKI.
	if err := p.root.CheckSignatureFrom(p.root); err != nil {
		t.Errorf("root is not self-signed: %v", err)
	}
	if !p.root.BasicConstraintsValid || !p.root.IsCA || p.root.MaxPathLen != -1 {
		t.Errorf("root basicConstraints = %v %v %d, want cA without pathLen", p.root.BasicConstraintsValid, p.root.IsCA, p.root.MaxPathLen)
	}
	if p.root.KeyUsage != x509.KeyUsageCertSign|x509.KeyUsageCRLSign {
		t.Errorf("root KeyUsage = %v", p.root.KeyUsage)
	}
	if len(p.root.SubjectKeyId) != 20 || len(p.root.AuthorityKeyId) != 0 {
		t.Errorf("root SKI %x AKI %x", p.root.SubjectKeyId, p.root.AuthorityKeyId)
	}
	if got := p.root.Subject.String(); got != "CN=certcenter Demo RootCA,OU=Korea Certification Authority Central,O=KISA,C=KR" {
		t.Errorf("root subject = %q", got)
	}

	// Issuing CA: pathLen 0, AKI = root SKI, CRL DP and caIssuers of the root.
	ca := p.ca
	if err := ca.CheckSignatureFrom(p.root); err != nil {
		t.Errorf("issuing CA signature: %v", err)
	}
	if !ca.IsCA || ca.MaxPathLen != 0 || !ca.MaxPathLenZero {
		t.Errorf("issuing CA pathLen = %d (zero %v), want 0", ca.MaxPathLen, ca.MaxPathLenZero)
	}
	if ca.KeyUsage != x509.KeyUsageCertSign|x509.KeyUsageCRLSign {
		t.Errorf("issuing CA KeyUsage = %v", ca.KeyUsage)
	}
	if !bytes.Equal(ca.AuthorityKeyId, p.root.SubjectKeyId) {
		t.Errorf("issuing CA AKI %x, want %x", ca.AuthorityKeyId, p.root.SubjectKeyId)
	}
	if got := ca.CRLDistributionPoints; len(got) != 1 || got[0] != "http://localhost:8080/crl/root/p0.crl" {
		t.Errorf("issuing CA CRL DP = %q", got)
	}
	if got := ca.IssuingCertificateURL; len(got) != 1 || got[0] != "http://localhost:8080/pki/root.crt" {
		t.Errorf("issuing CA caIssuers = %q", got)
	}
	for _, e := range ca.Extensions {
		if e.Id.Equal(oidExtBasicConstraints) && !e.Critical || e.Id.Equal(oidExtKeyUsage) && !e.Critical {
			t.Errorf("issuing CA extension %v is not critical", e.Id)
		}
	}

	// OCSP responder.
	der, err := p.issuer.IssueOCSPResponder(CARequest{
		Serial:    testSerial(3),
		Subject:   CAName("kr", "certcenter", "AccreditedCA", "certcenterCA Demo Class 1 OCSP"),
		PublicKey: loadKey(t, "ocsp-rsa2048.key").Public(),
		NotBefore: ca.NotBefore, NotAfter: ca.NotBefore.AddDate(1, 0, 0),
	})
	if err != nil {
		t.Fatal(err)
	}
	o, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	if err := o.CheckSignatureFrom(ca); err != nil {
		t.Errorf("responder signature: %v", err)
	}
	if o.IsCA || o.BasicConstraintsValid || o.KeyUsage != x509.KeyUsageDigitalSignature {
		t.Errorf("responder IsCA %v KeyUsage %v", o.IsCA, o.KeyUsage)
	}
	if len(o.ExtKeyUsage) != 1 || o.ExtKeyUsage[0] != x509.ExtKeyUsageOCSPSigning {
		t.Errorf("responder EKU = %v", o.ExtKeyUsage)
	}
	nocheck := false
	for _, e := range o.Extensions {
		nocheck = nocheck || e.Id.Equal(oidExtOCSPNoCheck) && bytes.Equal(e.Value, []byte{5, 0}) && !e.Critical
	}
	if !nocheck {
		t.Error("responder lacks id-pkix-ocsp-nocheck (NULL, not critical)")
	}
	if n := p.caKey.n.Load(); n != 1 {
		t.Errorf("the issuing CA key signed %d times for one responder certificate", n)
	}
}

func TestCARefuses(t *testing.T) {
	p := newTestPKI(t)
	good := func() CARequest {
		return CARequest{
			Serial:    testSerial(9),
			Subject:   CAName("kr", "certcenter", "AccreditedCA", "x"),
			PublicKey: loadKey(t, "ocsp-rsa2048.key").Public(),
			NotBefore: p.ca.NotBefore, NotAfter: p.ca.NotBefore.AddDate(1, 0, 0),
		}
	}
	tests := []struct {
		name   string
		edit   func(*CARequest)
		target error
	}{
		{"RSA-1024", func(r *CARequest) { r.PublicKey = loadKey(t, "subscriber-rsa1024.key").Public() }, ErrKeyTooWeak},
		{"bad serial", func(r *CARequest) { r.Serial = r.Serial[:8] }, ErrBadSerial},
		{"beyond the issuer", func(r *CARequest) { r.NotAfter = p.root.NotAfter.AddDate(1, 0, 0) }, nil},
		{"inverted validity", func(r *CARequest) { r.NotBefore, r.NotAfter = r.NotAfter, r.NotBefore }, nil},
		{"empty subject", func(r *CARequest) { r.Subject = nil }, nil},
	}
	for _, tt := range tests {
		req := good()
		tt.edit(&req)
		if _, err := p.rootIssuer.IssueIntermediate(req); err == nil || tt.target != nil && !errors.Is(err, tt.target) {
			t.Errorf("%s: IssueIntermediate = %v, want %v", tt.name, err, tt.target)
		}
	}
	if _, err := SelfSignRoot(loadKey(t, "subscriber-rsa1024.key"), CARequest{Serial: testSerial(1), Subject: CAName("KR", "o", "", "r"),
		NotBefore: p.root.NotBefore, NotAfter: p.root.NotAfter}, testLinter(t)); !errors.Is(err, ErrKeyTooWeak) {
		t.Errorf("SelfSignRoot(RSA-1024) = %v, want ErrKeyTooWeak", err)
	}
	if n := p.rootKey.n.Load(); n != 0 {
		t.Errorf("refused CA requests made the root key sign %d times", n)
	}
}

// An ECDSA issuing CA signs with ecdsa-with-SHA256; subscribers stay RSA.
func TestECDSAIssuingCA(t *testing.T) {
	p := newTestPKI(t)
	key := &countingSigner{Signer: loadKey(t, "ca-p256.key")}
	der, err := p.rootIssuer.IssueIntermediate(CARequest{
		Serial:    testSerial(4),
		Subject:   CAName("kr", "certcenter", "AccreditedCA", "certcenterCA Demo EC"),
		PublicKey: key.Public(),
		NotBefore: p.ca.NotBefore, NotAfter: p.ca.NotAfter,
	})
	if err != nil {
		t.Fatal(err)
	}
	ecCA, _ := x509.ParseCertificate(der)
	iss, err := New(Config{ID: "issuing-ec", Cert: ecCA, Signer: key, Profile: testProfile(), Linter: testLinter(t)})
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := iss.Issue(honggildong(t))
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(leaf)
	if c.SignatureAlgorithm != x509.ECDSAWithSHA256 {
		t.Errorf("SignatureAlgorithm = %v, want ECDSAWithSHA256", c.SignatureAlgorithm)
	}
	if err := c.CheckSignatureFrom(ecCA); err != nil {
		t.Errorf("CheckSignatureFrom = %v", err)
	}
	if n := key.n.Load(); n != 1 {
		t.Errorf("the EC key signed %d times, want 1", n)
	}
	prof := iss.profile
	lintFinal(t, leaf, true, &prof)
	lintFinal(t, der, false, nil)
}
