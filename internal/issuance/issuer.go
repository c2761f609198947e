package issuance

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/npki"
	zx509 "github.com/zmap/zcrypto/x509"
)

// ErrAlreadySigned: Sign was called a second time with the same Prepared.
var ErrAlreadySigned = errors.New("issuance: this prepared certificate was already signed (prepare it again)")

// Config builds an Issuer.
type Config struct {
	// ID is the Authority.ID of this CA, named in CRL URLs: <BaseURL>/crl/<ID>/p<N>.crl.
	// Lowercase letters, digits, '-' and '_'.
	ID string
	// Cert is this CA's certificate; its RawSubject becomes the issuer name byte for byte
	// (RFC 5280 section 4.1.2.4), and its key identifier, RawIssuer and serial the AKI
	// of everything it issues (KOREAN-PKI.md section 6).
	Cert *x509.Certificate
	// Signer holds the CA key (internal/signer). Its public key must be Cert's.
	Signer crypto.Signer
	// Profile is the subscriber profile; BaseURL is used for every certificate.
	Profile Profile
	// CertURL is where this CA's certificate is published (AIA caIssuers of what it
	// issues); empty means <BaseURL>/pki/ca.crt.
	CertURL string
	// Linter is shared by every Issuer of the process; nil builds one.
	Linter *Linter
}

// Issuer is a CA that prepares, lints, signs and verifies certificates. It is safe for
// concurrent use if its crypto.Signer is.
type Issuer struct {
	id      string
	cert    *x509.Certificate
	profile Profile
	linter  *Linter
	door    door
	akid    []byte // this CA's key identifier: the AKI of what it issues
	notice  []byte // the profile's notice text as BMPString content
	ocspURL string
	certURL string
	fixed   subscriberExts
}

// subscriberExts are the extensions every subscriber certificate of an Issuer shares,
// encoded once: AKI, keyUsage and AIA are the same in all of them, certificatePolicies
// depends on the kind class alone and the CRL DP on the partition alone.
type subscriberExts struct {
	aki, keyUsage, aia extension
	policies           map[string]extension // by kindClass.code
	crlDP              sync.Map             // partition (int) -> extension, filled on first use
}

// maxCachedPartition bounds the CRL DP cache; a larger partition number (none is
// configured so high) is encoded for each certificate.
const maxCachedPartition = 1 << 12

func (i *Issuer) crlDP(partition int) extension {
	if partition > maxCachedPartition {
		return extCRLDP(i.CRLURL(partition))
	}
	if e, ok := i.fixed.crlDP.Load(partition); ok {
		return e.(extension)
	}
	e := extCRLDP(i.CRLURL(partition))
	i.fixed.crlDP.Store(partition, e)
	return e
}

// door is the only place a CA private key is used.
type door struct {
	key crypto.Signer
	pub crypto.PublicKey
	alg sigAlg
}

// New checks the configuration and returns an Issuer.
func New(c Config) (*Issuer, error) {
	if c.Signer == nil {
		return nil, errors.New("issuance: issuer certificate and signer are required")
	}
	return newIssuer(c)
}

