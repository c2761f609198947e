package issuance

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"io"
	"math/big"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/npki"
)

func TestIssueHonggildong(t *testing.T) {
	p := newTestPKI(t)
	req := honggildong(t)
	prep, err := p.issuer.Prepare(req)
	if err != nil {
		t.Fatalf("Prepare: %v", err)
	}
	for _, f := range prep.Findings() {
		t.Logf("finding: %s", f)
	}
	if n := p.caKey.n.Load(); n != 0 {
		t.Fatalf("Prepare asked the CA key to sign %d times, want 0", n)
	}
	der, err := p.issuer.Sign(prep)
	if err != nil {
		t.Fatalf("Sign: %v", err)
	}
	if n := p.caKey.n.Load(); n != 1 {
		t.Fatalf("the CA key signed %d times, want exactly 1", n)
	}
	if _, err := p.issuer.Sign(prep); !errors.Is(err, ErrAlreadySigned) {
		t.Errorf("second Sign = %v, want ErrAlreadySigned", err)
	}
	if n := p.caKey.n.Load(); n != 1 {
		t.Fatalf("the CA key signed %d times after a second Sign, want 1", n)
	}

	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.CheckSignatureFrom(p.ca); err != nil {
		t.Errorf("CheckSignatureFrom(issuing CA) = %v", err)
	}
	// 0 · 020 (Woori) · 04 (personal banking) · 1 · 20260325 (issue day, KST) · 2804005
	wantCN := "홍길동()002004120260325002804005"
	if c.Subject.CommonName != wantCN || prep.CommonName() != wantCN {
		t.Errorf("CN = %q (Prepared %q), want %q", c.Subject.CommonName, prep.CommonName(), wantCN)
	}
	if !bytes.Equal(c.RawIssuer, p.ca.RawSubject) {
		t.Errorf("issuer %x is not the CA subject %x", c.RawIssuer, p.ca.RawSubject)
	}
	if got, want := c.NotBefore.Format(time.RFC3339), "2026-03-24T15:00:00Z"; got != want {
		t.Errorf("NotBefore = %s, want %s", got, want)
	}
	if got, want := c.NotAfter.Format(time.RFC3339), "2027-03-24T14:59:59Z"; got != want {
		t.Errorf("NotAfter = %s, want %s", got, want)
	}
	if got := model.Serial(c.SerialNumber.Bytes()); !bytes.Equal(got, req.Serial) || got.String() != prep.Serial().String() {
		t.Errorf("serial = %s, want %s", got, req.Serial)
	}
	if c.KeyUsage != x509.KeyUsageDigitalSignature|x509.KeyUsageContentCommitment {
		t.Errorf("KeyUsage = %v", c.KeyUsage)
	}
	wantPolicy := asn1.ObjectIdentifier{1, 2, 410, 200005, 1, 1, 4}
	if len(c.PolicyIdentifiers) != 1 || !c.PolicyIdentifiers[0].Equal(wantPolicy) {
		t.Errorf("policies = %v, want [%v]", c.PolicyIdentifiers, wantPolicy)
	}
	if got, want := c.CRLDistributionPoints, "http://localhost:8080/crl/issuing/p7.crl"; len(got) != 1 || got[0] != want {
		t.Errorf("CRL DP = %q, want [%s]", got, want)
	}
	if got := c.OCSPServer; len(got) != 1 || got[0] != "http://localhost:8080/ocsp" {
		t.Errorf("OCSP = %q", got)
	}
	if got := c.IssuingCertificateURL; len(got) != 1 || got[0] != "http://localhost:8080/pki/ca.crt" {
		t.Errorf("caIssuers = %q", got)
	}
	if !bytes.Equal(c.AuthorityKeyId, p.ca.SubjectKeyId) {
		t.Errorf("AKI %x is not the CA's SKI %x", c.AuthorityKeyId, p.ca.SubjectKeyId)
	}
	ski, _ := subjectKeyID(c.RawSubjectPublicKeyInfo)
	if !bytes.Equal(c.SubjectKeyId, ski) {
		t.Errorf("SKI %x, want %x", c.SubjectKeyId, ski)
	}
	var order []string
	for _, e := range c.Extensions {
		order = append(order, e.Id.String())
	}
	for i, id := range subscriberExtOrder {
		if i >= len(order) || order[i] != id.String() {
			t.Fatalf("extension order = %v, want %v", order, subscriberExtOrder)
		}
	}

	// The VID recomputed from the IDN and R of KOREAN-PKI.md section 5 matches.
	d, err := npki.ParseIdentifyDataFromCert(c)
	if err != nil {
		t.Fatal(err)
	}
	if d.RealName != "홍길동" || d.HashAlg != crypto.SHA256 {
		t.Errorf("identifyData = %+v", d)
	}
	if ok, err := d.CheckVID(testIDN, mustHex(testR)); !ok || err != nil {
		t.Errorf("CheckVID = %v, %v; want true", ok, err)
	}
	if !bytes.Equal(d.VID, mustHex(testVID)) {
		t.Errorf("VID = %x, want %s", d.VID, testVID)
	}

	// The AKI names the issuing CA certificate by key identifier and by its issuer and
	// serial, as yessign writes it (KOREAN-PKI.md section 6, issue 18).
	var aki struct {
		KeyID  []byte        `asn1:"optional,tag:0"`
		Issuer asn1.RawValue `asn1:"optional,tag:1"`
		Serial *big.Int      `asn1:"optional,tag:2"`
	}
	for _, e := range c.Extensions {
		if e.Id.Equal(oidExtAuthorityKeyID) {
			if rest, err := asn1.Unmarshal(e.Value, &aki); err != nil || len(rest) != 0 {
				t.Fatalf("AKI %x: %v", e.Value, err)
			}
		}
	}
	dirName := []byte{0xa4} // [4] EXPLICIT Name, alone in the GeneralNames
	if !bytes.Equal(aki.KeyID, p.ca.SubjectKeyId) || aki.Serial == nil || aki.Serial.Cmp(p.ca.SerialNumber) != 0 ||
		!bytes.HasPrefix(aki.Issuer.Bytes, dirName) || !bytes.HasSuffix(aki.Issuer.Bytes, p.ca.RawIssuer) {
		t.Errorf("AKI = keyID %x, issuer %x, serial %v; want %x, [4] %x, %v", aki.KeyID, aki.Issuer.Bytes, aki.Serial,
			p.ca.SubjectKeyId, p.ca.RawIssuer, p.ca.SerialNumber)
	}

	// The chain verifies with Go's verifier too.
	roots, inter := x509.NewCertPool(), x509.NewCertPool()
	roots.AddCert(p.root)
	inter.AddCert(p.ca)
	if _, err := c.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: testNow,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err != nil {
		t.Errorf("Verify = %v", err)
	}
}

