package issuance

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"

	zx509 "github.com/zmap/zcrypto/x509"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// The key ceremony (the root key offline, README "The root key offline"): the server
// makes the issuing CA's key and a PKCS#10 request (CreateCSR); the offline machine
// signs it with the root (IssueIntermediate, the profile the first start uses); the
// server checks what comes back against the same profile (CheckIntermediate) before it
// installs it.

var (
	// ErrNotIssuedBy: the certificate is not signed by the issuer it was checked against.
	ErrNotIssuedBy = errors.New("issuance: the certificate is not signed by this issuer")
	// ErrProfile: the certificate does not have the issuing CA profile of this
	// deployment (its extensions, their order or values, its algorithm, its dates).
	ErrProfile = errors.New("issuance: the certificate is not an issuing CA certificate of this profile")
)

// CreateCSR makes the PKCS#10 request of a CA key for subject, signed with the key (its
// proof of possession; sha256WithRSAEncryption for RSA, as the CA will sign). The
// subject is written byte for byte as subject.Marshal encodes it, so the Korean layout
// and string types survive the trip to the offline machine. The request is parsed and
// its signature verified before it is returned.
func CreateCSR(key crypto.Signer, subject DN) ([]byte, error) {
	if key == nil {
		return nil, errors.New("issuance: CreateCSR needs a key")
	}
	if err := checkCAKey(key.Public()); err != nil {
		return nil, err
	}
	raw, err := subject.Marshal()
	if err != nil {
		return nil, err
	}
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{RawSubject: raw}, key)
	if err != nil {
		return nil, fmt.Errorf("issuance: sign the CA request: %w", err)
	}
	csr, err := x509.ParseCertificateRequest(der)
	if err != nil {
		return nil, fmt.Errorf("issuance: the CA request does not parse: %w", err)
	}
	if err := csr.CheckSignature(); err != nil {
		return nil, fmt.Errorf("issuance: the key returned a request signature that does not verify: %w", err)
	}
	return der, nil
}

// CheckCAKey applies the CA key rules (what CA and responder certificates may certify)
// to a requested key: ErrKeyUnsupported or ErrKeyTooWeak.
func CheckCAKey(pub crypto.PublicKey) error { return checkCAKey(pub) }

// CheckIntermediate checks that der is an issuing CA certificate that this issuer's
// CA (c.Cert; c.Signer is not needed) issued with IssueIntermediate's profile: signed
// by c.Cert's key with its algorithm, issuer name byte for byte c.Cert's subject, a CA
// key this package accepts, exactly the extensions IssueIntermediate writes (AKI, SKI,
// keyUsage, basicConstraints with pathLen 0, CRL DP and AIA for c.Profile.BaseURL, in
// that order, with the same criticality and bytes), a validity within c.Cert's, and no
// lint failure. It returns the parsed certificate. Errors wrap ErrNotIssuedBy,
// ErrProfile or ErrLint; dates against the present are the caller's to check.
func CheckIntermediate(c Config, der []byte) (*x509.Certificate, error) {
	c.Signer = nil
	i, err := newIssuer(c)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("%w: it does not parse: %v", ErrProfile, err)
	}
	if !bytes.Equal(cert.RawIssuer, i.cert.RawSubject) {
		return nil, fmt.Errorf("%w: its issuer is %s, not %s", ErrNotIssuedBy, cert.Issuer, i.cert.Subject)
	}
	if err := cert.CheckSignatureFrom(i.cert); err != nil {
		return nil, fmt.Errorf("%w (%s): %v", ErrNotIssuedBy, i.cert.Subject, err)
	}
	if outer, ok := outerSigAlg(cert.Raw); !ok || !bytes.Equal(outer, i.door.alg.der) {
		return nil, fmt.Errorf("%w: signature algorithm %s, want the issuer's %s", ErrProfile, cert.SignatureAlgorithm, algName(i.door.alg))
	}
	if cert.Version != 3 {
		return nil, fmt.Errorf("%w: version %d, want 3", ErrProfile, cert.Version)
	}
	if err := checkSerial(integerContent(cert.SerialNumber)); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrProfile, err)
	}
	if err := checkCAKey(cert.PublicKey); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrProfile, err)
	}
	if cert.NotBefore.Before(i.cert.NotBefore) || cert.NotAfter.After(i.cert.NotAfter) || !cert.NotAfter.After(cert.NotBefore) {
		return nil, fmt.Errorf("%w: validity %s to %s is not within the issuer's %s to %s", ErrProfile,
			cert.NotBefore.UTC(), cert.NotAfter.UTC(), i.cert.NotBefore.UTC(), i.cert.NotAfter.UTC())
	}
	skid, err := subjectKeyID(cert.RawSubjectPublicKeyInfo)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrProfile, err)
	}
	want := i.intermediateExts(skid)
	if len(cert.Extensions) != len(want) {
		return nil, fmt.Errorf("%w: %d extensions, want %d (%s)", ErrProfile, len(cert.Extensions), len(want), extNames(want))
	}
	for n, w := range want {
		got := cert.Extensions[n]
		switch {
		case !got.Id.Equal(w.id):
			return nil, fmt.Errorf("%w: extension %d is %s, want %s (%s)", ErrProfile, n+1, extName(got.Id), extName(w.id), extNames(want))
		case got.Critical != w.critical:
			return nil, fmt.Errorf("%w: %s is critical=%v, want %v", ErrProfile, extName(w.id), got.Critical, w.critical)
		case !bytes.Equal(got.Value, w.value):
			return nil, fmt.Errorf("%w: %s differs from the profile's%s", ErrProfile, extName(w.id), extHint(w.id, i))
		}
	}
	zc, err := zx509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrProfile, err)
	}
	if fail := failures(i.linter.run(zc)); len(fail) > 0 {
		return nil, &LintError{Findings: fail}
	}
	return cert, nil
}

