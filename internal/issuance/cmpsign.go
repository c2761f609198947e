package issuance

import (
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"errors"
	"fmt"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// ErrNotProtectedPart: SignCMP was handed bytes that are not a CMP ProtectedPart.
var ErrNotProtectedPart = errors.New("issuance: SignCMP signs only a CMP ProtectedPart (SEQUENCE { PKIHeader, PKIBody })")

// CMPSigner signs CMP messages (RFC 4210 section 5.1.3.3) with a role key of the
// authority whose certificate has keyUsage digitalSignature: OpenSSL refuses a CMP
// signer without it ("missing key usage digitalsignature"), so the CA key itself, whose
// certificate has only keyCertSign and cRLSign, cannot protect CMP messages.
type CMPSigner struct {
	cert *x509.Certificate
	door door
}

// NewCMPSigner checks that key is cert's and that cert allows digitalSignature.
func NewCMPSigner(cert *x509.Certificate, key crypto.Signer) (*CMPSigner, error) {
	if cert == nil || key == nil {
		return nil, errors.New("issuance: CMP signer certificate and key are required")
	}
	if cert.KeyUsage&x509.KeyUsageDigitalSignature == 0 {
		return nil, fmt.Errorf("issuance: certificate %q lacks keyUsage digitalSignature, which a CMP signer needs", cert.Subject)
	}
	if !publicKeyEqual(key.Public(), cert.PublicKey) {
		return nil, fmt.Errorf("issuance: the key is not the key of certificate %q", cert.Subject)
	}
	alg, err := sigAlgFor(key.Public())
	if err != nil {
		return nil, err
	}
	return &CMPSigner{cert: cert, door: door{key: key, pub: key.Public(), alg: alg}}, nil
}

// Certificate is the signer's certificate, to put first in extraCerts.
func (s *CMPSigner) Certificate() *x509.Certificate { return s.cert }

// Algorithm is the DER AlgorithmIdentifier of SignCMP's signatures, which the caller
// writes into the header's protectionAlg before encoding the ProtectedPart.
func (s *CMPSigner) Algorithm() []byte { return append([]byte(nil), s.door.alg.der...) }

// SignCMP signs the ProtectedPart of a CMP message. The input must have the shape of a
// ProtectedPart, SEQUENCE { PKIHeader SEQUENCE { INTEGER pvno (2 or 3), GeneralName ...
// }, PKIBody [0..26] }, which no TBSCertificate (it starts with [0] version or an INTEGER
// serial followed by an AlgorithmIdentifier), TBSCertList (INTEGER 1 then an
// AlgorithmIdentifier) or OCSP ResponseData (a context tag first) has, so the role key
// signs nothing else through this door. The signature is verified before it is returned.
func (s *CMPSigner) SignCMP(protectedPart []byte) ([]byte, error) {
	if !isProtectedPart(protectedPart) {
		return nil, ErrNotProtectedPart
	}
	h := s.door.alg.hash.New()
	h.Write(protectedPart)
	digest := h.Sum(nil)
	sig, err := s.door.key.Sign(rand.Reader, digest, s.door.alg.hash)
	if err != nil {
		return nil, fmt.Errorf("issuance: sign CMP message: %w", err)
	}
	if err := verifySignature(s.door.pub, s.door.alg.hash, digest, sig); err != nil {
		return nil, fmt.Errorf("issuance: the CMP key returned a signature that does not verify: %w", err)
	}
	return sig, nil
}

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
