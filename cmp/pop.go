package cmp

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"fmt"
	"io"

	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"
)

// VerifyPOP checks the proof of possession of one certificate request (RFC 4211
// section 4). A signature POP is verified with the template's public key over the DER
// of certReq as received (section 4.1, poposkInput absent), or over poposkInput when
// present (then the key comes from poposkInput and must equal the template's if both are
// given; the publicKeyMAC form of authInfo is not supported). raVerified is accepted only when allowRAVerified is true: whether the
// sender is an RA entitled to vouch is the caller's decision. Every failure wraps
// ErrBadPOP (failInfo badPOP), or ErrBadCertTemplate when the template has no key.
func VerifyPOP(m *CertReqMsg, allowRAVerified bool) error {
	if m.POP == nil {
		return fmt.Errorf("%w: no popo", ErrBadPOP)
	}
	switch m.POP.Kind {
	case POPRAVerified:
		if !allowRAVerified {
			return fmt.Errorf("%w: raVerified from a sender that is not a trusted RA", ErrBadPOP)
		}
		return nil
	case POPSignature:
	default:
		return fmt.Errorf("%w: POP kind %d not supported (signature keys only)", ErrBadPOP, m.POP.Kind)
	}
	sk := m.POP.Signature
	data := m.RawCertReq
	spki := m.Template.PublicKey
	if sk.Input != nil {
		if m.Template.Subject != nil && m.Template.PublicKey != nil {
			// RFC 4211 section 4.1: poposkInput MUST be absent when the template has both.
			return fmt.Errorf("%w: poposkInput with both subject and publicKey in the template", ErrBadPOP)
		}
		inKey, err := poposkInputKey(sk.Input)
		if err != nil {
			return err
		}
		if spki != nil && !bytes.Equal(spki, inKey) {
			return fmt.Errorf("%w: poposkInput publicKey differs from the template's", ErrBadPOP)
		}
		spki, data = inKey, sk.Input
	}
	if data == nil {
		var err error
		if data, err = marshalCertReq(m); err != nil {
			return err
		}
	}
	if spki == nil {
		return fmt.Errorf("%w: no publicKey to verify the POP with", ErrBadCertTemplate)
	}
	pub, err := x509.ParsePKIXPublicKey(spki)
	if err != nil {
		return fmt.Errorf("%w: publicKey: %v", ErrBadCertTemplate, err)
	}
	if err := verifySignature(pub, sk.Algorithm, data, sk.Signature, ErrBadPOP); err != nil {
		if FailureInfoOf(err) == FailBadAlg {
			return fmt.Errorf("%w: %v", ErrBadPOP, err)
		}
		return err
	}
	return nil
}

// poposkInputKey returns the SubjectPublicKeyInfo of POPOSigningKeyInput (RFC 4211
// section 4.1) when authInfo is sender; publicKeyMAC needs a shared secret we do not handle.
func poposkInputKey(der []byte) ([]byte, error) {
	s := cryptobyte.String(der)
	var seq cryptobyte.String
	if !s.ReadASN1(&seq, asn1.SEQUENCE) {
		return nil, fmt.Errorf("%w: poposkInput", ErrBadPOP)
	}
	if !seq.PeekASN1Tag(ctx(0)) {
		return nil, fmt.Errorf("%w: poposkInput publicKeyMAC is not supported", ErrBadPOP)
	}
	var sender cryptobyte.String
	spki, ok := []byte(nil), seq.ReadASN1(&sender, ctx(0))
	if ok {
		spki, ok = readElement(&seq, asn1.SEQUENCE)
	}
	if !ok || !seq.Empty() {
		return nil, fmt.Errorf("%w: poposkInput", ErrBadPOP)
	}
	return spki, nil
}

// VerifyP10CR checks the self-signature of a p10cr's PKCS#10 request, its proof of
// possession (RFC 4210 section 5.3.1 keeps PKCS#10's own POP). Failure wraps ErrBadPOP.
func VerifyP10CR(csr *x509.CertificateRequest) error {
	if csr == nil {
		return fmt.Errorf("%w: no certification request", ErrBadPOP)
	}
	if err := csr.CheckSignature(); err != nil {
		return fmt.Errorf("%w: PKCS#10 signature: %v", ErrBadPOP, err)
	}
	return nil
}

// SignPOP encodes m's certReq and sets a signature POP made with signer, the key the
// template asks to certify (RFC 4211 section 4.1). If the template has no publicKey,
// SignPOP fills it from signer.Public().
func (m *CertReqMsg) SignPOP(signer crypto.Signer, rand io.Reader) error {
	if m.Template.PublicKey == nil {
		spki, err := x509.MarshalPKIXPublicKey(signer.Public())
		if err != nil {
			return fmt.Errorf("cmp: POP public key: %w", err)
		}
		m.Template.PublicKey = spki
	}
	req, err := marshalCertReq(m)
	if err != nil {
		return err
	}
	alg, sig, err := sign(signer, rand, req)
	if err != nil {
		return err
	}
	m.RawCertReq = req
	m.POP = &ProofOfPossession{Kind: POPSignature, Signature: &POPOSigningKey{Algorithm: alg, Signature: sig}}
	return nil
}
