package issuance

import (
	"bytes"
	"crypto"
	"encoding/asn1"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/certcenter/certcenter/npki"
	zrsa "github.com/zmap/zcrypto/rsa"
	zx509 "github.com/zmap/zcrypto/x509"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// koreanLint is one Korean-profile rule, checked on the parsed lint copy of a subscriber
// certificate. Plain functions over the certificate: no registry, no configuration.
type koreanLint struct {
	name  string
	cite  string // where the rule comes from
	check func(k *kcert) error
}

// kcert is a certificate under Korean lint, with its subject parsed once.
type kcert struct {
	*zx509.Certificate
	p       *Profile
	wantAKI []byte // the AKI value the issuer writes; nil checks the structure alone
	// stored: the TBSCertificate was built earlier, possibly by a release that wrote
	// the older profile (the 22-digit CN, an AKI with the key identifier alone), and its
	// certificate may already be in the holder's hands (SignStored); those forms pass.
	stored  bool
	rdns    []rdn
	nameErr error // why RawSubject did not parse
	atvs    []atv // the attributes when every RDN holds exactly one
}

// layout returns the five subject attributes or an error naming the layout problem.
func (k *kcert) layout() ([]atv, error) {
	if k.nameErr != nil {
		return nil, k.nameErr
	}
	if len(k.atvs) != 5 {
		return nil, errors.New("subject layout is wrong (see k_subject_rdn_order and k_subject_ou_own_rdn)")
	}
	return k.atvs, nil
}

// koreanLints are the subscriber-certificate rules of KOREAN-PKI.md sections 5 and 6.
var koreanLints = []koreanLint{
	{"k_subject_rdn_order", "KOREAN-PKI.md section 6: C / O / OU=<kind> / OU=<institution> / CN", lintRDNOrder},
	{"k_subject_string_types", "KOREAN-PKI.md section 6: C PrintableString \"kr\", O/OU/CN UTF8String", lintStringTypes},
	{"k_subject_ou_own_rdn", "KOREAN-PKI.md section 6: each OU its own RDN", lintSingleValuedRDNs},
	{"k_subject_organization", "KOREAN-PKI.md section 6: O is the CA; OU kind from the kind table", lintOrgAndKind},
	{"k_cn_format", "KOREAN-PKI.md section 6: CN <name>()<24 digits>, issue date = notBefore (KST)", lintCN},
	{"k_validity_kst", "KOREAN-PKI.md section 2: 00:00:00 to 23:59:59 Korea time", lintValidityKST},
	{"k_aki", "KOREAN-PKI.md section 6: AKI with keyIdentifier, authorityCertIssuer and authorityCertSerialNumber", lintAKI},
	{"k_key_usage", "KOREAN-PKI.md section 6: keyUsage critical {digitalSignature, nonRepudiation}", lintKeyUsage},
	{"k_certificate_policies", "KOREAN-PKI.md section 6: certificatePolicies critical, profile OID, BMPString notice, CPS", lintPolicies},
	{"k_san_vid", "KOREAN-PKI.md section 5: SAN holds only kisa-identifyData with a SHA-256 VID", lintSANVID},
	{"k_crl_dp", "KOREAN-PKI.md section 6: CRL distribution point naming a partition", lintCRLDP},
	{"k_aia_ocsp", "KOREAN-PKI.md section 6: AIA with OCSP", lintAIA},
	{"k_extensions", "KOREAN-PKI.md section 6: exactly the profile's extensions, in the yessign order", lintExtensionSet},
	{"k_subscriber_key", "KOREAN-PKI.md section 6: RSA-2048 or more, e = 65537", lintKey},
	{"k_serial", "RFC 5280 section 4.1.2.2: positive, at most 20 octets; here at least 16 (random)", lintSerial},
	{"k_signature_algorithm", "KOREAN-PKI.md section 6: sha256WithRSAEncryption (ECDSA-SHA256/384 for an EC CA)", lintSigAlg},
}

// runKoreanLints runs every Korean lint; a failing rule is an error-level finding.
// wantAKI is the AuthorityKeyIdentifier value the issuer writes (nil when it is not
// known: the structure alone is checked).
func runKoreanLints(c *zx509.Certificate, p *Profile, wantAKI []byte) []Finding {
	return runKoreanLintsOn(&kcert{Certificate: c, p: p, wantAKI: wantAKI})
}

// runStoredKoreanLints is runKoreanLints for a stored TBSCertificate (kcert.stored).
func runStoredKoreanLints(c *zx509.Certificate, p *Profile, wantAKI []byte) []Finding {
	return runKoreanLintsOn(&kcert{Certificate: c, p: p, wantAKI: wantAKI, stored: true})
}

func runKoreanLintsOn(k *kcert) []Finding {
	c := k.Certificate
	k.rdns, k.nameErr = parseName(c.RawSubject)
	if k.nameErr == nil {
		for _, r := range k.rdns {
			if len(r) != 1 {
				k.atvs = nil
				break
			}
			k.atvs = append(k.atvs, r[0])
		}
	}
	var out []Finding
	for _, l := range koreanLints {
		if err := l.check(k); err != nil {
			out = append(out, Finding{Lint: l.name, Level: Failure, Detail: err.Error() + " (" + l.cite + ")"})
		}
	}
	return out
}

// rdn is one RelativeDistinguishedName as written.
type rdn []atv

type atv struct {
	typ   asn1.ObjectIdentifier
	tag   cbasn1.Tag
	value string
}

func parseName(raw []byte) ([]rdn, error) {
	in := cryptobyte.String(raw)
	var seq cryptobyte.String
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !in.Empty() {
		return nil, errors.New("malformed Name")
	}
	var out []rdn
	for !seq.Empty() {
		var set cryptobyte.String
		if !seq.ReadASN1(&set, cbasn1.SET) {
			return nil, errors.New("malformed RDN")
		}
		var r rdn
		for !set.Empty() {
			var a, v cryptobyte.String
			var t atv
			if !set.ReadASN1(&a, cbasn1.SEQUENCE) || !a.ReadASN1ObjectIdentifier(&t.typ) ||
				!a.ReadAnyASN1(&v, &t.tag) || !a.Empty() {
				return nil, errors.New("malformed AttributeTypeAndValue")
			}
			t.value = string(v)
			r = append(r, t)
		}
		out = append(out, r)
	}
	return out, nil
}

var subjectOrder = []asn1.ObjectIdentifier{oidCountry, oidOrganization, oidOrganizationalUnit, oidOrganizationalUnit, oidCommonName}

func lintRDNOrder(k *kcert) error {
	rdns, err := k.rdns, k.nameErr
	if err != nil {
		return err
	}
	if len(rdns) != len(subjectOrder) {
		return fmt.Errorf("subject has %d RDNs, want 5", len(rdns))
	}
	for i, r := range rdns {
		if len(r) == 0 || !r[0].typ.Equal(subjectOrder[i]) {
			return fmt.Errorf("RDN %d is not %s", i+1, attrShort(subjectOrder[i]))
		}
	}
	return nil
}

func lintSingleValuedRDNs(k *kcert) error {
	if k.nameErr != nil {
		return k.nameErr
	}
	for _, r := range k.rdns {
		if len(r) != 1 {
			return fmt.Errorf("an RDN holds %d attributes; each must be its own RDN", len(r))
		}
	}
	return nil
}

func lintStringTypes(k *kcert) error {
	rdns, err := k.rdns, k.nameErr
	if err != nil {
		return err
	}
	for _, r := range rdns {
		for _, a := range r {
			want := cbasn1.UTF8String
			if a.typ.Equal(oidCountry) {
				want = cbasn1.PrintableString
				if a.value != "kr" {
					return fmt.Errorf("C=%q, want lowercase \"kr\"", a.value)
				}
			}
			if a.tag != want {
				return fmt.Errorf("%s is tagged %d, want %d", attrShort(a.typ), a.tag, want)
			}
		}
	}
	return nil
}

func lintOrgAndKind(k *kcert) error {
	a, err := k.layout()
	if err != nil {
		return err
	}
	if a[1].value != k.p.Organization {
		return fmt.Errorf("O=%q, want the profile's %q", a[1].value, k.p.Organization)
	}
	if _, ok := classByOU(a[2].value); !ok {
		return fmt.Errorf("kind OU=%q is not in the kind table", a[2].value)
	}
	if a[3].value == "" {
		return errors.New("institution OU is empty")
	}
	return nil
}

func classByOU(ou string) (kindClass, bool) {
	for _, k := range kindTable {
		if k.ou == ou {
			return k, true
		}
	}
	return kindClass{}, false
}

func lintCN(k *kcert) error {
	a, err := k.layout()
	if err != nil {
		return err
	}
	cn, err := ParseCN(a[4].value)
	if err != nil {
		return err
	}
	if cn.Inner != "" {
		return fmt.Errorf("CN %q has a name inside the parentheses; the profile writes <name>()<%d digits>", a[4].value, cnDigits)
	}
	if len(cn.Sequence) != cnSequenceDigits && !(k.stored && len(cn.Sequence) == minCNDigits-15) {
		return fmt.Errorf("CN %q has %d digits, want %d (the 22-digit form is 2005-2013's)", a[4].value, len(cn.Sequence)+15, cnDigits)
	}
	class, ok := classByCode(cn.KindCode)
	if !ok {
		return fmt.Errorf("CN kind code %q is not in the kind table", cn.KindCode)
	}
	if class.ou != a[2].value {
		return fmt.Errorf("CN kind code %s is for OU %q but the kind OU is %q", cn.KindCode, class.ou, a[2].value)
	}
	if digits := a[4].value[strings.LastIndexByte(a[4].value, ')')+1:]; digits[6] != cnFlag {
		return fmt.Errorf("CN digit 7 is not %c", cnFlag)
	}
	if !cn.IssueDay.Equal(k.NotBefore) {
		return fmt.Errorf("CN issue date %s is not the notBefore day %s (KST)",
			cn.IssueDay.Format(time.DateOnly), k.NotBefore.In(kst).Format(time.DateOnly))
	}
	return nil
}

func lintValidityKST(k *kcert) error {
	return checkKSTAligned(k.NotBefore, k.NotAfter)
}

// findExt returns the extension with the OID, or ok=false.
func findExt(k *kcert, id asn1.ObjectIdentifier) (value []byte, critical, ok bool) {
	for _, e := range k.Extensions {
		if asn1.ObjectIdentifier(e.Id).Equal(id) {
			return e.Value, e.Critical, true
		}
	}
	return nil, false, false
}

// lintAKI: keyIdentifier [0], authorityCertIssuer [1] holding one directoryName and
// authorityCertSerialNumber [2], positive, as yessign writes them; not critical
// (RFC 5280 section 4.2.1.1); equal to what the issuer writes when that is known.
func lintAKI(k *kcert) error {
	v, crit, ok := findExt(k, oidExtAuthorityKeyID)
	if !ok {
		return errors.New("authorityKeyIdentifier is missing")
	}
	if crit {
		return errors.New("authorityKeyIdentifier is critical (RFC 5280 section 4.2.1.1: MUST be non-critical)")
	}
	in := cryptobyte.String(v)
	var aki, keyID, names, dirName, name, serial cryptobyte.String
	if !in.ReadASN1(&aki, cbasn1.SEQUENCE) || !in.Empty() {
		return errors.New("authorityKeyIdentifier is not one SEQUENCE")
	}
	if !aki.ReadASN1(&keyID, cbasn1.Tag(0).ContextSpecific()) || len(keyID) == 0 {
		return errors.New("authorityKeyIdentifier has no keyIdentifier")
	}
	if k.stored && aki.Empty() { // the key identifier alone, as written before issue 18
		if k.wantAKI != nil && !bytes.Equal(v, extAKI(keyID, nil, nil).value) {
			return errors.New("authorityKeyIdentifier is malformed")
		}
		if want, ok := akiKeyID(k.wantAKI); ok && !bytes.Equal(keyID, want) {
			return errors.New("authorityKeyIdentifier does not name the issuing CA's key")
		}
		return nil
	}
	if !aki.ReadASN1(&names, cbasn1.Tag(1).ContextSpecific().Constructed()) {
		return errors.New("authorityKeyIdentifier has no authorityCertIssuer")
	}
	if !names.ReadASN1(&dirName, cbasn1.Tag(4).ContextSpecific().Constructed()) || !names.Empty() ||
		!dirName.ReadASN1Element(&name, cbasn1.SEQUENCE) || !dirName.Empty() {
		return errors.New("authorityCertIssuer is not exactly one directoryName")
	}
	if _, err := parseName(name); err != nil {
		return fmt.Errorf("authorityCertIssuer: %v", err)
	}
	if !aki.ReadASN1(&serial, cbasn1.Tag(2).ContextSpecific()) || !aki.Empty() {
		return errors.New("authorityKeyIdentifier has no authorityCertSerialNumber, or more fields")
	}
	if len(serial) == 0 || len(serial) > 21 || serial[0]&0x80 != 0 || len(serial) > 1 && serial[0] == 0 && serial[1]&0x80 == 0 {
		return errors.New("authorityCertSerialNumber is not a positive, minimally encoded serial")
	}
	if k.wantAKI != nil && !bytes.Equal(v, k.wantAKI) {
		return errors.New("authorityKeyIdentifier does not name the issuing CA certificate (key identifier, issuer, serial)")
	}
	return nil
}

// akiKeyID returns the keyIdentifier of an AKI value this package wrote.
func akiKeyID(v []byte) ([]byte, bool) {
	in := cryptobyte.String(v)
	var aki, keyID cryptobyte.String
	if v == nil || !in.ReadASN1(&aki, cbasn1.SEQUENCE) || !aki.ReadASN1(&keyID, cbasn1.Tag(0).ContextSpecific()) {
		return nil, false
	}
	return keyID, true
}

func lintKeyUsage(k *kcert) error {
	v, crit, ok := findExt(k, oidExtKeyUsage)
	if !ok || !crit {
		return errors.New("keyUsage is missing or not critical")
	}
	if want := extKeyUsage(kuDigitalSignature, kuNonRepudiation).value; !bytes.Equal(v, want) {
		return fmt.Errorf("keyUsage is %x, want %x (digitalSignature, nonRepudiation only)", v, want)
	}
	return nil
}

func lintPolicies(k *kcert) error {
	v, crit, ok := findExt(k, oidExtCertPolicies)
	if !ok || !crit {
		return errors.New("certificatePolicies is missing or not critical")
	}
	in := cryptobyte.String(v)
	var pols, pi, quals cryptobyte.String
	var oid asn1.ObjectIdentifier
	if !in.ReadASN1(&pols, cbasn1.SEQUENCE) || !in.Empty() || !pols.ReadASN1(&pi, cbasn1.SEQUENCE) ||
		!pi.ReadASN1ObjectIdentifier(&oid) || !pi.ReadASN1(&quals, cbasn1.SEQUENCE) || !pi.Empty() {
		return errors.New("certificatePolicies is malformed or has no qualifiers")
	}
	if !pols.Empty() {
		return errors.New("certificatePolicies holds more than one policy")
	}
	a, err := k.layout()
	if err != nil {
		return err
	}
	class, ok := classByOU(a[2].value)
	if !ok {
		return fmt.Errorf("kind OU %q is not in the kind table", a[2].value)
	}
	if want := policyOID(k.p.PolicyArc, class); !oid.Equal(want) {
		return fmt.Errorf("policy %v, want %v for OU %q", oid, want, a[2].value)
	}
	var notice, cps bool
	for !quals.Empty() {
		var q cryptobyte.String
		var qid asn1.ObjectIdentifier
		if !quals.ReadASN1(&q, cbasn1.SEQUENCE) || !q.ReadASN1ObjectIdentifier(&qid) {
			return errors.New("malformed policy qualifier")
		}
		switch {
		case qid.Equal(oidQualifierUNotice):
			var un, text cryptobyte.String
			if !q.ReadASN1(&un, cbasn1.SEQUENCE) || !un.ReadASN1(&text, cbasn1.Tag(30)) || !un.Empty() {
				return errors.New("userNotice has no BMPString explicitText (or has a noticeRef)")
			}
			if len(text) == 0 || len(text)%2 != 0 {
				return errors.New("userNotice explicitText is not a BMPString")
			}
			notice = true
		case qid.Equal(oidQualifierCPS):
			var uri cryptobyte.String
			if !q.ReadASN1(&uri, cbasn1.IA5String) || checkURL(string(uri)) != nil {
				return errors.New("CPS qualifier is not an http(s) IA5String URI")
			}
			cps = true
		default:
			return fmt.Errorf("unexpected policy qualifier %v", qid)
		}
	}
	if !notice || !cps {
		return errors.New("certificatePolicies lacks the userNotice or the CPS qualifier")
	}
	return nil
}

func lintSANVID(k *kcert) error {
	v, crit, ok := findExt(k, oidExtSubjectAltName)
	if !ok {
		return errors.New("subjectAltName is missing")
	}
	if crit {
		return errors.New("subjectAltName is critical; the subject is not empty (RFC 5280 section 4.2.1.6)")
	}
	if len(k.OtherNames) != 1 || len(k.DNSNames)+len(k.EmailAddresses)+len(k.URIs)+len(k.IPAddresses)+
		len(k.DirectoryNames)+len(k.RegisteredIDs)+len(k.EDIPartyNames) != 0 {
		return errors.New("subjectAltName must hold exactly one name, the kisa-identifyData otherName")
	}
	d, err := npki.ParseSAN(v)
	if err != nil {
		return err
	}
	if d.HashAlg != crypto.SHA256 || len(d.VID) != 32 {
		return fmt.Errorf("VID uses %v with %d bytes, want SHA-256 and 32", d.HashAlg, len(d.VID))
	}
	a, err := k.layout()
	if err != nil {
		return err
	}
	if cn, err := ParseCN(a[4].value); err != nil || cn.Name != d.RealName {
		return fmt.Errorf("realName %q is not the CN's name", d.RealName)
	}
	return nil
}

func lintCRLDP(k *kcert) error {
	if len(k.CRLDistributionPoints) != 1 {
		return fmt.Errorf("%d CRL distribution point URIs, want 1", len(k.CRLDistributionPoints))
	}
	u := k.CRLDistributionPoints[0]
	if !strings.HasPrefix(u, k.p.BaseURL+"/crl/") || !strings.HasSuffix(u, ".crl") {
		return fmt.Errorf("CRL distribution point %q is not <BaseURL>/crl/<issuer>/p<N>.crl", u)
	}
	return nil
}

func lintAIA(k *kcert) error {
	if len(k.OCSPServer) != 1 || k.OCSPServer[0] != k.p.BaseURL+"/ocsp" {
		return fmt.Errorf("AIA OCSP is %q, want [%s/ocsp]", k.OCSPServer, k.p.BaseURL)
	}
	if len(k.IssuingCertificateURL) != 1 {
		return errors.New("AIA caIssuers is missing")
	}
	return nil
}

// subscriberExtOrder is the extension list of the profile, in the yessign order.
var subscriberExtOrder = []asn1.ObjectIdentifier{
	oidExtAuthorityKeyID, oidExtSubjectKeyID, oidExtKeyUsage, oidExtCertPolicies,
	oidExtSubjectAltName, oidExtCRLDistPoints, oidExtAIA,
}

func lintExtensionSet(k *kcert) error {
	if len(k.Extensions) != len(subscriberExtOrder) {
		return fmt.Errorf("%d extensions, want %d", len(k.Extensions), len(subscriberExtOrder))
	}
	for i, e := range k.Extensions {
		if !asn1.ObjectIdentifier(e.Id).Equal(subscriberExtOrder[i]) {
			return fmt.Errorf("extension %d is %v, want %v", i+1, e.Id, subscriberExtOrder[i])
		}
	}
	return nil
}

func lintKey(k *kcert) error {
	pub, ok := k.PublicKey.(*zrsa.PublicKey) // zcrypto's RSA key: E is a *big.Int
	if !ok {
		return fmt.Errorf("subject key is %T, want RSA", k.PublicKey)
	}
	if pub.N.BitLen() < MinRSABits || !pub.E.IsInt64() || pub.E.Int64() != 65537 {
		return fmt.Errorf("RSA-%d e=%d, want at least %d bits and e=65537", pub.N.BitLen(), pub.E, MinRSABits)
	}
	return nil
}

func lintSerial(k *kcert) error {
	s := k.SerialNumber
	if s == nil || s.Sign() <= 0 {
		return errors.New("serial is not positive")
	}
	if n := len(s.Bytes()); n < 16 || n > 20 {
		return fmt.Errorf("serial has %d octets, want 16 to 20", n)
	}
	return nil
}

func lintSigAlg(k *kcert) error {
	oid := asn1.ObjectIdentifier(k.SignatureAlgorithmOID)
	if oid.Equal(oidSHA256WithRSA) || oid.Equal(oidECDSAWithSHA256) || oid.Equal(oidECDSAWithSHA384) {
		return nil
	}
	return fmt.Errorf("signature algorithm %v is not sha256WithRSAEncryption or ECDSA with SHA-256/384", oid)
}
