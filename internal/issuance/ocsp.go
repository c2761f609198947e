package issuance

import (
	"crypto"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/certcenter/certcenter/internal/model"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

var (
	oidOCSPBasic = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 48, 1, 1}
	oidOCSPNonce = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 48, 1, 2}
)

// OCSPStatus is the certStatus of a SingleResponse (RFC 6960 section 4.2.1).
type OCSPStatus int

const (
	OCSPGood OCSPStatus = iota
	OCSPRevoked
	OCSPUnknown
)

// OCSPSingle is one SingleResponse.
type OCSPSingle struct {
	// CertID is the DER CertID the client sent, echoed byte for byte (RFC 6960
	// section 4.2.1): clients match responses to requests by it.
	CertID []byte
	Status OCSPStatus
	// RevokedAt and Reason, for OCSPRevoked; a nil Reason writes no revocationReason.
	RevokedAt time.Time
	Reason    *model.RevocationReason
	// ThisUpdate and NextUpdate: when the status was known to be correct and when newer
	// information will be available (RFC 6960 section 2.4).
	ThisUpdate, NextUpdate time.Time
}

// OCSPTemplate is a successful OCSP response to sign.
type OCSPTemplate struct {
	ProducedAt time.Time
	Responses  []OCSPSingle
	// Nonce is the extnValue of the request's nonce extension, echoed in the response
	// (RFC 6960 section 4.4.1, RFC 8954); nil writes no nonce.
	Nonce []byte
}

// ResponderConfig builds a Responder.
type ResponderConfig struct {
	// Cert is the delegated responder certificate (model.RoleOCSP): issued by Issuer,
	// with id-kp-OCSPSigning (RFC 6960 section 4.2.2.2).
	Cert *x509.Certificate
	// Issuer is the CA whose certificates the responder answers for.
	Issuer *x509.Certificate
	// Signer holds the responder's key; its public key must be Cert's.
	Signer crypto.Signer
}

// Responder signs OCSP responses with a delegated responder key. It is the door to
// that key, as Issuer is the door to a CA key: one signature a response, verified
// before it leaves. It is safe for concurrent use if its crypto.Signer is.
type Responder struct {
	cert    *x509.Certificate
	door    door
	keyHash []byte // ResponderID byKey: SHA-1 of the responder's public key
}

// NewResponder checks that the certificate is a delegated responder of issuer and that
// the key is its key.
func NewResponder(c ResponderConfig) (*Responder, error) {
	if c.Cert == nil || c.Issuer == nil || c.Signer == nil {
		return nil, errors.New("issuance: a responder needs its certificate, its issuer and its key")
	}
	if !slices.Contains(c.Cert.ExtKeyUsage, x509.ExtKeyUsageOCSPSigning) {
		return nil, fmt.Errorf("issuance: certificate %q lacks id-kp-OCSPSigning (RFC 6960 section 4.2.2.2)", c.Cert.Subject)
	}
	if err := c.Cert.CheckSignatureFrom(c.Issuer); err != nil {
		return nil, fmt.Errorf("issuance: responder certificate %q is not issued by %q: %w", c.Cert.Subject, c.Issuer.Subject, err)
	}
	if !publicKeyEqual(c.Signer.Public(), c.Cert.PublicKey) {
		return nil, fmt.Errorf("issuance: the signer's key is not the key of responder certificate %q", c.Cert.Subject)
	}
	alg, err := sigAlgFor(c.Signer.Public())
	if err != nil {
		return nil, err
	}
	kh, err := subjectKeyID(c.Cert.RawSubjectPublicKeyInfo)
	if err != nil {
		return nil, err
	}
	return &Responder{cert: c.Cert, door: door{key: c.Signer, pub: c.Signer.Public(), alg: alg}, keyHash: kh}, nil
}

// Certificate returns the responder certificate.
func (r *Responder) Certificate() *x509.Certificate { return r.cert }