// newIssuer is New without the signer requirement: an Issuer without a key can check
// what its CA issued (CheckIntermediate) but not sign.
func newIssuer(c Config) (*Issuer, error) {
	if !validID(c.ID) {
		return nil, fmt.Errorf("issuance: issuer ID %q must be lowercase letters, digits, '-' or '_' (it is a URL path segment)", c.ID)
	}
	if c.Cert == nil {
		return nil, errors.New("issuance: issuer certificate and signer are required")
	}
	if !c.Cert.IsCA || c.Cert.KeyUsage&x509.KeyUsageCertSign == 0 {
		return nil, fmt.Errorf("issuance: certificate %q is not a CA certificate with keyCertSign", c.Cert.Subject)
	}
	pub := c.Cert.PublicKey
	if c.Signer != nil {
		if !publicKeyEqual(c.Signer.Public(), c.Cert.PublicKey) {
			return nil, fmt.Errorf("issuance: the signer's key is not the key of certificate %q", c.Cert.Subject)
		}
		pub = c.Signer.Public()
	}
	if err := c.Profile.Validate(); err != nil {
		return nil, err
	}
	p := c.Profile.withDefaults()
	alg, err := sigAlgFor(pub)
	if err != nil {
		return nil, err
	}
	akid := c.Cert.SubjectKeyId
	if len(akid) == 0 {
		if akid, err = subjectKeyID(c.Cert.RawSubjectPublicKeyInfo); err != nil {
			return nil, err
		}
	}
	notice, err := bmpString(p.NoticeText)
	if err != nil {
		return nil, err
	}
	certURL := c.CertURL
	if certURL == "" {
		certURL = p.BaseURL + "/pki/ca.crt"
	} else if err := checkURL(certURL); err != nil {
		return nil, fmt.Errorf("issuance: CertURL: %w", err)
	}
	l := c.Linter
	if l == nil {
		if l, err = NewLinter(); err != nil {
			return nil, err
		}
	}
	i := &Issuer{
		id: c.ID, cert: c.Cert, profile: p, linter: l,
		door:    door{key: c.Signer, pub: pub, alg: alg},
		akid:    akid,
		notice:  notice,
		ocspURL: p.BaseURL + "/ocsp",
		certURL: certURL,
	}
	i.fixed.aki = extAKI(akid, c.Cert.RawIssuer, c.Cert.SerialNumber)
	i.fixed.keyUsage = extKeyUsage(kuDigitalSignature, kuNonRepudiation)
	i.fixed.aia = extAIA(i.ocspURL, certURL)
	i.fixed.policies = make(map[string]extension, len(kindTable))
	for _, class := range kindTable {
		i.fixed.policies[class.code] = extCertPolicies(policyOID(p.PolicyArc, class), notice, p.CPSURI)
	}
	return i, nil
}

func validID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// Certificate returns the issuer's own certificate.
func (i *Issuer) Certificate() *x509.Certificate { return i.cert }

// ID returns the issuer's Authority.ID.
func (i *Issuer) ID() string { return i.id }

// CRLURL returns the URL of CRL partition n of this issuer, as written in the CRL
// distribution points of the certificates in that partition.
func (i *Issuer) CRLURL(partition int) string {
	return i.profile.BaseURL + "/crl/" + i.id + "/p" + strconv.Itoa(partition) + ".crl"
}

// Request is a subscriber certificate to issue (KOREAN-PKI.md section 6).
type Request struct {
	// Serial: 16 to 20 bytes, first byte 0x01 to 0x7f (see ErrBadSerial), reserved by the
	// caller before Prepare.
	Serial    model.Serial
	PublicKey crypto.PublicKey // the subscriber's key: RSA-2048 or more, e = 65537
	Kind      model.Kind
	Usage     model.Usage
	// Name is the real name: the CN prefix and the realName of kisa-identifyData.
	Name string
	// InstitutionCode is the 3-digit bank code written in the CN digits.
	InstitutionCode string
	// InstitutionOU is the institution's short name written as the second OU
	// (model.Institution.ShortName, e.g. "WOORI").
	InstitutionOU string
	// Sequence is the 7-digit sequence number ending the CN.
	Sequence int
	// VID is the SHA-256 VID, npki.VID(crypto.SHA256, idn, R): 32 bytes. The identity
	// number itself never enters this package (KOREAN-PKI.md section 5).
	VID []byte
	// NotBefore and NotAfter: ValidityFrom(now, 1) for an issue; IssueDay(now) with
	// RenewalNotAfter(old.NotAfter, 1) for a renewal or old.NotAfter for a reissue
	// (KOREAN-PKI.md section 2). They must be 00:00:00 and 23:59:59 KST.
	NotBefore, NotAfter time.Time
	// Partition is the CRL partition, fixed at issuance, named in the CRL DP.
	Partition int

	// tamper, set only by tests of this package, edits the fields after the profile
	// built them, to prove that the lints refuse what the profile would never produce.
	tamper func(*tbsFields)
}

// Prepared is a linted TBSCertificate waiting for its one signature. It is opaque:
// what was linted is what Sign signs.
type Prepared struct {
	owner    *door
	tbs      []byte
	digest   []byte
	findings []Finding
	signed   atomic.Bool

	commonName          string
	notBefore, notAfter time.Time
	serial              model.Serial
}

