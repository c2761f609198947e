package issuance

import (
	"encoding/asn1"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/certcenter/certcenter/internal/model"
)

// DefaultPolicyArc mirrors yessign's policy arc 1.2.410.200005.1.1 (KOREAN-PKI.md
// section 6, policy OIDs) so that demo certificates look like the real ones. It is
// yessign's registered arc: a deployment that is its own CA must configure its own arc
// in Profile.PolicyArc with the same structure.
var DefaultPolicyArc = asn1.ObjectIdentifier{1, 2, 410, 200005, 1, 1}

// DefaultNoticeText is the userNotice explicitText written as a BMPString, in the style
// of the yessign test certificate ("이 인증서는 시험용 인증서입니다").
const DefaultNoticeText = "이 인증서는 전자서명법에 의한 공동인증서입니다"

// DefaultMaxValidity bounds notAfter-notBefore of a subscriber certificate: one year
// plus the 30-day renewal window plus a day of slack (KOREAN-PKI.md section 2, renewal
// runs one year from the old expiry).
const DefaultMaxValidity = (366 + 31) * 24 * time.Hour

// Profile is the deployment's subscriber certificate profile (KOREAN-PKI.md section 6).
type Profile struct {
	// Organization is the subject O of subscriber certificates: the CA's name, as
	// yessign writes O=yessign (and the NPKI folder name, KOREAN-PKI.md section 3).
	Organization string
	// PolicyArc is the OID arc of the certificate policies; the policy of a certificate
	// is PolicyArc.<n> with n from the kind table (kindTable). Nil means DefaultPolicyArc.
	PolicyArc asn1.ObjectIdentifier
	// NoticeText is the userNotice explicitText, written as a BMPString; every
	// character must be in the Basic Multilingual Plane, at most 200 characters
	// (RFC 5280 section 4.2.1.4). Empty means DefaultNoticeText.
	NoticeText string
	// CPSURI is the CPS pointer qualifier, e.g. "http://ca.example/cps".
	CPSURI string
	// BaseURL is this server's public http URL without a trailing slash. Subscriber
	// certificates point to <BaseURL>/crl/<issuerID>/p<N>.crl, <BaseURL>/ocsp and
	// <BaseURL>/pki/ca.crt.
	BaseURL string
	// MaxValidity bounds notAfter-notBefore; zero means DefaultMaxValidity.
	MaxValidity time.Duration
}

// withDefaults returns p with empty fields defaulted.
func (p Profile) withDefaults() Profile {
	if p.PolicyArc == nil {
		p.PolicyArc = DefaultPolicyArc
	}
	if p.NoticeText == "" {
		p.NoticeText = DefaultNoticeText
	}
	if p.MaxValidity == 0 {
		p.MaxValidity = DefaultMaxValidity
	}
	p.BaseURL = strings.TrimRight(p.BaseURL, "/")
	return p
}

// Validate checks the profile; the message names the field to fix.
func (p Profile) Validate() error {
	p = p.withDefaults()
	if p.Organization == "" {
		return errors.New("issuance: profile: Organization (subject O, the CA name) is empty")
	}
	if len(p.PolicyArc) < 2 {
		return fmt.Errorf("issuance: profile: PolicyArc %v is not an OID arc", p.PolicyArc)
	}
	if _, err := bmpString(p.NoticeText); err != nil {
		return fmt.Errorf("issuance: profile: NoticeText: %w", err)
	}
	if n := len([]rune(p.NoticeText)); n > 200 {
		return fmt.Errorf("issuance: profile: NoticeText has %d characters; RFC 5280 section 4.2.1.4 allows 200", n)
	}
	if err := checkURL(p.CPSURI); err != nil {
		return fmt.Errorf("issuance: profile: CPSURI: %w", err)
	}
	if err := checkURL(p.BaseURL); err != nil {
		return fmt.Errorf("issuance: profile: BaseURL: %w", err)
	}
	if p.MaxValidity < 0 {
		return errors.New("issuance: profile: MaxValidity is negative")
	}
	return nil
}

func checkURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an absolute http(s) URL", s)
	}
	if !isASCII(s) {
		return fmt.Errorf("%q is not ASCII (IA5String, RFC 5280 section 4.2.1.6)", s)
	}
	return nil
}

// kindClass is one row of the kind table: subject kind × usage.
type kindClass struct {
	kind  model.Kind
	usage model.Usage
	// code is the 2-digit kind code written in the CN digits after the bank code
	// (KOREAN-PKI.md section 6: "04" at Woori/yessign for personal4IB). The codes are
	// chosen equal to the yessign policy OID suffixes so one table serves both.
	code string
	// ou is the kind OU. personal4IB is verified on the yessign test certificate and
	// corporation4EC is yessign's corporate banking OU (KOREAN-PKI.md section 6, "Kinds
	// seen"); the universal kinds drop the usage suffix. "corporation4IB" appears in no
	// real certificate and is not written.
	ou string
	// policy is the last arc of the policy OID under Profile.PolicyArc, mirroring
	// yessign's table (KOREAN-PKI.md section 6, policy OIDs).
	policy int
}

// kindTable: (personal|corporate) × (universal|banking).
var kindTable = []kindClass{
	{model.Personal, model.Universal, "01", "personal", 1},
	{model.Personal, model.Banking, "04", "personal4IB", 4},
	{model.Corporate, model.Universal, "05", "corporation", 5},
	{model.Corporate, model.Banking, "02", "corporation4EC", 2},
}

func classOf(k model.Kind, u model.Usage) (kindClass, error) {
	for _, c := range kindTable {
		if c.kind == k && c.usage == u {
			return c, nil
		}
	}
	return kindClass{}, fmt.Errorf("issuance: unknown kind %q and usage %q (want personal|corporate and universal|banking)", k, u)
}

// classByCode finds the row of a 2-digit kind code.
func classByCode(code string) (kindClass, bool) {
	for _, c := range kindTable {
		if c.code == code {
			return c, true
		}
	}
	return kindClass{}, false
}

// PolicyOID returns the certificate policy OID for a kind and usage under the profile.
func (p Profile) PolicyOID(k model.Kind, u model.Usage) (asn1.ObjectIdentifier, error) {
	c, err := classOf(k, u)
	if err != nil {
		return nil, err
	}
	return policyOID(p.withDefaults().PolicyArc, c), nil
}

func policyOID(arc asn1.ObjectIdentifier, c kindClass) asn1.ObjectIdentifier {
	oid := make(asn1.ObjectIdentifier, 0, len(arc)+1)
	return append(append(oid, arc...), c.policyArcs()...)
}

// KindOU returns the kind OU written in the subject for a kind and usage.
func KindOU(k model.Kind, u model.Usage) (string, error) {
	c, err := classOf(k, u)
	return c.ou, err
}

// bmpString encodes s as UCS-2 big-endian (the BMPString content octets).
func bmpString(s string) ([]byte, error) {
	out := make([]byte, 0, 2*len(s))
	for _, r := range s {
		if r > 0xFFFF || utf16.IsSurrogate(r) || r == 0xFFFD {
			return nil, fmt.Errorf("character %U is outside the Basic Multilingual Plane or invalid; BMPString cannot hold it", r)
		}
		out = append(out, byte(r>>8), byte(r))
	}
	return out, nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
