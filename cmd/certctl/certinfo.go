package main

import (
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/certcenter/certcenter/npki"
)

// What a certificate says about itself, read the way Korean certificate software
// reads it (KOREAN-PKI.md section 6).

// kst is Korea Standard Time: validity is aligned to KST midnight, so dates are shown
// there whatever the machine's zone.
var kst = time.FixedZone("KST", 9*60*60)

// renewalWindow is how long before expiry a certificate "expires soon": the 30 days in
// which it can be renewed (KOREAN-PKI.md section 2).
const renewalWindow = 30 * 24 * time.Hour

// Status values, stable in --json.
const (
	statusValid       = "valid"
	statusExpiresSoon = "expires-soon"
	statusExpired     = "expired"
	statusNotYetValid = "not-yet-valid"
	// Known from the CA (list --check) or from this device (certctl revoke, a cached
	// OCSP answer): revoked (폐기), suspended (효력정지, certificateHold).
	statusRevoked   = "revoked"
	statusSuspended = "suspended"
)

// certStatus classifies a certificate at now: expired after notAfter, expires soon
// within the renewal window, else valid.
func certStatus(cert *x509.Certificate, now time.Time) string {
	switch {
	case now.After(cert.NotAfter):
		return statusExpired
	case now.Before(cert.NotBefore):
		return statusNotYetValid
	case cert.NotAfter.Sub(now) <= renewalWindow:
		return statusExpiresSoon
	}
	return statusValid
}

// daysLeft is the number of whole days until notAfter, negative once expired.
func daysLeft(cert *x509.Certificate, now time.Time) int {
	return int(math.Floor(cert.NotAfter.Sub(now).Hours() / 24))
}

// Kinds and usages, stable in --json.
const (
	kindPersonal  = "personal"
	kindCorporate = "corporate"

	usageUniversal  = "universal"
	usageBanking    = "banking"    // bank / insurance / card
	usageSecurities = "securities" // securities / insurance
	usageCard       = "card"
	usageFinancial  = "financial" // 금융인증서: key in the issuer's cloud
)

type policyInfo struct {
	Authority string // the CA whose arc this is
	Kind      string // "" when the policy does not say
	Usage     string
}

// policies is KOREAN-PKI.md section 6's table of policy OIDs. This project's own arc
// defaults to 1.2.410.200005.1.1, the same structure and numbers as yessign's, so its
// certificates read as yessign's kinds.
var policies = map[string]policyInfo{
	// yessign (KFTC), and this project's default arc.
	"1.2.410.200005.1.1.1":   {"yessign", kindPersonal, usageUniversal},
	"1.2.410.200005.1.1.5":   {"yessign", kindCorporate, usageUniversal},
	"1.2.410.200005.1.1.4":   {"yessign", kindPersonal, usageBanking},
	"1.2.410.200005.1.1.2":   {"yessign", kindCorporate, usageBanking},
	"1.2.410.200005.1.1.6.2": {"yessign", "", usageCard},
	// yessign financial certificates.
	"1.2.410.200005.1.1.1.10": {"yessign", kindPersonal, usageFinancial},
	"1.2.410.200005.1.1.8.11": {"yessign", kindCorporate, usageFinancial},
	"1.2.410.200005.1.1.8.12": {"yessign", kindCorporate, usageFinancial},
	"1.2.410.200005.1.1.8.13": {"yessign", kindCorporate, usageFinancial},
	// KICA (signGATE).
	"1.2.410.200004.5.2.1.2":   {"KICA", kindPersonal, usageUniversal},
	"1.2.410.200004.5.2.1.1":   {"KICA", kindCorporate, usageUniversal},
	"1.2.410.200004.5.2.1.7.1": {"KICA", "", usageBanking},
	"1.2.410.200004.5.2.1.7.2": {"KICA", "", usageSecurities},
	"1.2.410.200004.5.2.1.7.3": {"KICA", "", usageCard},
	// SignKorea (KOSCOM).
	"1.2.410.200004.5.1.1.5":   {"SignKorea", kindPersonal, usageUniversal},
	"1.2.410.200004.5.1.1.7":   {"SignKorea", kindCorporate, usageUniversal},
	"1.2.410.200004.5.1.1.9":   {"SignKorea", "", usageSecurities},
	"1.2.410.200004.5.1.1.9.2": {"SignKorea", "", usageCard},
	// CrossCert.
	"1.2.410.200004.5.4.1.1":   {"CrossCert", kindPersonal, usageUniversal},
	"1.2.410.200004.5.4.1.2":   {"CrossCert", kindCorporate, usageUniversal},
	"1.2.410.200004.5.4.1.101": {"CrossCert", "", usageBanking},
	"1.2.410.200004.5.4.1.102": {"CrossCert", "", usageSecurities},
	// TradeSign (KTNET).
	"1.2.410.200012.1.1.1":   {"TradeSign", kindPersonal, usageUniversal},
	"1.2.410.200012.1.1.3":   {"TradeSign", kindCorporate, usageUniversal},
	"1.2.410.200012.1.1.101": {"TradeSign", "", usageBanking},
	"1.2.410.200012.1.1.103": {"TradeSign", "", usageSecurities},
	"1.2.410.200012.1.1.105": {"TradeSign", "", usageCard},
}