// Findings returns the warnings and notices of the lints; error-level findings never
// reach a Prepared.
func (p *Prepared) Findings() []Finding { return p.findings }

// CommonName returns the subject CN (KOREAN-PKI.md section 6), for model.Certificate.
func (p *Prepared) CommonName() string { return p.commonName }

// Serial returns the serial of the certificate.
func (p *Prepared) Serial() model.Serial { return p.serial }

// Validity returns notBefore and notAfter in UTC.
func (p *Prepared) Validity() (notBefore, notAfter time.Time) { return p.notBefore, p.notAfter }

// TBS returns a copy of the linted TBSCertificate: what Sign will sign, for a caller that
// stores it before the signature is done (SignStored signs it again after a crash).
func (p *Prepared) TBS() []byte { return bytes.Clone(p.tbs) }

// Prepare builds the subscriber TBSCertificate, lints it (zlint RFC 5280 and the
// Korean-profile lints) without touching the CA key, and returns it for Sign: Draft
// then Lint. Errors: ErrKeyTooWeak, ErrKeyUnsupported, ErrBadSerial, ErrLint (a
// *LintError), or a plain error naming the request field at fault.
func (i *Issuer) Prepare(req Request) (*Prepared, error) {
	d, err := i.Draft(req)
	if err != nil {
		return nil, err
	}
	return i.Lint(d)
}

// Draft is a subscriber TBSCertificate built from a checked request and not yet
// linted. Nothing signs a Draft; Lint turns it into the Prepared that Sign takes.
type Draft struct {
	owner      *door
	tbs        []byte
	commonName string
	f          *tbsFields
}

// TBS returns a copy of the TBSCertificate, for a caller that stores it while it is
// linted and signed (internal/ca); the bytes linted and signed are these.
func (d *Draft) TBS() []byte { return bytes.Clone(d.tbs) }

// CommonName returns the subject CN (KOREAN-PKI.md section 6), for model.Certificate.
func (d *Draft) CommonName() string { return d.commonName }

// Lint lints a Draft of this issuer (zlint RFC 5280 and the Korean-profile lints) and
// returns it for Sign. Errors: ErrLint (a *LintError).
func (i *Issuer) Lint(d *Draft) (*Prepared, error) {
	if d == nil || d.owner != &i.door {
		return nil, errors.New("issuance: Lint: the draft was not built by this issuer")
	}
	p, _, err := i.door.lint(d.tbs, false, i.subscriberLints)
	if err != nil {
		return nil, err
	}
	p.notBefore, p.notAfter, p.serial = d.f.notBefore, d.f.notAfter, d.f.serial
	p.commonName = d.commonName
	return p, nil
}