// outerSigAlg returns the DER signatureAlgorithm of a certificate (RFC 5280 section
// 4.1.1.2), which the TBSCertificate's signature field must equal.
func outerSigAlg(der []byte) ([]byte, bool) {
	in := cryptobyte.String(der)
	var cert, tbs cryptobyte.String
	var alg cryptobyte.String
	if !in.ReadASN1(&cert, cbasn1.SEQUENCE) || !cert.ReadASN1(&tbs, cbasn1.SEQUENCE) ||
		!cert.ReadASN1Element(&alg, cbasn1.SEQUENCE) {
		return nil, false
	}
	return alg, true
}

func algName(a sigAlg) string {
	if a.ecdsa {
		return "ECDSA"
	}
	return "SHA256-RSA"
}

func extName(id interface{ String() string }) string {
	names := map[string]string{
		oidExtAuthorityKeyID.String(): "authorityKeyIdentifier", oidExtSubjectKeyID.String(): "subjectKeyIdentifier",
		oidExtKeyUsage.String(): "keyUsage", oidExtBasicConstraints.String(): "basicConstraints",
		oidExtCRLDistPoints.String(): "cRLDistributionPoints", oidExtAIA.String(): "authorityInfoAccess",
		oidExtCertPolicies.String(): "certificatePolicies", oidExtExtKeyUsage.String(): "extKeyUsage",
		oidExtSubjectAltName.String(): "subjectAltName",
	}
	if n, ok := names[id.String()]; ok {
		return n
	}
	return id.String()
}

func extNames(es []extension) string {
	var s []string
	for _, e := range es {
		s = append(s, extName(e.id))
	}
	return strings.Join(s, ", ")
}

// extHint says what the profile writes where the values come from the deployment.
func extHint(id interface{ String() string }, i *Issuer) string {
	switch id.String() {
	case oidExtCRLDistPoints.String():
		return " (want " + i.CRLURL(0) + ": the base_url the root signed with must be this deployment's)"
	case oidExtAIA.String():
		return " (want caIssuers " + i.certURL + ": the base_url the root signed with must be this deployment's)"
	case oidExtBasicConstraints.String():
		return " (want cA with pathLenConstraint 0)"
	case oidExtKeyUsage.String():
		return " (want keyCertSign and cRLSign)"
	case oidExtAuthorityKeyID.String():
		return " (want the root's key identifier, issuer and serial)"
	}
	return ""
}