// certPolicy returns the first policy OID the table knows, else the first one.
func certPolicy(cert *x509.Certificate) (oid string, info policyInfo, known bool) {
	for _, p := range cert.PolicyIdentifiers {
		if info, ok := policies[p.String()]; ok {
			return p.String(), info, true
		}
	}
	if len(cert.PolicyIdentifiers) > 0 {
		return cert.PolicyIdentifiers[0].String(), policyInfo{}, false
	}
	return "", policyInfo{}, false
}

type bankName struct{ ko, en string }

// banks maps the 3-digit bank codes of registration institutions to names. 901 to 903
// are this project's demo institutions, named as the server's bootstrap names them
// (internal/app/bootstrap.go).
var banks = map[string]bankName{
	"002": {"KDB산업은행", "KDB Korea Development Bank"},
	"003": {"IBK기업은행", "IBK Industrial Bank of Korea"},
	"004": {"KB국민은행", "KB Kookmin Bank"},
	"007": {"수협은행", "Suhyup Bank"},
	"011": {"NH농협은행", "NH NongHyup Bank"},
	"020": {"우리은행", "Woori Bank"},
	"023": {"SC제일은행", "SC First Bank"},
	"027": {"한국씨티은행", "Citibank Korea"},
	"031": {"대구은행", "Daegu Bank (iM Bank)"},
	"032": {"부산은행", "Busan Bank"},
	"034": {"광주은행", "Gwangju Bank"},
	"035": {"제주은행", "Jeju Bank"},
	"037": {"전북은행", "Jeonbuk Bank"},
	"039": {"경남은행", "Kyongnam Bank"},
	"045": {"새마을금고", "MG Community Credit Cooperatives"},
	"048": {"신협", "Shinhyup"},
	"071": {"우체국", "Korea Post"},
	"081": {"하나은행", "Hana Bank"},
	"088": {"신한은행", "Shinhan Bank"},
	"089": {"케이뱅크", "K Bank"},
	"090": {"카카오뱅크", "KakaoBank"},
	"092": {"토스뱅크", "Toss Bank"},
	"901": {"데모은행", "Demo Bank"},
	"902": {"한빛은행", "Hanbit Bank"},
	"903": {"새봄증권", "Saebom Securities"},
}

// bankCode returns the bank code in a CN written name()0 + digits: the 3 characters
// after "()0" (KOREAN-PKI.md section 6), or "" when the CN has another layout.
func bankCode(cn string) string {
	i := strings.Index(cn, "()0")
	if i < 0 || len(cn) < i+6 {
		return ""
	}
	code := cn[i+3 : i+6]
	for _, d := range []byte(code) {
		if d < '0' || d > '9' {
			return ""
		}
	}
	return code
}

// displayName is the CN up to its parentheses: the holder's name.
func displayName(cn string) string {
	if i := strings.IndexByte(cn, '('); i > 0 {
		return cn[:i]
	}
	return cn
}

var (
	oidOU = asn1.ObjectIdentifier{2, 5, 4, 11}
	oidO  = asn1.ObjectIdentifier{2, 5, 4, 10}
)

// subjectOUs returns the subject's OUs in certificate order (kind first, then
// institution), each OU being its own RDN in Korean certificates.
func subjectOUs(cert *x509.Certificate) []string {
	var ous []string
	for _, atv := range cert.Subject.Names {
		if atv.Type.Equal(oidOU) {
			if s, ok := atv.Value.(string); ok {
				ous = append(ous, s)
			}
		}
	}
	return ous
}

// certAuthority names the CA: the issuer's O, else the subject's O (Korean subjects
// carry their CA's name there too), else the NPKI folder it was found in.
func certAuthority(cert *x509.Certificate, folder string) string {
	for _, n := range [][]string{cert.Issuer.Organization, cert.Subject.Organization} {
		if len(n) > 0 && n[0] != "" {
			return n[0]
		}
	}
	return folder
}

var attrKeys = map[string]string{
	"2.5.4.3": "cn", "2.5.4.6": "c", "2.5.4.7": "l", "2.5.4.8": "st", "2.5.4.10": "o",
	"2.5.4.11": "ou", "2.5.4.5": "serialnumber", "0.9.2342.19200300.100.1.25": "dc",
}