// Draft checks the request and builds the subscriber TBSCertificate (Prepare without
// the lints). Errors as Prepare's, but ErrLint.
func (i *Issuer) Draft(req Request) (*Draft, error) {
	if err := checkSerial(req.Serial); err != nil {
		return nil, err
	}
	if err := checkSubscriberKey(req.PublicKey); err != nil {
		return nil, err
	}
	class, err := classOf(req.Kind, req.Usage)
	if err != nil {
		return nil, err
	}
	if err := checkKSTAligned(req.NotBefore, req.NotAfter); err != nil {
		return nil, fmt.Errorf("issuance: validity: %w (use ValidityFrom, IssueDay, RenewalNotAfter)", err)
	}
	if d, max := req.NotAfter.Sub(req.NotBefore), i.maxValidity(class); d > max {
		return nil, fmt.Errorf("issuance: validity of %v is longer than the profile's %v", d, max)
	}
	if req.NotAfter.After(i.cert.NotAfter) {
		return nil, fmt.Errorf("issuance: notAfter %s is after the issuing CA's %s", req.NotAfter.UTC(), i.cert.NotAfter.UTC())
	}
	if req.Partition < 0 {
		return nil, fmt.Errorf("issuance: CRL partition %d is negative", req.Partition)
	}
	if len(req.VID) != 32 {
		return nil, fmt.Errorf("issuance: VID has %d bytes; want a SHA-256 VID of 32 (npki.VID(crypto.SHA256, ...))", len(req.VID))
	}
	cn, err := FormatCN(req.Name, req.InstitutionCode, class.code, req.NotBefore, req.Sequence)
	if err != nil {
		return nil, err
	}
	subject, err := SubscriberName(i.profile.Organization, class.ou, req.InstitutionOU, cn).Marshal()
	if err != nil {
		return nil, err
	}
	spki, err := marshalSPKI(req.PublicKey)
	if err != nil {
		return nil, err
	}
	skid, err := subjectKeyID(spki)
	if err != nil {
		return nil, err
	}
	san, err := npki.MarshalSAN(npki.IdentifyData{RealName: req.Name, HashAlg: crypto.SHA256, VID: req.VID})
	if err != nil {
		return nil, fmt.Errorf("issuance: subjectAltName: %w", err)
	}
	f := &tbsFields{
		serial:    req.Serial,
		sigAlg:    i.door.alg.der,
		issuer:    i.cert.RawSubject,
		notBefore: req.NotBefore.UTC(),
		notAfter:  req.NotAfter.UTC(),
		subject:   subject,
		spki:      spki,
		// The order of the yessign test certificate (KOREAN-PKI.md section 6).
		exts: []extension{
			i.fixed.aki,
			extSKI(skid),
			i.fixed.keyUsage,
			i.fixed.policies[class.code],
			{id: oidExtSubjectAltName, value: san},
			i.crlDP(req.Partition),
			i.fixed.aia,
		},
	}
	if req.tamper != nil {
		req.tamper(f)
	}
	tbs, err := f.marshal()
	if err != nil {
		return nil, err
	}
	return &Draft{owner: &i.door, tbs: tbs, commonName: cn, f: f}, nil
}

// subscriberLints runs the zlint RFC 5280 set and the Korean-profile lints. (Sharing
// them with a second goroutine was measured slower: waking another core costs more
// than the tens of microseconds it would save.)
func (i *Issuer) subscriberLints(c *zx509.Certificate) []Finding {
	return append(i.linter.runSubscriber(c), runKoreanLints(c, &i.profile, i.fixed.aki.value)...)
}

// storedLints are subscriberLints for a TBSCertificate stored before its signature
// was written: it may come from the release before and have the older CN and AKI forms
// (the holder may already have its certificate), which the Korean lints then accept.
func (i *Issuer) storedLints(c *zx509.Certificate) []Finding {
	return append(i.linter.runSubscriber(c), runStoredKoreanLints(c, &i.profile, i.fixed.aki.value)...)
}

// Issue is Prepare then Sign.
func (i *Issuer) Issue(req Request) ([]byte, error) {
	p, err := i.Prepare(req)
	if err != nil {
		return nil, err
	}
	return i.Sign(p)
}

// Deterministic reports whether the CA key's signatures are a function of the signed
// bytes alone (RSA PKCS#1 v1.5, RFC 8017 section 8.2): signing a stored TBSCertificate
// again then reproduces the very certificate. ECDSA signatures are not.
func (i *Issuer) Deterministic() bool { return !i.door.alg.ecdsa }

// SignStored signs a TBSCertificate that Prepare built earlier and that the caller
// stored while the first signature was written, when the process ended before the
// certificate's DER was stored (internal/ca repairs such certificates). The bytes are
// checked as Prepare checks them: they must name this CA as the issuer with its
// signature algorithm, and pass the same lints; then they are signed once. With a
// deterministic key (Deterministic) the result is the certificate the first signature
// made, byte for byte. The caller authenticates where the bytes come from.
func (i *Issuer) SignStored(tbs []byte) ([]byte, *x509.Certificate, error) {
	if err := checkStoredTBS(tbs, i.door.alg.der); err != nil {
		return nil, nil, err
	}
	p, lc, err := i.door.lint(bytes.Clone(tbs), false, i.storedLints)
	if err != nil {
		return nil, nil, err
	}
	if !bytes.Equal(lc.RawIssuer, i.cert.RawSubject) {
		return nil, nil, errors.New("issuance: SignStored: the TBSCertificate names another issuer")
	}
	p.notBefore, p.notAfter, p.serial = lc.NotBefore.UTC(), lc.NotAfter.UTC(), model.Serial(lc.SerialNumber.Bytes())
	p.commonName = lc.Subject.CommonName
	return i.door.signParsed(p)
}

