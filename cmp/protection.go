package cmp

import (
	"bytes"
	"crypto"
	"crypto/hmac"
	"crypto/x509"
	"fmt"
	"io"

	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"
)

// MaxPBMIterations caps PBMParameter.iterationCount. The count is chosen by whoever
// sends the message, so an unbounded count lets one request burn a server's CPU; OpenSSL
// (OSSL_CRMF_PBM_MAX_ITERATION_COUNT) refuses the same values, so no interoperable peer
// sends more. VerifyPBM checks the cap before hashing anything.
const MaxPBMIterations = 100000

// PBMSaltSize is the salt length NewPBMParameter draws; OpenSSL uses 16 bytes.
const PBMSaltSize = 16

// ProtectionKind tells how a message is protected.
type ProtectionKind int

const (
	ProtectionNone      ProtectionKind = iota // no protectionAlg or no protection
	ProtectionPBM                             // password-based MAC (RFC 4210 section 5.1.3.1)
	ProtectionSignature                       // a signature algorithm (RFC 4210 section 5.1.3.3)
	ProtectionUnknown                         // an algorithm this package does not know
)

func (k ProtectionKind) String() string {
	return [...]string{"none", "PBM", "signature", "unknown"}[k]
}

// ProtectionKind reports the kind of protection the header announces.
func (m *Message) ProtectionKind() ProtectionKind {
	switch {
	case m.Header.ProtectionAlg == nil || m.Protection == nil:
		return ProtectionNone
	case m.Header.ProtectionAlg.Algorithm.Equal(OIDPasswordBasedMAC):
		return ProtectionPBM
	case isSignatureAlg(m.Header.ProtectionAlg.Algorithm):
		return ProtectionSignature
	}
	return ProtectionUnknown
}

// PBMParameter (RFC 4210 section 5.1.3.1):
//
//	PBMParameter ::= SEQUENCE {
//	    salt                OCTET STRING,
//	    owf                 AlgorithmIdentifier,  -- SHA-1, SHA-256, ...
//	    iterationCount      INTEGER,
//	    mac                 AlgorithmIdentifier } -- HMAC-SHA1, hmacWithSHA256, ...
type PBMParameter struct {
	Salt           []byte
	OWF            AlgorithmIdentifier
	IterationCount int
	MAC            AlgorithmIdentifier
}

// NewPBMParameter returns parameters with a fresh PBMSaltSize-byte salt from rand.
// OpenSSL's defaults are owf SHA-256, mac SHA-1 (hmac-sha1) and 500 iterations.
func NewPBMParameter(rand io.Reader, owf, mac crypto.Hash, iterations int) (PBMParameter, error) {
	owfOID, ok1 := oidOfHash(owf)
	macOID, ok2 := macOIDOf(mac)
	if !ok1 || !ok2 {
		return PBMParameter{}, fmt.Errorf("%w: PBM owf %v, mac %v", ErrUnsupportedAlgorithm, owf, mac)
	}
	if iterations < 1 || iterations > MaxPBMIterations {
		return PBMParameter{}, fmt.Errorf("%w: %d", ErrPBMIterations, iterations)
	}
	salt := make([]byte, PBMSaltSize)
	if _, err := io.ReadFull(rand, salt); err != nil {
		return PBMParameter{}, fmt.Errorf("cmp: PBM salt: %w", err)
	}
	return PBMParameter{Salt: salt, OWF: AlgorithmIdentifier{Algorithm: owfOID},
		IterationCount: iterations, MAC: AlgorithmIdentifier{Algorithm: macOID}}, nil
}

// WithNewSalt returns a copy of p with a fresh salt: a server answering a PBM request
// reuses the client's choice of algorithms and count (RFC 4210 section 5.1.3.1).
func (p PBMParameter) WithNewSalt(rand io.Reader) (PBMParameter, error) {
	salt := make([]byte, PBMSaltSize)
	if _, err := io.ReadFull(rand, salt); err != nil {
		return PBMParameter{}, fmt.Errorf("cmp: PBM salt: %w", err)
	}
	p.Salt = salt
	return p, nil
}

