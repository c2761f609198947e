package issuance

import (
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/certcenter/certcenter/internal/testenv"
)

func writePEM(t *testing.T, dir, name string, der []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestOpenSSL checks the issued chain and the byte layout with the openssl CLI, an
// independent parser and verifier.
func TestOpenSSL(t *testing.T) {
	testenv.OpenSSL(t)
	p := newTestPKI(t)
	der, err := p.issuer.Issue(honggildong(t))
	if err != nil {
		t.Fatal(err)
	}
	ocspDER, err := p.issuer.IssueOCSPResponder(CARequest{
		Serial:    testSerial(3),
		Subject:   CAName("kr", "certcenter", "AccreditedCA", "certcenterCA Demo Class 1 OCSP"),
		PublicKey: loadKey(t, "ocsp-rsa2048.key").Public(),
		NotBefore: p.ca.NotBefore, NotAfter: p.ca.NotBefore.AddDate(1, 0, 0),
	})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	root := writePEM(t, dir, "root.pem", p.root.Raw)
	ca := writePEM(t, dir, "ca.pem", p.ca.Raw)
	leaf := writePEM(t, dir, "leaf.pem", der)
	ocsp := writePEM(t, dir, "ocsp.pem", ocspDER)
	at := fmt.Sprint(testNow.Unix())

	for _, cert := range []string{leaf, ocsp} {
		out := testenv.RunOpenSSL(t, "verify", "-attime", at, "-CAfile", root, "-untrusted", ca, cert)
		if !strings.Contains(string(out), cert+": OK") {
			t.Errorf("openssl verify %s:\n%s", filepath.Base(cert), out)
		}
	}
	if out := testenv.RunOpenSSL(t, "verify", "-attime", at, "-CAfile", root, ca); !strings.Contains(string(out), ": OK") {
		t.Errorf("openssl verify ca.pem:\n%s", out)
	}

	// asn1parse: RDN order and string types; critical flags.
	parsed := string(testenv.RunOpenSSL(t, "asn1parse", "-in", leaf))
	subject := regexp.MustCompile(`(?s)UTCTIME\s+:260324150000Z.*?UTCTIME\s+:270324145959Z(.*?)rsaEncryption`).FindStringSubmatch(parsed)
	if subject == nil {
		t.Fatalf("asn1parse: no validity 260324150000Z to 270324145959Z (00:00:00 to 23:59:59 KST):\n%s", parsed)
	}
	want := []string{
		`countryName\s*\n.*PRINTABLESTRING\s+:kr`,
		`organizationName\s*\n.*UTF8STRING\s+:certcenter`,
		`organizationalUnitName\s*\n.*UTF8STRING\s+:personal4IB`,
		`organizationalUnitName\s*\n.*UTF8STRING\s+:WOORI`,
		`commonName\s*\n.*UTF8STRING\s+:` + regexp.QuoteMeta("홍길동()002004120260325002804005"),
	}
	rest := subject[1]
	for _, w := range want {
		loc := regexp.MustCompile(w).FindStringIndex(rest)
		if loc == nil {
			t.Fatalf("asn1parse subject: %q not found in order in:\n%s", w, subject[1])
		}
		rest = rest[loc[1]:]
	}
	if n := strings.Count(subject[1], "SET"); n != 5 {
		t.Errorf("asn1parse subject: %d SETs, want 5 (one per attribute)", n)
	}
	for _, ext := range []string{"X509v3 Key Usage", "X509v3 Certificate Policies"} {
		if !regexp.MustCompile(regexp.QuoteMeta(ext) + `\s*\n.*BOOLEAN\s+:255`).MatchString(parsed) {
			t.Errorf("asn1parse: %s is not critical", ext)
		}
	}
	for _, ext := range []string{"X509v3 Subject Alternative Name", "X509v3 CRL Distribution Points", "Authority Information Access"} {
		if regexp.MustCompile(regexp.QuoteMeta(ext) + `\s*\n.*BOOLEAN`).MatchString(parsed) {
			t.Errorf("asn1parse: %s is marked critical", ext)
		}
	}

	text := string(testenv.RunOpenSSL(t, "x509", "-in", leaf, "-noout", "-text"))
	for _, w := range []string{
		"Signature Algorithm: sha256WithRSAEncryption",
		// openssl verify above also matches the AKI's issuer and serial with the CA
		// certificate (X509_check_akid), so a wrong pair fails there.
		"DirName:/C=KR/O=KISA/OU=Korea Certification Authority Central/CN=certcenter Demo RootCA\n                serial:42:03:04:05:06:07:08:09:0A:0B:0C:0D:0E:0F:10:11:12:13:14:15",
		"Not Before: Mar 24 15:00:00 2026 GMT",
		"Not After : Mar 24 14:59:59 2027 GMT",
		"X509v3 Key Usage: critical\n                Digital Signature, Non Repudiation",
		"X509v3 Certificate Policies: critical\n                Policy: 1.2.410.200005.1.1.4",
		"CPS: http://localhost:8080/cps",
		"othername: 1.2.410.200004.10.1.1::",
		"URI:http://localhost:8080/crl/issuing/p7.crl",
		"OCSP - URI:http://localhost:8080/ocsp",
		"CA Issuers - URI:http://localhost:8080/pki/ca.crt",
		"Public-Key: (2048 bit)",
		"Exponent: 65537",
	} {
		if !strings.Contains(text, w) {
			t.Errorf("openssl x509 -text lacks %q:\n%s", w, text)
		}
	}
	ocspText := string(testenv.RunOpenSSL(t, "x509", "-in", ocsp, "-noout", "-text"))
	for _, w := range []string{"OCSP Signing", "OCSP No Check", "X509v3 Key Usage: critical\n                Digital Signature\n"} {
		if !strings.Contains(ocspText, w) {
			t.Errorf("OCSP responder certificate lacks %q:\n%s", w, ocspText)
		}
	}
	caText := string(testenv.RunOpenSSL(t, "x509", "-in", ca, "-noout", "-text"))
	for _, w := range []string{"CA:TRUE, pathlen:0", "Certificate Sign, CRL Sign", "Issuer: C = KR, O = KISA, OU = Korea Certification Authority Central, CN = certcenter Demo RootCA",
		"Subject: C = kr, O = certcenter, OU = AccreditedCA, CN = certcenterCA Demo Class 1"} {
		if !strings.Contains(caText, w) {
			t.Errorf("issuing CA certificate lacks %q:\n%s", w, caText)
		}
	}
}
