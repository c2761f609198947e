package issuance

import (
	"crypto"
	"errors"
	"fmt"
	"time"

	"github.com/certcenter/certcenter/internal/model"
)

// CARequest is a CA or responder certificate to issue. CA certificates go through the
// same door as subscriber certificates: encode, lint (zlint RFC 5280), sign once, verify.
type CARequest struct {
	// Serial: 16 to 20 bytes, first byte 0x01 to 0x7f (see ErrBadSerial).
	Serial model.Serial
	// Subject, e.g. CAName("KR", "KISA", "Korea Certification Authority Central",
	// "certcenter Demo RootCA") for a root or CAName("kr", org, "AccreditedCA", name) for
	// an issuing CA, the layouts of KISA and yessign (KOREAN-PKI.md section 6).
	Subject DN
	// PublicKey is the certified key; SelfSignRoot ignores it and uses the signer's.
	PublicKey crypto.PublicKey
	// NotBefore and NotAfter, e.g. from ValidityFrom(now, 20).
	NotBefore, NotAfter time.Time
}

func (r *CARequest) check() (subject, spki, skid []byte, err error) {
	if err := checkSerial(r.Serial); err != nil {
		return nil, nil, nil, err
	}
	if !r.NotAfter.After(r.NotBefore) {
		return nil, nil, nil, errors.New("issuance: CA validity: notAfter is not after notBefore")
	}
	r.NotBefore, r.NotAfter = r.NotBefore.UTC().Truncate(time.Second), r.NotAfter.UTC().Truncate(time.Second)
	if subject, err = r.Subject.Marshal(); err != nil {
		return nil, nil, nil, err
	}
	if spki, err = marshalSPKI(r.PublicKey); err != nil {
		return nil, nil, nil, err
	}
	if skid, err = subjectKeyID(spki); err != nil {
		return nil, nil, nil, err
	}
	return subject, spki, skid, nil
}

// SelfSignRoot issues a self-signed root (the KISA role, model.RoleRoot): SKI,
// keyUsage critical {keyCertSign, cRLSign}, basicConstraints critical cA without a path
// length (RFC 5280 sections 4.2.1.2, 4.2.1.3, 4.2.1.9; the AKI is optional in a
// self-signed certificate, section 4.2.1.1). The key signs exactly once.
func SelfSignRoot(key crypto.Signer, req CARequest, l *Linter) ([]byte, error) {
	if key == nil || l == nil {
		return nil, errors.New("issuance: SelfSignRoot needs a signer and a linter")
	}
	req.PublicKey = key.Public()
	if err := checkCAKey(req.PublicKey); err != nil {
		return nil, err
	}
	subject, spki, skid, err := req.check()
	if err != nil {
		return nil, err
	}
	alg, err := sigAlgFor(key.Public())
	if err != nil {
		return nil, err
	}
	d := &door{key: key, pub: key.Public(), alg: alg}
	p, err := d.prepare(&tbsFields{
		serial: req.Serial, sigAlg: alg.der, issuer: subject,
		notBefore: req.NotBefore, notAfter: req.NotAfter, subject: subject, spki: spki,
		exts: []extension{
			extSKI(skid),
			extKeyUsage(kuKeyCertSign, kuCRLSign),
			extBasicConstraints(-1),
		},
	}, true, l.run)
	if err != nil {
		return nil, err
	}
	return d.sign(p)
}

// IssueIntermediate issues an issuing CA (the yessign role, model.RoleIssuing) under this
// issuer: AKI, SKI, keyUsage critical {keyCertSign, cRLSign}, basicConstraints critical
// cA with pathLen 0 (it issues only end entities), CRL distribution point partition 0 of
// this issuer and AIA caIssuers (RFC 5280 sections 4.2.1.9, 4.2.1.13, 4.2.2.1).
func (i *Issuer) IssueIntermediate(req CARequest) ([]byte, error) {
	if err := checkCAKey(req.PublicKey); err != nil {
		return nil, err
	}
	subject, spki, skid, err := req.check()
	if err != nil {
		return nil, err
	}
	return i.signCA(req, subject, spki, i.intermediateExts(skid))
}

// intermediateExts are the extensions of an issuing CA certificate with key identifier
// skid under this issuer, in order: what IssueIntermediate writes and what
// CheckIntermediate expects.
func (i *Issuer) intermediateExts(skid []byte) []extension {
	return []extension{
		i.fixed.aki,
		extSKI(skid),
		extKeyUsage(kuKeyCertSign, kuCRLSign),
		extBasicConstraints(0),
		extCRLDP(i.CRLURL(0)),
		extAIA("", i.certURL),
	}
}

// IssueOCSPResponder issues a delegated OCSP responder certificate (model.RoleOCSP):
// AKI, SKI, keyUsage critical {digitalSignature}, extKeyUsage id-kp-OCSPSigning and
// id-pkix-ocsp-nocheck, so clients do not ask for the responder's own status
// (RFC 6960 sections 4.2.2.2 and 4.2.2.2.1). Keep its validity short: nocheck means it
// cannot be revoked in practice.
func (i *Issuer) IssueOCSPResponder(req CARequest) ([]byte, error) {
	if err := checkCAKey(req.PublicKey); err != nil {
		return nil, err
	}
	subject, spki, skid, err := req.check()
	if err != nil {
		return nil, err
	}
	return i.signCA(req, subject, spki, []extension{
		i.fixed.aki,
		extSKI(skid),
		extKeyUsage(kuDigitalSignature),
		extEKU(oidKPOCSPSigning),
		extOCSPNoCheck(),
	})
}

func (i *Issuer) signCA(req CARequest, subject, spki []byte, exts []extension) ([]byte, error) {
	if req.NotAfter.After(i.cert.NotAfter) {
		return nil, fmt.Errorf("issuance: notAfter %s is after the issuer's %s", req.NotAfter, i.cert.NotAfter.UTC())
	}
	p, err := i.door.prepare(&tbsFields{
		serial: req.Serial, sigAlg: i.door.alg.der, issuer: i.cert.RawSubject,
		notBefore: req.NotBefore, notAfter: req.NotAfter, subject: subject, spki: spki, exts: exts,
	}, false, i.linter.run)
	if err != nil {
		return nil, err
	}
	return i.door.sign(p)
}

// checkCAKey accepts the keys a CA or responder may hold: the signature algorithms
// sigAlgFor knows, RSA of at least MinRSABits.
func checkCAKey(pub crypto.PublicKey) error {
	if _, err := sigAlgFor(pub); err != nil {
		return fmt.Errorf("%w: %v", ErrKeyUnsupported, err)
	}
	if alg, _ := sigAlgFor(pub); !alg.ecdsa && alg.sigLen*8 < MinRSABits {
		return fmt.Errorf("%w: RSA-%d", ErrKeyTooWeak, alg.sigLen*8)
	}
	return nil
}
