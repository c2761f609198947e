package issuance

import (
	"encoding/asn1"
	"testing"

	"github.com/zmap/zlint/v3/lint"

	zx509 "github.com/zmap/zcrypto/x509"
)

// lintFinal lints a signed certificate (the real signature, not the lint copy) and
// fails on any finding at all: every certificate a test issues must be clean. It runs
// the full RFC 5280 set, also on subscriber certificates, so the lints the subscriber
// set leaves out (notInSubscriberProfile) are shown not to apply.
func lintFinal(t *testing.T, der []byte, subscriber bool, p *Profile) {
	t.Helper()
	c, err := zx509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	fs := testLinter(t).run(c)
	if subscriber {
		for _, zl := range testLinter(t).lints {
			if r := zl.Execute(c, testLinter(t).cfg); r.Status != lint.NA && !inSubscriberSet(zl.Name) {
				t.Errorf("%s: lint %s left out of the subscriber set applies (%s)", c.Subject.CommonName, zl.Name, r.Status)
			}
		}
		fs = append(fs, runKoreanLints(c, p, nil)...)
	}
	for _, f := range fs {
		t.Errorf("%s: %s", c.Subject.CommonName, f)
	}
}

func TestLintCleanCertificates(t *testing.T) {
	p := newTestPKI(t)
	prof := p.issuer.profile
	lintFinal(t, p.root.Raw, false, nil)
	lintFinal(t, p.ca.Raw, false, nil)
	ocsp, err := p.issuer.IssueOCSPResponder(CARequest{
		Serial:    testSerial(3),
		Subject:   CAName("kr", "certcenter", "AccreditedCA", "certcenterCA Demo Class 1 OCSP"),
		PublicKey: loadKey(t, "ocsp-rsa2048.key").Public(),
		NotBefore: p.ca.NotBefore, NotAfter: p.ca.NotBefore.AddDate(1, 0, 0),
	})
	if err != nil {
		t.Fatal(err)
	}
	lintFinal(t, ocsp, false, nil)
	for _, k := range kindTable {
		req := honggildong(t)
		req.Kind, req.Usage = k.kind, k.usage
		prep, err := p.issuer.Prepare(req)
		if err != nil {
			t.Fatal(err)
		}
		if len(prep.Findings()) != 0 {
			t.Errorf("Prepare(%s, %s) findings %v, want none", k.kind, k.usage, prep.Findings())
		}
		der, err := p.issuer.Sign(prep)
		if err != nil {
			t.Fatal(err)
		}
		lintFinal(t, der, true, &prof)
	}
}

// Every exclusion names a lint that exists, so exclusions cannot go stale silently.
func TestZlintExclusionsExist(t *testing.T) {
	for name, why := range zlintExcluded {
		l := lint.GlobalRegistry().ByName(name)
		if l == nil {
			t.Errorf("excluded lint %s (%s) is not registered", name, why)
		} else if l.Source != lint.RFC5280 {
			t.Errorf("excluded lint %s has source %s, not RFC 5280", name, l.Source)
		}
	}
	ca, sub := testLinter(t).Len()
	if ca < 100 || sub < 50 {
		t.Errorf("only %d RFC 5280 lints registered (%d for subscribers)", ca, sub)
	}
	t.Logf("%d zlint RFC 5280 lints (%d for subscribers), %d excluded, %d Korean lints", ca, sub, len(zlintExcluded), len(koreanLints))
}

// The Korean lints agree with the real yessign certificate wherever its layout is the one
// this project writes (the 24 CN digits, the AKI with issuer and serial among them); they
// reject what it does differently (a name in the CN's parentheses, an LDAP CRL DP, an
// AIA without caIssuers).
func TestKoreanLintsOnYessign(t *testing.T) {
	c, err := zx509.ParseCertificate(yessignCert(t).Raw)
	if err != nil {
		t.Fatal(err)
	}
	prof := Profile{Organization: "yessign", PolicyArc: asn1.ObjectIdentifier{1, 2, 410, 200005, 1, 1},
		BaseURL: "http://snoopy.yessign.or.kr:4612", CPSURI: "http://snoopy.yessign.or.kr/cps.htm"}.withDefaults()
	failed := map[string]bool{}
	for _, f := range runKoreanLints(c, &prof, nil) {
		failed[f.Lint] = true
		t.Logf("yessign: %s", f)
	}
	for _, name := range []string{"k_cn_format", "k_crl_dp", "k_aia_ocsp", "k_serial"} {
		if !failed[name] {
			t.Errorf("%s passed on the yessign certificate; it differs from this profile there", name)
		}
	}
	for _, l := range koreanLints {
		switch l.name {
		case "k_cn_format", "k_crl_dp", "k_aia_ocsp", "k_serial":
		default:
			if failed[l.name] {
				t.Errorf("%s failed on the yessign certificate", l.name)
			}
		}
	}
	// Its zlint RFC 5280 results, for the record (an authority that issued it is not ours).
	for _, f := range testLinter(t).run(c) {
		t.Logf("yessign zlint: %s", f)
	}
}

func inSubscriberSet(name string) bool {
	l, _ := sharedLinter()
	for _, zl := range l.subscriber {
		if zl.Name == name {
			return true
		}
	}
	return false
}