func parsePBMParameter(der []byte) (*PBMParameter, error) {
	s := cryptobyte.String(der)
	var seq, salt cryptobyte.String
	var p PBMParameter
	var iter int64
	if !s.ReadASN1(&seq, asn1.SEQUENCE) || !s.Empty() ||
		!seq.ReadASN1(&salt, asn1.OCTET_STRING) ||
		!readAlgorithmIdentifier(&seq, &p.OWF) ||
		!seq.ReadASN1Integer(&iter) ||
		!readAlgorithmIdentifier(&seq, &p.MAC) || !seq.Empty() {
		return nil, malformed("PBMParameter")
	}
	if iter < 1 || iter > MaxPBMIterations {
		return nil, fmt.Errorf("%w: %d (limit %d)", ErrPBMIterations, iter, MaxPBMIterations)
	}
	p.Salt = clone(salt)
	p.IterationCount = int(iter)
	return &p, nil
}

func (p *PBMParameter) marshal() ([]byte, error) {
	var b cryptobyte.Builder
	b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1OctetString(p.Salt)
		addAlgorithmIdentifier(b, p.OWF)
		b.AddASN1Int64(int64(p.IterationCount))
		addAlgorithmIdentifier(b, p.MAC)
	})
	return b.Bytes()
}

// mac computes the PBM of data (RFC 4210 section 5.1.3.1): BASEKEY is owf applied
// iterationCount times to secret || salt, and the MAC is HMAC keyed with BASEKEY.
func (p *PBMParameter) mac(secret, data []byte) ([]byte, error) {
	if p.IterationCount < 1 || p.IterationCount > MaxPBMIterations {
		return nil, fmt.Errorf("%w: %d (limit %d)", ErrPBMIterations, p.IterationCount, MaxPBMIterations)
	}
	owf, ok := hashByOID(p.OWF.Algorithm)
	if !ok || !owf.Available() {
		return nil, fmt.Errorf("%w: PBM owf %v", ErrUnsupportedAlgorithm, p.OWF.Algorithm)
	}
	macHash, ok := macByOID(p.MAC.Algorithm)
	if !ok || !macHash.Available() {
		return nil, fmt.Errorf("%w: PBM mac %v", ErrUnsupportedAlgorithm, p.MAC.Algorithm)
	}
	h := owf.New()
	h.Write(secret)
	h.Write(p.Salt)
	key := h.Sum(nil)
	for i := 1; i < p.IterationCount; i++ {
		h.Reset()
		h.Write(key)
		key = h.Sum(key[:0])
	}
	m := hmac.New(macHash.New, key)
	m.Write(data)
	return m.Sum(nil), nil
}

// PBMParameter returns the parameters of a PBM-protected message (for a server to
// answer with the same algorithms and count). It fails with ErrWrongProtection if the
// message is not PBM-protected and ErrPBMIterations if the count exceeds the cap.
func (m *Message) PBMParameter() (*PBMParameter, error) {
	alg := m.Header.ProtectionAlg
	if alg == nil {
		return nil, ErrNotProtected
	}
	if !alg.Algorithm.Equal(OIDPasswordBasedMAC) {
		return nil, fmt.Errorf("%w: protectionAlg %v is not PBM", ErrWrongProtection, alg.Algorithm)
	}
	return parsePBMParameter(alg.Parameters)
}

// VerifyPBM checks password-based MAC protection with secret (for certcenter, the
// authorization code that goes with the reference number in senderKID: KOREAN-PKI.md
// section "Issuance protocol"). The MAC is computed over the header and body as received
// and compared in constant time. Errors: ErrNotProtected, ErrWrongProtection,
// ErrPBMIterations, ErrUnsupportedAlgorithm, ErrBadMessageCheck.
func (m *Message) VerifyPBM(secret []byte) error {
	if m.Protection == nil {
		return ErrNotProtected
	}
	p, err := m.PBMParameter()
	if err != nil {
		return err
	}
	data, err := m.protectedPart()
	if err != nil {
		return err
	}
	want, err := p.mac(secret, data)
	if err != nil {
		return err
	}
	if !hmac.Equal(want, m.Protection) {
		return fmt.Errorf("%w: MAC mismatch (wrong secret or altered message)", ErrBadMessageCheck)
	}
	return nil
}

// ProtectPBM sets protectionAlg to PBM with p, encodes the message, MACs it with secret
// and returns the DER. It also sets m.Protection, m.Raw, Header.Raw and Body.Raw.
func (m *Message) ProtectPBM(secret []byte, p PBMParameter) ([]byte, error) {
	params, err := p.marshal()
	if err != nil {
		return nil, err
	}
	m.Header.ProtectionAlg = &AlgorithmIdentifier{Algorithm: OIDPasswordBasedMAC, Parameters: params}
	return m.protect(func(data []byte) ([]byte, error) { return p.mac(secret, data) })
}