// Sign signs the prepared TBSCertificate exactly once with the CA key, verifies the
// signature against the issuer's public key, parses the result and returns its DER.
// A Prepared is signed at most once (ErrAlreadySigned) and only by the Issuer that
// prepared it.
func (i *Issuer) Sign(p *Prepared) ([]byte, error) {
	return i.door.sign(p)
}

// SignParsed is Sign that also returns the certificate as crypto/x509 parsed it for the
// checks, so that the caller need not parse it again.
func (i *Issuer) SignParsed(p *Prepared) ([]byte, *x509.Certificate, error) {
	return i.door.signParsed(p)
}

// prepare encodes f, lints the exact bytes with lintFn, and returns the Prepared.
// selfSigned tells the linters what the dummy
// signature cannot show: zcrypto marks a certificate self-signed only when its
// signature verifies under its own key, and zlint's root lints depend on that mark.
func (d *door) prepare(f *tbsFields, selfSigned bool, lintFn func(*zx509.Certificate) []Finding) (*Prepared, error) {
	tbs, err := f.marshal()
	if err != nil {
		return nil, err
	}
	p, _, err := d.lint(tbs, selfSigned, lintFn)
	if err != nil {
		return nil, err
	}
	p.notBefore, p.notAfter, p.serial = f.notBefore, f.notAfter, f.serial
	return p, nil
}

// lint lints the exact bytes tbs with lintFn and returns them as a Prepared, with the
// lint copy as zcrypto parsed it.
func (d *door) lint(tbs []byte, selfSigned bool, lintFn func(*zx509.Certificate) []Finding) (*Prepared, *zx509.Certificate, error) {
	lc, err := zx509.ParseCertificate(lintCopy(tbs, d.alg))
	if err != nil {
		return nil, nil, fmt.Errorf("issuance: the lint copy does not parse: %w", err)
	}
	lc.SelfSigned = selfSigned
	findings := lintFn(lc)
	if fail := failures(findings); len(fail) > 0 {
		return nil, nil, &LintError{Findings: fail}
	}
	h := d.alg.hash.New()
	h.Write(tbs)
	return &Prepared{owner: d, tbs: tbs, digest: h.Sum(nil), findings: findings}, lc, nil
}

// sign is the one call to the CA key.
func (d *door) sign(p *Prepared) ([]byte, error) {
	der, _, err := d.signParsed(p)
	return der, err
}

// signParsed is sign that also returns the parsed certificate it checked.
func (d *door) signParsed(p *Prepared) ([]byte, *x509.Certificate, error) {
	if p == nil || p.owner != d {
		return nil, nil, errors.New("issuance: Sign: the certificate was not prepared by this issuer")
	}
	if !p.signed.CompareAndSwap(false, true) {
		return nil, nil, ErrAlreadySigned
	}
	// The bytes signed are the bytes linted: the digest was taken right after linting.
	h := d.alg.hash.New()
	h.Write(p.tbs)
	if !bytes.Equal(h.Sum(nil), p.digest) {
		return nil, nil, errors.New("issuance: Sign: the TBSCertificate changed after linting")
	}
	sig, err := d.key.Sign(rand.Reader, p.digest, d.alg.hash)
	if err != nil {
		return nil, nil, fmt.Errorf("issuance: sign: %w", err)
	}
	if err := verifySignature(d.pub, d.alg.hash, p.digest, sig); err != nil {
		return nil, nil, fmt.Errorf("issuance: the CA key returned a signature that does not verify: %w", err)
	}
	der := assemble(p.tbs, d.alg.der, sig)
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, fmt.Errorf("issuance: the signed certificate does not parse: %w", err)
	}
	if !bytes.Equal(c.RawTBSCertificate, p.tbs) {
		return nil, nil, errors.New("issuance: the signed certificate's TBSCertificate is not the linted one")
	}
	return der, c, nil
}
