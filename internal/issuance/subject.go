package issuance

import (
	"encoding/asn1"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// Attribute types used in names (RFC 5280 section 4.1.2.4, X.520).
var (
	oidCountry            = asn1.ObjectIdentifier{2, 5, 4, 6}
	oidOrganization       = asn1.ObjectIdentifier{2, 5, 4, 10}
	oidOrganizationalUnit = asn1.ObjectIdentifier{2, 5, 4, 11}
	oidCommonName         = asn1.ObjectIdentifier{2, 5, 4, 3}
)

// Attribute is one attribute of a distinguished name, written as its own RDN (a SET of
// one AttributeTypeAndValue).
type Attribute struct {
	Type  asn1.ObjectIdentifier
	Value string
	// Printable writes the value as a PrintableString (countryName, RFC 5280 appendix A);
	// otherwise it is a UTF8String (RFC 5280 section 4.1.2.6 MUST for new certificates).
	Printable bool
}

// DN is a distinguished name in ASN.1 order, most general first, one attribute per RDN.
// Go's pkix.Name merges repeated OUs into one multi-valued RDN and cannot keep this
// layout, hence the hand-built encoding (KOREAN-PKI.md section 6).
type DN []Attribute

// CAName returns C=<country> / O=<org> / OU=<ou> / CN=<cn>, the Korean CA name layout:
// the KISA root writes C=KR, O=KISA, OU=Korea Certification Authority Central, CN=...,
// an accredited CA C=kr, O=yessign, OU=AccreditedCA, CN=... . An empty ou is left out.
func CAName(country, org, ou, cn string) DN {
	d := DN{{Type: oidCountry, Value: country, Printable: true}, {Type: oidOrganization, Value: org}}
	if ou != "" {
		d = append(d, Attribute{Type: oidOrganizationalUnit, Value: ou})
	}
	return append(d, Attribute{Type: oidCommonName, Value: cn})
}

// SubscriberName returns C=kr / O=<org> / OU=<kindOU> / OU=<institutionOU> / CN=<cn>
// (KOREAN-PKI.md section 6): country lowercase "kr" as Korean CAs write it.
func SubscriberName(org, kindOU, institutionOU, cn string) DN {
	return DN{
		{Type: oidCountry, Value: "kr", Printable: true},
		{Type: oidOrganization, Value: org},
		{Type: oidOrganizationalUnit, Value: kindOU},
		{Type: oidOrganizationalUnit, Value: institutionOU},
		{Type: oidCommonName, Value: cn},
	}
}

// Marshal encodes the Name (RFC 5280 section 4.1.2.4) with one attribute per RDN.
func (d DN) Marshal() ([]byte, error) {
	if len(d) == 0 {
		return nil, errors.New("issuance: name is empty")
	}
	for _, a := range d {
		if err := a.check(); err != nil {
			return nil, err
		}
	}
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		for _, a := range d {
			b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) {
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
					b.AddASN1ObjectIdentifier(a.Type)
					tag := cbasn1.UTF8String
					if a.Printable {
						tag = cbasn1.PrintableString
					}
					b.AddASN1(tag, func(b *cryptobyte.Builder) { b.AddBytes([]byte(a.Value)) })
				})
			})
		}
	})
	return b.Bytes()
}

// String returns the name in the OpenSSL one-line order, e.g. "C=kr, O=yessign, CN=x".
func (d DN) String() string {
	var s []string
	for _, a := range d {
		s = append(s, attrShort(a.Type)+"="+a.Value)
	}
	return strings.Join(s, ", ")
}

func attrShort(t asn1.ObjectIdentifier) string {
	switch {
	case t.Equal(oidCountry):
		return "C"
	case t.Equal(oidOrganization):
		return "O"
	case t.Equal(oidOrganizationalUnit):
		return "OU"
	case t.Equal(oidCommonName):
		return "CN"
	}
	return t.String()
}

// upperBounds are the X.520 upper bounds in characters (RFC 5280 appendix A).
func upperBound(t asn1.ObjectIdentifier) int {
	switch {
	case t.Equal(oidCountry):
		return 2
	case t.Equal(oidCommonName), t.Equal(oidOrganization), t.Equal(oidOrganizationalUnit):
		return 64
	}
	return 0
}

func (a Attribute) check() error {
	name := attrShort(a.Type)
	if a.Value == "" {
		return fmt.Errorf("issuance: name attribute %s is empty", name)
	}
	if a.Printable {
		if !isPrintableString(a.Value) {
			return fmt.Errorf("issuance: name attribute %s=%q has characters a PrintableString cannot hold", name, a.Value)
		}
	} else if !utf8.ValidString(a.Value) {
		return fmt.Errorf("issuance: name attribute %s is not valid UTF-8", name)
	}
	for _, r := range a.Value {
		if unicode.IsControl(r) {
			return fmt.Errorf("issuance: name attribute %s=%q has a control character", name, a.Value)
		}
	}
	if ub := upperBound(a.Type); ub > 0 && utf8.RuneCountInString(a.Value) > ub {
		return fmt.Errorf("issuance: name attribute %s=%q is longer than %d characters (RFC 5280 appendix A)", name, a.Value, ub)
	}
	return nil
}