// SignOCSP encodes a successful OCSPResponse with a BasicOCSPResponse (RFC 6960
// section 4.2.1): ResponderID byKey, producedAt, the single responses, the nonce when
// given, and the responder certificate in certs so that clients can check the
// delegation. The ResponseData is signed exactly once and the signature verified
// before the DER is returned.
func (r *Responder) SignOCSP(t OCSPTemplate) ([]byte, error) {
	if len(t.Responses) == 0 {
		return nil, errors.New("issuance: an OCSP response needs at least one single response")
	}
	for _, s := range t.Responses {
		if len(s.CertID) == 0 {
			return nil, errors.New("issuance: OCSP single response without CertID")
		}
		if s.Status < OCSPGood || s.Status > OCSPUnknown {
			return nil, fmt.Errorf("issuance: OCSP status %d", s.Status)
		}
		if !s.NextUpdate.IsZero() && !s.NextUpdate.After(s.ThisUpdate) {
			return nil, errors.New("issuance: OCSP nextUpdate is not after thisUpdate")
		}
	}
	b := cryptobyte.NewBuilder(make([]byte, 0, 128+len(t.Responses)*128+len(t.Nonce)))
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // ResponseData, version v1 (DEFAULT, omitted)
		b.AddASN1(cbasn1.Tag(2).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) { // byKey
			b.AddASN1OctetString(r.keyHash)
		})
		b.AddASN1GeneralizedTime(t.ProducedAt.UTC().Truncate(time.Second))
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			for _, s := range t.Responses {
				addSingleResponse(b, s)
			}
		})
		if t.Nonce != nil {
			b.AddASN1(cbasn1.Tag(1).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
					addExtension(b, extension{id: oidOCSPNonce, value: t.Nonce})
				})
			})
		}
	})
	tbs, err := b.Bytes()
	if err != nil {
		return nil, fmt.Errorf("issuance: encode OCSP response: %w", err)
	}
	sig, err := r.door.signOnce(tbs)
	if err != nil {
		return nil, err
	}
	out := cryptobyte.NewBuilder(make([]byte, 0, len(tbs)+len(sig)+len(r.cert.Raw)+64))
	out.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // OCSPResponse
		b.AddASN1Enum(0) // successful
		b.AddASN1(cbasn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // ResponseBytes
				b.AddASN1ObjectIdentifier(oidOCSPBasic)
				b.AddASN1(cbasn1.OCTET_STRING, func(b *cryptobyte.Builder) {
					b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // BasicOCSPResponse
						b.AddBytes(tbs)
						b.AddBytes(r.door.alg.der)
						b.AddASN1(cbasn1.BIT_STRING, func(b *cryptobyte.Builder) {
							b.AddUint8(0)
							b.AddBytes(sig)
						})
						b.AddASN1(cbasn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
							b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { b.AddBytes(r.cert.Raw) })
						})
					})
				})
			})
		})
	})
	return out.Bytes()
}

func addSingleResponse(b *cryptobyte.Builder, s OCSPSingle) {
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddBytes(s.CertID)
		switch s.Status {
		case OCSPGood:
			b.AddASN1(cbasn1.Tag(0).ContextSpecific(), func(*cryptobyte.Builder) {}) // [0] IMPLICIT NULL
		case OCSPRevoked:
			b.AddASN1(cbasn1.Tag(1).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) { // RevokedInfo
				b.AddASN1GeneralizedTime(s.RevokedAt.UTC().Truncate(time.Second))
				if s.Reason != nil {
					b.AddASN1(cbasn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
						b.AddASN1Enum(int64(*s.Reason))
					})
				}
			})
		default:
			b.AddASN1(cbasn1.Tag(2).ContextSpecific(), func(*cryptobyte.Builder) {}) // [2] IMPLICIT NULL
		}
		b.AddASN1GeneralizedTime(s.ThisUpdate.UTC().Truncate(time.Second))
		if !s.NextUpdate.IsZero() {
			b.AddASN1(cbasn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
				b.AddASN1GeneralizedTime(s.NextUpdate.UTC().Truncate(time.Second))
			})
		}
	})
}