// dnString writes a DN from its raw DER, most specific RDN first, each RDN as found:
// crypto/x509's pkix.Name merges the two OUs of a Korean subject into one RDN, which
// is not what the certificate says.
func dnString(raw []byte) string {
	var rdns pkix.RDNSequence
	if rest, err := asn1.Unmarshal(raw, &rdns); err != nil || len(rest) > 0 {
		return "?"
	}
	var parts []string
	for i := len(rdns) - 1; i >= 0; i-- {
		var atvs []string
		for _, atv := range rdns[i] {
			k, ok := attrKeys[atv.Type.String()]
			if !ok {
				k = atv.Type.String()
			}
			atvs = append(atvs, strings.ToUpper(k)+"="+fmt.Sprint(atv.Value))
		}
		parts = append(parts, strings.Join(atvs, "+"))
	}
	return strings.Join(parts, ", ")
}

// certView is what list, show and import print, and their --json.
type certView struct {
	Index       int       `json:"index,omitempty"`
	Name        string    `json:"name"`
	Subject     string    `json:"subject"`
	Issuer      string    `json:"issuer,omitempty"`
	Institution string    `json:"institution,omitempty"`
	BankCode    string    `json:"bank_code,omitempty"`
	BankName    string    `json:"bank_name,omitempty"`
	CA          string    `json:"ca"`
	Kind        string    `json:"kind,omitempty"`
	Usage       string    `json:"usage,omitempty"`
	PolicyOID   string    `json:"policy_oid,omitempty"`
	Serial      string    `json:"serial"`
	NotBefore   time.Time `json:"not_before"`
	NotAfter    time.Time `json:"not_after"`
	DaysLeft    int       `json:"days_left"`
	Status      string    `json:"status"`
	Folder      string    `json:"folder"`
	KeyFile     bool      `json:"key_file"`
	KMPair      bool      `json:"km_pair,omitempty"`
	// Revocation is the live status from the certificate's OCSP responder or CRL
	// (list --check), or a revocation known without asking (list).
	Revocation *revocationResult `json:"revocation,omitempty"`

	// show only.
	VID         *vidView `json:"vid,omitempty"`
	SHA256      string   `json:"sha256,omitempty"`
	KeyFileInfo string   `json:"key_file_encryption,omitempty"`

	startsIn int // whole days until notBefore, for a certificate not yet valid
}

type vidView struct {
	Present  bool   `json:"present"`
	RealName string `json:"real_name,omitempty"`
	HashAlg  string `json:"hash,omitempty"`
	Error    string `json:"error,omitempty"`
}

// serialHex is the serial number as Korean tools print it: uppercase hex, no 0x.
func serialHex(cert *x509.Certificate) string {
	return strings.ToUpper(cert.SerialNumber.Text(16))
}

func newCertView(e *entry, now time.Time, lang lang) certView {
	cert := e.cert
	v := certView{
		Index:     e.index,
		Name:      displayName(cert.Subject.CommonName),
		Subject:   dnString(cert.RawSubject),
		CA:        certAuthority(cert, e.caFolder),
		Serial:    serialHex(cert),
		NotBefore: cert.NotBefore.In(kst),
		NotAfter:  cert.NotAfter.In(kst),
		DaysLeft:  daysLeft(cert, now),
		Status:    certStatus(cert, now),
		Folder:    e.dir,
		KeyFile:   e.hasKey,
		KMPair:    e.hasKM,
	}
	if v.Status == statusNotYetValid {
		v.startsIn = int(math.Ceil(cert.NotBefore.Sub(now).Hours() / 24))
	}
	if ous := subjectOUs(cert); len(ous) >= 2 {
		v.Institution = ous[1]
	}
	if code := bankCode(cert.Subject.CommonName); code != "" {
		v.BankCode = code
		if b, ok := banks[code]; ok {
			v.BankName = b.en
			if lang == langKO {
				v.BankName = b.ko
			}
		}
	}
	oid, info, _ := certPolicy(cert)
	v.PolicyOID, v.Kind, v.Usage = oid, info.Kind, info.Usage
	return v
}

// addDetails fills what show prints beyond list: issuer, fingerprint, VID presence.
func (v *certView) addDetails(cert *x509.Certificate) {
	v.Issuer = dnString(cert.RawIssuer)
	sum := sha256.Sum256(cert.Raw)
	v.SHA256 = hex.EncodeToString(sum[:])
	id, err := npki.ParseIdentifyDataFromCert(cert)
	switch {
	case errors.Is(err, npki.ErrNoIdentifyData):
		v.VID = &vidView{Present: false}
	case err != nil:
		v.VID = &vidView{Present: false, Error: err.Error()}
	default:
		v.VID = &vidView{Present: true, RealName: id.RealName, HashAlg: id.HashAlg.String()}
	}
}
