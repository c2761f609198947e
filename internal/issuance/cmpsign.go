package issuance

import (
	"crypto/rand"
	"errors"
	"fmt"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// ErrNotProtectedPart: SignCMP was handed bytes that are not a CMP ProtectedPart.
var ErrNotProtectedPart = errors.New("issuance: SignCMP signs only a CMP ProtectedPart (SEQUENCE { PKIHeader, PKIBody })")

// SignCMP signs the ProtectedPart of a CMP response (RFC 4210 section 5.1.3.3) with this
// issuer's key: the CA protects its own CMP messages, as RFC 4210 section 5.1.3.3 allows,
// so that a client trusting the root verifies them (OpenSSL: -trusted root.pem).
//
// The signature algorithm is CMPAlgorithm's, which the caller writes into the header's
// protectionAlg before encoding the ProtectedPart. This is a
// second door to the CA key with its own guard: the input must have the shape of a
// ProtectedPart, SEQUENCE { PKIHeader SEQUENCE { INTEGER pvno (2 or 3), GeneralName ... },
// PKIBody [0..26] }, which no TBSCertificate (it starts with [0] version or an INTEGER
// serial followed by an AlgorithmIdentifier), TBSCertList (INTEGER 1 then an
// AlgorithmIdentifier) or OCSP ResponseData (a context tag first) has, so this door
// cannot be used to sign a certificate, a CRL or an OCSP response. The signature is
// verified against the CA's public key before it is returned.
func (i *Issuer) SignCMP(protectedPart []byte) ([]byte, error) {
	if !isProtectedPart(protectedPart) {
		return nil, ErrNotProtectedPart
	}
	h := i.door.alg.hash.New()
	h.Write(protectedPart)
	digest := h.Sum(nil)
	sig, err := i.door.key.Sign(rand.Reader, digest, i.door.alg.hash)
	if err != nil {
		return nil, fmt.Errorf("issuance: sign CMP message: %w", err)
	}
	if err := verifySignature(i.door.pub, i.door.alg.hash, digest, sig); err != nil {
		return nil, fmt.Errorf("issuance: the CA key returned a CMP signature that does not verify: %w", err)
	}
	return sig, nil
}

// CMPAlgorithm is the DER AlgorithmIdentifier of SignCMP's signatures (the CA's
// certificate signature algorithm: sha256WithRSAEncryption for an RSA key).
func (i *Issuer) CMPAlgorithm() []byte { return append([]byte(nil), i.door.alg.der...) }

// isProtectedPart checks the outer shape of ProtectedPart (RFC 4210 section 5.1.3).
func isProtectedPart(der []byte) bool {
	s := cryptobyte.String(der)
	var seq, header cryptobyte.String
	if !s.ReadASN1(&seq, cbasn1.SEQUENCE) || !s.Empty() || !seq.ReadASN1(&header, cbasn1.SEQUENCE) {
		return false
	}
	var pvno int64
	if !header.ReadASN1Integer(&pvno) || (pvno != 2 && pvno != 3) {
		return false
	}
	var name cryptobyte.String
	var tag cbasn1.Tag
	if !header.ReadAnyASN1(&name, &tag) || tag&0xc0 != 0x80 { // sender GeneralName: context-specific
		return false
	}
	var body cryptobyte.String
	if !seq.ReadAnyASN1(&body, &tag) || !seq.Empty() {
		return false
	}
	return tag&0xe0 == 0xa0 && tag&0x1f <= 26 // [n] EXPLICIT, constructed
}
