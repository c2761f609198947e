package model_test

import (
	"crypto/x509"
	"os"
	"testing"

	"github.com/certcenter/certcenter/internal/model"
)

// The yessign test certificate's two OUs are two RDNs, and show as two, in RFC 4514
// order (last RDN first).
func TestSubjectStringKeepsTheRDNs(t *testing.T) {
	raw, err := os.ReadFile("../../npki/testdata/yessign-test/signCert.der")
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(raw)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := model.SubjectString(c), "CN=HKD(KILDONG.HONG)009104120200225191000030,OU=INITECH,OU=personal4IB,O=yessign,C=kr"; got != want {
		t.Errorf("SubjectString = %q, want %q (pkix.Name gives %q)", got, want, c.Subject.String())
	}
	if got, want := model.IssuerString(c), "CN=yessignCA-Test Class 4,OU=AccreditedCA,O=yessign,C=kr"; got != want {
		t.Errorf("IssuerString = %q, want %q", got, want)
	}
	// A subject that does not decode as a Name: the parsed form, not nothing.
	c.RawSubject = []byte{0x30, 0x03, 0x02, 0x01}
	if model.SubjectString(c) != c.Subject.String() {
		t.Error("an undecodable subject does not fall back to the parsed one")
	}
}