func TestIssueKinds(t *testing.T) {
	p := newTestPKI(t)
	for _, tt := range []struct {
		kind   model.Kind
		usage  model.Usage
		ou     string
		code   string
		policy int
	}{
		{model.Personal, model.Universal, "personal", "01", 1},
		{model.Personal, model.Banking, "personal4IB", "04", 4},
		{model.Corporate, model.Universal, "corporation", "05", 5},
		{model.Corporate, model.Banking, "corporation4EC", "02", 2},
	} {
		req := honggildong(t)
		req.Kind, req.Usage = tt.kind, tt.usage
		der, err := p.issuer.Issue(req)
		if err != nil {
			t.Errorf("Issue(%s, %s) = %v", tt.kind, tt.usage, err)
			continue
		}
		c, _ := x509.ParseCertificate(der)
		if len(c.Subject.OrganizationalUnit) != 2 || c.Subject.OrganizationalUnit[0] != tt.ou {
			t.Errorf("Issue(%s, %s) OU = %q, want %q first", tt.kind, tt.usage, c.Subject.OrganizationalUnit, tt.ou)
		}
		cn, err := ParseCN(c.Subject.CommonName)
		if err != nil || cn.KindCode != tt.code || cn.BankCode != "020" || cn.Sequence != "002804005" ||
			!cn.IssueDay.Equal(c.NotBefore) || cn.Name != "홍길동" {
			t.Errorf("Issue(%s, %s) CN = %+v, %v", tt.kind, tt.usage, cn, err)
		}
		want := append(append(asn1.ObjectIdentifier{}, DefaultPolicyArc...), tt.policy)
		if len(c.PolicyIdentifiers) != 1 || !c.PolicyIdentifiers[0].Equal(want) {
			t.Errorf("Issue(%s, %s) policy = %v, want %v", tt.kind, tt.usage, c.PolicyIdentifiers, want)
		}
	}
	if n := p.caKey.n.Load(); n != 4 {
		t.Errorf("the CA key signed %d times for 4 certificates", n)
	}
}

