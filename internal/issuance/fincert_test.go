package issuance

import (
	"crypto/x509"
	"encoding/asn1"
	"strings"
	"testing"

	"github.com/certcenter/certcenter/internal/model"
)

// TestIssueFinCert: the financial certificate's profile (KOREAN-PKI.md sections 6 and 9):
// OU=personalF, policy <arc>.1.10, three years aligned to KST days, every lint passing.
// Before the fincert row of the kind table existed, Issue refused the usage.
func TestIssueFinCert(t *testing.T) {
	p := newTestPKI(t)
	req := honggildong(t)
	req.Usage = model.FinCert
	req.NotBefore, req.NotAfter = ValidityFrom(testNow, FinCertYears)
	der, err := p.issuer.Issue(req)
	if err != nil {
		t.Fatalf("Issue(fincert) = %v", err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Subject.OrganizationalUnit; len(got) != 2 || got[0] != "personalF" || got[1] != "WOORI" {
		t.Errorf("OU = %q, want [personalF WOORI]", got)
	}
	want := append(append(asn1.ObjectIdentifier{}, DefaultPolicyArc...), 1, 10)
	if len(c.PolicyIdentifiers) != 1 || !c.PolicyIdentifiers[0].Equal(want) {
		t.Errorf("policies = %v, want %v", c.PolicyIdentifiers, want)
	}
	if want := "1.2.410.200005.1.1.1.10"; want != c.PolicyIdentifiers[0].String() {
		t.Errorf("policy = %s, want yessign's %s", c.PolicyIdentifiers[0], want)
	}
	if y := c.NotAfter.In(kst).Year() - c.NotBefore.In(kst).Year(); y != 3 {
		t.Errorf("validity spans %d years, want 3", y)
	}
	if !strings.Contains(c.Subject.CommonName, "()0020"+finCertCode+"1") {
		t.Errorf("CN %q does not carry the fincert kind code %s", c.Subject.CommonName, finCertCode)
	}
	// A joint certificate may still not run three years.
	req.Usage = model.Banking
	if _, err := p.issuer.Issue(req); err == nil {
		t.Error("Issue(banking, 3 years) = nil error, want the validity bound")
	}
	// Corporate financial certificates are not in the table (yessign's business kinds come later).
	req.Usage, req.Kind = model.FinCert, model.Corporate
	if _, err := p.issuer.Issue(req); err == nil {
		t.Error("Issue(corporate fincert) = nil error, want unknown kind")
	}
}