// isPrintableString reports whether s fits the PrintableString alphabet (X.680 41.4).
func isPrintableString(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte(" '()+,-./:=?", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// cnFlag is the single digit after the kind code in the CN digits. Every sample known
// writes "1" there (KOREAN-PKI.md section 6: 0·020·04·1·20080623·2804005 and yessign's
// 0·091·04·1·20200225·...); its meaning is not public, so it is fixed.
const cnFlag = '1'

// cnDigits is the length of the digit string this project writes after "()": the
// 24-digit form yessign has written since about 2010 (KOREAN-PKI.md section 6: the test
// certificate's 009104120200225191000030, 2018's 008804620180611188000055, 2025's
// 002304120250902123000004), with a 9-digit sequence.
const cnDigits = 24

// minCNDigits is the shortest digit string ParseCN reads: the 22-digit form of 2005 to
// 2013 (7-digit sequence, Woori 0020041200806232804005), still found in other CAs' and
// older certificates that holders register.
const minCNDigits = 22

// cnSequenceDigits is the length of the sequence ending the CN digits this project
// writes: cnDigits minus "0", bank code (3), kind code (2), flag (1) and date (8).
const cnSequenceDigits = cnDigits - 15

// MaxSequence is the largest CN sequence number (9 digits); a caller counting further
// takes its count modulo MaxSequence+1.
const MaxSequence = 999_999_999

// FormatCN returns <name>()<24 digits>: "0", the 3-digit institution (bank) code, the
// 2-digit kind code, "1", the issue date YYYYMMDD in KST and a 9-digit sequence
// (KOREAN-PKI.md section 6, yessign's form since about 2010). The CN is at most 64
// characters (RFC 5280 appendix A, ub-common-name), so name is at most 38.
func FormatCN(name, bankCode, kindCode string, issueDay time.Time, sequence int) (string, error) {
	if err := checkRealName(name); err != nil {
		return "", err
	}
	if !allDigits(bankCode) || len(bankCode) != 3 {
		return "", fmt.Errorf("issuance: institution code %q is not 3 digits", bankCode)
	}
	if _, ok := classByCode(kindCode); !ok {
		return "", fmt.Errorf("issuance: kind code %q is not in the kind table", kindCode)
	}
	if sequence < 0 || sequence > MaxSequence {
		return "", fmt.Errorf("issuance: CN sequence %d is not 0 to %d (%d digits)", sequence, MaxSequence, cnSequenceDigits)
	}
	cn := fmt.Sprintf("%s()0%s%s%c%s%0*d", name, bankCode, kindCode, cnFlag, issueDay.In(kst).Format("20060102"), cnSequenceDigits, sequence)
	if n := utf8.RuneCountInString(cn); n > 64 {
		return "", fmt.Errorf("issuance: CN %q has %d characters; RFC 5280 allows 64 (shorten the name to %d)", cn, n, 64-2-cnDigits)
	}
	return cn, nil
}

// checkRealName accepts a real name for the CN prefix and the VID realName.
func checkRealName(name string) error {
	if name == "" || !utf8.ValidString(name) {
		return errors.New("issuance: subject name is empty or not UTF-8")
	}
	if strings.ContainsAny(name, "()") {
		return fmt.Errorf("issuance: subject name %q contains a parenthesis; readers split the CN at \"()\"", name)
	}
	for _, r := range name {
		if unicode.IsControl(r) {
			return fmt.Errorf("issuance: subject name %q has a control character", name)
		}
	}
	if utf8.RuneCountInString(name) > 64-2-cnDigits {
		return fmt.Errorf("issuance: subject name %q is longer than %d characters (the CN is limited to 64)", name, 64-2-cnDigits)
	}
	return nil
}

// CN is a subscriber common name read back by ParseCN.
type CN struct {
	Name     string    // the real name before the parentheses
	Inner    string    // what is inside the parentheses: empty in this project's form
	BankCode string    // the 3-digit institution code after "()0"
	KindCode string    // the 2-digit kind code
	IssueDay time.Time // 00:00:00 KST of the date in the digits
	Sequence string    // the remaining digits: 9 in this project's form, 7 in the older one
}

// ParseCN reads a subscriber CN: <name>(<inner>)<digits>, digits = "0" + bank code +
// kind code + one digit + YYYYMMDD + sequence (KOREAN-PKI.md section 6). It accepts the
// 24-digit form this project writes, the older 22-digit form and any longer sequence.
func ParseCN(cn string) (CN, error) {
	bad := func(why string) (CN, error) {
		return CN{}, fmt.Errorf("issuance: CN %q: %s", cn, why)
	}
	closeAt := strings.LastIndexByte(cn, ')')
	if closeAt < 0 {
		return bad("no \"(...)\" before the digits")
	}
	openAt := strings.LastIndexByte(cn[:closeAt], '(')
	if openAt <= 0 {
		return bad("no name before \"(\"")
	}
	digits := cn[closeAt+1:]
	if len(digits) < minCNDigits || !allDigits(digits) {
		return bad(fmt.Sprintf("want at least %d digits after \")\"", minCNDigits))
	}
	if digits[0] != '0' {
		return bad("the digits do not start with 0")
	}
	day, err := time.ParseInLocation("20060102", digits[7:15], kst)
	if err != nil {
		return bad("no valid YYYYMMDD issue date at digits 8 to 15")
	}
	return CN{
		Name:     cn[:openAt],
		Inner:    cn[openAt+1 : closeAt],
		BankCode: digits[1:4],
		KindCode: digits[4:6],
		IssueDay: day,
		Sequence: digits[15:],
	}, nil
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