func TestIssueRenewalAndReissueValidity(t *testing.T) {
	p := newTestPKI(t)
	// The old certificate expires 2026-04-09 23:59:59 KST; renewed on 25 March 2026.
	old := time.Date(2026, 4, 9, 23, 59, 59, 0, kst)
	for _, tt := range []struct {
		name     string
		notAfter time.Time
		want     string
	}{
		{"renewal", RenewalNotAfter(old, 1), "2027-04-09T14:59:59Z"},
		{"reissue", old, "2026-04-09T14:59:59Z"},
	} {
		req := honggildong(t)
		req.NotBefore, req.NotAfter = IssueDay(testNow), tt.notAfter
		der, err := p.issuer.Issue(req)
		if err != nil {
			t.Errorf("%s: Issue = %v", tt.name, err)
			continue
		}
		c, _ := x509.ParseCertificate(der)
		if got := c.NotAfter.Format(time.RFC3339); got != tt.want {
			t.Errorf("%s: NotAfter = %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestPrepareRefuses(t *testing.T) {
	p := newTestPKI(t)
	rsa1024 := loadKey(t, "subscriber-rsa1024.key").Public()
	p256 := loadKey(t, "subscriber-p256.key").Public()
	tests := []struct {
		name   string
		edit   func(*Request)
		target error
	}{
		{"RSA-1024", func(r *Request) { r.PublicKey = rsa1024 }, ErrKeyTooWeak},
		{"exponent 3", func(r *Request) { r.PublicKey = withExponent(r.PublicKey, 3) }, ErrKeyUnsupported},
		{"even exponent", func(r *Request) { r.PublicKey = withExponent(r.PublicKey, 65536) }, ErrKeyUnsupported},
		{"huge exponent", func(r *Request) { r.PublicKey = withExponent(r.PublicKey, 1<<31-1) }, ErrKeyUnsupported},
		{"EC subscriber", func(r *Request) { r.PublicKey = p256 }, ErrKeyUnsupported},
		{"nil key", func(r *Request) { r.PublicKey = nil }, ErrKeyUnsupported},
		{"short serial", func(r *Request) { r.Serial = r.Serial[:15] }, ErrBadSerial},
		{"negative serial", func(r *Request) { r.Serial[0] = 0x80 }, ErrBadSerial},
		{"zero first byte", func(r *Request) { r.Serial[0] = 0 }, ErrBadSerial},
		{"long serial", func(r *Request) { r.Serial = append(r.Serial, 1) }, ErrBadSerial},
		{"unaligned notBefore", func(r *Request) { r.NotBefore = r.NotBefore.Add(time.Hour) }, nil},
		{"unaligned notAfter", func(r *Request) { r.NotAfter = r.NotAfter.Add(-time.Hour) }, nil},
		{"too long", func(r *Request) { _, r.NotAfter = ValidityFrom(r.NotBefore, 2) }, nil},
		{"after the CA", func(r *Request) { _, r.NotAfter = ValidityFrom(r.NotBefore, 12) }, nil},
		{"SHA-1 VID", func(r *Request) { r.VID = r.VID[:20] }, nil},
		{"unknown kind", func(r *Request) { r.Kind = "alien" }, nil},
		{"bank code", func(r *Request) { r.InstitutionCode = "20" }, nil},
		{"empty institution", func(r *Request) { r.InstitutionOU = "" }, nil},
		{"negative partition", func(r *Request) { r.Partition = -1 }, nil},
	}
	for _, tt := range tests {
		req := honggildong(t)
		tt.edit(&req)
		_, err := p.issuer.Prepare(req)
		if err == nil || (tt.target != nil && !errors.Is(err, tt.target)) {
			t.Errorf("%s: Prepare = %v, want %v", tt.name, err, tt.target)
		}
	}
	if n := p.caKey.n.Load(); n != 0 {
		t.Errorf("refused requests made the CA key sign %d times", n)
	}
}

// A template that the profile would never build is refused by the lints, and the CA key
// is never asked to sign.
func TestLintRefusesBrokenTemplate(t *testing.T) {
	p := newTestPKI(t)
	tests := []struct {
		name     string
		tamper   func(*tbsFields)
		wantLint string
	}{
		{"keyUsage not critical", func(f *tbsFields) { f.exts[2].critical = false }, "k_key_usage"},
		{"keyUsage keyCertSign", func(f *tbsFields) { f.exts[2] = extKeyUsage(kuDigitalSignature, kuKeyCertSign) }, "k_key_usage"},
		{"policies not critical", func(f *tbsFields) { f.exts[3].critical = false }, "k_certificate_policies"},
		{"no SAN", func(f *tbsFields) { f.exts = append(f.exts[:4], f.exts[5:]...) }, "k_san_vid"},
		{"extensions reordered", func(f *tbsFields) { f.exts[0], f.exts[1] = f.exts[1], f.exts[0] }, "k_extensions"},
		{"country KR", func(f *tbsFields) { f.subject = mustName(t, CAName("KR", "certcenter", "personal4IB", "x")) }, "k_subject_string_types"},
		{"OUs merged", func(f *tbsFields) { f.subject = mergedOUs(t) }, "k_subject_ou_own_rdn"},
		{"notAfter unaligned", func(f *tbsFields) { f.notAfter = f.notAfter.Add(-time.Minute) }, "k_validity_kst"},
		{"CN date", func(f *tbsFields) { f.notBefore = f.notBefore.AddDate(0, 0, -1) }, "k_cn_format"},
		{"CN of 22 digits", func(f *tbsFields) {
			f.subject = mustName(t, SubscriberName("certcenter", "personal4IB", "WOORI", "홍길동()0020041"+f.notBefore.In(kst).Format("20060102")+"2804005"))
		}, "k_cn_format"},
		{"policy outside the arc", func(f *tbsFields) {
			f.exts[3] = extCertPolicies(asn1.ObjectIdentifier{1, 2, 410, 200004, 5, 2, 1, 2}, []byte{0xc7, 0x74}, "http://x.example/cps")
		}, "k_certificate_policies"},
		{"empty SAN", func(f *tbsFields) { f.exts[4].value = []byte{0x30, 0} }, "e_ext_san_no_entries"},
		{"AKI key identifier alone", func(f *tbsFields) { f.exts[0] = extAKI(p.issuer.akid, nil, nil) }, "k_aki"},
		{"AKI names another CA certificate", func(f *tbsFields) { f.exts[0] = extAKI(p.issuer.akid, p.ca.RawIssuer, big.NewInt(7)) }, "k_aki"},
		{"AKI critical", func(f *tbsFields) { f.exts[0].critical = true }, "k_aki"},
	}
	for _, tt := range tests {
		req := honggildong(t)
		req.tamper = tt.tamper
		_, err := p.issuer.Prepare(req)
		var le *LintError
		if !errors.Is(err, ErrLint) || !errors.As(err, &le) {
			t.Errorf("%s: Prepare = %v, want ErrLint", tt.name, err)
			continue
		}
		found := false
		for _, n := range le.Names() {
			found = found || n == tt.wantLint
		}
		if !found {
			t.Errorf("%s: failed lints %v, want %s among them", tt.name, le.Names(), tt.wantLint)
		}
	}
	if n := p.caKey.n.Load(); n != 0 {
		t.Errorf("lint failures made the CA key sign %d times, want 0", n)
	}
}

func mustName(t *testing.T, d DN) []byte {
	t.Helper()
	b, err := d.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// mergedOUs is what pkix.Name produces: both OUs in one multi-valued RDN.
func mergedOUs(t *testing.T) []byte {
	t.Helper()
	n, err := asn1.Marshal([][]attrTV{
		{{oidCountry, asn1.RawValue{Tag: asn1.TagPrintableString, Bytes: []byte("kr")}}},
		{{oidOrganization, asn1.RawValue{Tag: asn1.TagUTF8String, Bytes: []byte("certcenter")}}},
		{{oidOrganizationalUnit, asn1.RawValue{Tag: asn1.TagUTF8String, Bytes: []byte("personal4IB")}},
			{oidOrganizationalUnit, asn1.RawValue{Tag: asn1.TagUTF8String, Bytes: []byte("WOORI")}}},
		{{oidCommonName, asn1.RawValue{Tag: asn1.TagUTF8String, Bytes: []byte("홍길동()002004120260325002804005")}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	// encoding/asn1 writes [][]T as SEQUENCE OF SEQUENCE; RDNs are SETs.
	return setsOf(t, n)
}

type attrTV struct {
	Type  asn1.ObjectIdentifier
	Value asn1.RawValue
}

func setsOf(t *testing.T, seqOfSeq []byte) []byte {
	t.Helper()
	var outer asn1.RawValue
	if _, err := asn1.Unmarshal(seqOfSeq, &outer); err != nil {
		t.Fatal(err)
	}
	var body []byte
	rest := outer.Bytes
	for len(rest) > 0 {
		var inner asn1.RawValue
		var err error
		if rest, err = asn1.Unmarshal(rest, &inner); err != nil {
			t.Fatal(err)
		}
		inner.Tag, inner.Class, inner.IsCompound, inner.FullBytes = asn1.TagSet, asn1.ClassUniversal, true, nil
		b, err := asn1.Marshal(inner)
		if err != nil {
			t.Fatal(err)
		}
		body = append(body, b...)
	}
	b, _ := asn1.Marshal(asn1.RawValue{Tag: asn1.TagSequence, IsCompound: true, Bytes: body})
	return b
}

func TestSignRefusesForeignPrepared(t *testing.T) {
	p := newTestPKI(t)
	prep, err := p.issuer.Prepare(honggildong(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.rootIssuer.Sign(prep); err == nil {
		t.Error("root Sign(prepared by the issuing CA) succeeded, want an error")
	}
	if _, err := p.rootIssuer.Sign(nil); err == nil {
		t.Error("Sign(nil) succeeded")
	}
	prep.tbs = append([]byte{}, prep.tbs...)
	prep.tbs[len(prep.tbs)-1] ^= 1
	if _, err := p.issuer.Sign(prep); err == nil {
		t.Error("Sign(changed TBS) succeeded, want an error")
	}
	if p.caKey.n.Load()+p.rootKey.n.Load() != 0 {
		t.Error("a refused Sign reached a key")
	}
}

// brokenSigner returns a signature that does not verify: Sign must not return it.
type brokenSigner struct{ crypto.Signer }

func (b brokenSigner) Sign(r io.Reader, d []byte, o crypto.SignerOpts) ([]byte, error) {
	sig, err := b.Signer.Sign(r, d, o)
	if err == nil {
		sig[len(sig)/2] ^= 0xff
	}
	return sig, err
}

func TestSignVerifiesSignature(t *testing.T) {
	p := newTestPKI(t)
	bad, err := New(Config{ID: "issuing", Cert: p.ca, Signer: brokenSigner{p.caKey}, Profile: testProfile(), Linter: testLinter(t)})
	if err != nil {
		t.Fatal(err)
	}
	prep, err := bad.Prepare(honggildong(t))
	if err != nil {
		t.Fatal(err)
	}
	if der, err := bad.Sign(prep); err == nil {
		t.Errorf("Sign with a faulty key returned %d bytes, want an error", len(der))
	}
}

func TestNewRefuses(t *testing.T) {
	p := newTestPKI(t)
	other := loadKey(t, "ocsp-rsa2048.key")
	leaf, err := p.issuer.Issue(honggildong(t))
	if err != nil {
		t.Fatal(err)
	}
	leafCert, _ := x509.ParseCertificate(leaf)
	for _, c := range []Config{
		{ID: "issuing", Cert: p.ca, Signer: other, Profile: testProfile()},
		{ID: "Issuing!", Cert: p.ca, Signer: p.caKey, Profile: testProfile()},
		{ID: "issuing", Cert: leafCert, Signer: p.caKey, Profile: testProfile()},
		{ID: "issuing", Cert: p.ca, Signer: p.caKey, Profile: Profile{Organization: "x", BaseURL: "ftp://x", CPSURI: "http://x/cps"}},
		{ID: "issuing", Cert: p.ca, Signer: p.caKey, Profile: Profile{BaseURL: "http://x", CPSURI: "http://x/cps"}},
		{ID: "issuing", Cert: p.ca, Signer: p.caKey, Profile: Profile{Organization: "x", BaseURL: "http://x", CPSURI: "http://x/cps", NoticeText: "😀"}},
	} {
		c.Linter = testLinter(t)
		if _, err := New(c); err == nil {
			t.Errorf("New(%+v) succeeded, want an error", c.Profile)
		}
	}
}

func withExponent(pub crypto.PublicKey, e int) crypto.PublicKey {
	k := *pub.(*rsa.PublicKey)
	k.E = e
	return &k
}

// Draft then Lint is Prepare in two steps: the bytes a caller stores from the draft are
// the bytes linted and signed, a copy it changes is not, and only the issuer that built
// a draft lints it.
func TestDraftThenLint(t *testing.T) {
	p := newTestPKI(t)
	req := honggildong(t)
	d, err := p.issuer.Draft(req)
	if err != nil {
		t.Fatal(err)
	}
	stored := d.TBS()
	scribbled := d.TBS()
	scribbled[len(scribbled)-1] ^= 0xff
	prep, err := p.issuer.Lint(d)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(prep.TBS(), stored) || prep.CommonName() != d.CommonName() || !bytes.Equal(prep.Serial(), req.Serial) {
		t.Fatal("the prepared certificate is not the draft's")
	}
	der, c, err := p.issuer.SignParsed(prep)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(c.RawTBSCertificate, stored) || len(der) == 0 {
		t.Error("the signed TBSCertificate is not the one the draft gave out")
	}

	other := newTestPKI(t)
	if _, err := other.issuer.Lint(d); err == nil {
		t.Error("another issuer linted this issuer's draft")
	}
	if _, err := p.issuer.Lint(nil); err == nil {
		t.Error("Lint(nil) = nil error")
	}
	// Draft refuses what Prepare refuses, before any lint.
	bad := honggildong(t)
	bad.Serial = bad.Serial[:15]
	if _, err := p.issuer.Draft(bad); !errors.Is(err, ErrBadSerial) {
		t.Errorf("Draft(short serial) = %v, want ErrBadSerial", err)
	}
}