// VerifySignature checks signature protection with the sender's public key, e.g. the
// current certificate's key for a kur or rr, or the CA's key in a client. Which key to
// trust is the caller's decision. Errors: ErrNotProtected, ErrWrongProtection,
// ErrUnsupportedAlgorithm, ErrBadMessageCheck.
func (m *Message) VerifySignature(pub crypto.PublicKey) error {
	alg := m.Header.ProtectionAlg
	if alg == nil || m.Protection == nil {
		return ErrNotProtected
	}
	if alg.Algorithm.Equal(OIDPasswordBasedMAC) {
		return fmt.Errorf("%w: message is MAC-protected", ErrWrongProtection)
	}
	data, err := m.protectedPart()
	if err != nil {
		return err
	}
	return verifySignature(pub, *alg, data, m.Protection, ErrBadMessageCheck)
}

// ProtectSignature signs the message with signer (RFC 4210 section 5.1.3.3) and returns
// the DER. The algorithm follows the key (RSA: sha256WithRSAEncryption; ECDSA: the
// curve's SHA-2; Ed25519). When cert is given (the certificate of signer's key), it is
// put first in extraCerts unless already there, and senderKID defaults to its subject key
// identifier, as OpenSSL expects to find the protecting certificate.
func (m *Message) ProtectSignature(signer crypto.Signer, cert *x509.Certificate, rand io.Reader) ([]byte, error) {
	a, err := signatureAlgorithmFor(signer.Public())
	if err != nil {
		return nil, err
	}
	id := a.identifier()
	m.Header.ProtectionAlg = &id
	if cert != nil {
		if m.Header.SenderKID == nil && len(cert.SubjectKeyId) > 0 {
			m.Header.SenderKID = clone(cert.SubjectKeyId)
		}
		if len(m.ExtraCerts) == 0 || !bytes.Equal(m.ExtraCerts[0].Raw, cert.Raw) {
			m.ExtraCerts = append([]*x509.Certificate{cert}, m.ExtraCerts...)
		}
	}
	return m.protect(func(data []byte) ([]byte, error) {
		_, sig, err := sign(signer, rand, data)
		return sig, err
	})
}

func (m *Message) protect(compute func(data []byte) ([]byte, error)) ([]byte, error) {
	h, err := marshalHeader(&m.Header)
	if err != nil {
		return nil, err
	}
	body, err := marshalBody(&m.Body)
	if err != nil {
		return nil, err
	}
	m.Header.Raw, m.Body.Raw = h, body
	data, err := m.protectedPart()
	if err != nil {
		return nil, err
	}
	if m.Protection, err = compute(data); err != nil {
		return nil, err
	}
	if m.Raw, err = m.assemble(h, body); err != nil {
		return nil, err
	}
	return m.Raw, nil
}

// CertHash returns the certHash of a certificate for certConf (RFC 4210 section
// 5.3.18): its DER hashed with the hash of its own signature algorithm.
func CertHash(cert *x509.Certificate) ([]byte, error) {
	h, err := certHashAlgorithm(cert)
	if err != nil {
		return nil, err
	}
	d := h.New()
	d.Write(cert.Raw)
	return d.Sum(nil), nil
}

// CheckCertHash checks that cs confirms cert: with cs.HashAlg when present (RFC 9810
// section 5.3.18, pvno 3), else with the certificate's signature hash.
func CheckCertHash(cs CertStatus, cert *x509.Certificate) error {
	var h crypto.Hash
	if cs.HashAlg != nil {
		var ok bool
		if h, ok = hashByOID(cs.HashAlg.Algorithm); !ok {
			return fmt.Errorf("%w: certConf hashAlg %v", ErrUnsupportedAlgorithm, cs.HashAlg.Algorithm)
		}
	} else {
		var err error
		if h, err = certHashAlgorithm(cert); err != nil {
			return err
		}
	}
	d := h.New()
	d.Write(cert.Raw)
	if !hmac.Equal(d.Sum(nil), cs.CertHash) {
		return ErrCertHashMismatch
	}
	return nil
}
