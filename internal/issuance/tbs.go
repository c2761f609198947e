package issuance

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"time"

	"github.com/certcenter/certcenter/internal/model"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// ErrBadSerial: the caller's serial does not have the form this package writes.
var ErrBadSerial = errors.New("issuance: serial must be 16 to 20 bytes with a first byte of 0x01 to 0x7f")

// sigAlg is the CA's signature algorithm: its DER AlgorithmIdentifier and hash.
type sigAlg struct {
	der  []byte
	hash crypto.Hash
	// sigLen is the length of a signature, for the dummy signature of the lint copy.
	sigLen int
	ecdsa  bool
}

var (
	oidSHA256WithRSA   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 11}
	oidECDSAWithSHA256 = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 2}
	oidECDSAWithSHA384 = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 3}
)

// sigAlgFor picks sha256WithRSAEncryption for an RSA CA key (KOREAN-PKI.md section 6:
// mandatory since 2012), ecdsa-with-SHA256 for P-256 and ecdsa-with-SHA384 for P-384.
// RSA AlgorithmIdentifiers carry NULL parameters, ECDSA ones none (RFC 4055, RFC 5758).
func sigAlgFor(pub crypto.PublicKey) (sigAlg, error) {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return sigAlg{der: build(func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddASN1ObjectIdentifier(oidSHA256WithRSA)
				b.AddASN1NULL()
			})
		}), hash: crypto.SHA256, sigLen: k.Size()}, nil
	case *ecdsa.PublicKey:
		oid, h := oidECDSAWithSHA256, crypto.SHA256
		switch k.Curve {
		case elliptic.P256():
		case elliptic.P384():
			oid, h = oidECDSAWithSHA384, crypto.SHA384
		default:
			return sigAlg{}, fmt.Errorf("issuance: CA key curve %s is not supported (use P-256 or P-384)", k.Curve.Params().Name)
		}
		return sigAlg{der: build(func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { b.AddASN1ObjectIdentifier(oid) })
		}), hash: h, sigLen: 2*k.Curve.Params().BitSize/8 + 8, ecdsa: true}, nil
	}
	return sigAlg{}, fmt.Errorf("issuance: CA key type %T is not supported (use RSA or ECDSA)", pub)
}

// checkSerial accepts 16 to 20 bytes whose first byte is 0x01 to 0x7f: the DER INTEGER
// content is then the serial bytes themselves (positive, minimal, no sign octet), at
// most 20 octets (RFC 5280 section 4.1.2.2), with at least 120 random bits, and
// model.Serial.String() equals the certificate's serial in hex. A caller drawing 20
// random bytes clears the top bit of the first byte and redraws while it is zero.
func checkSerial(s model.Serial) error {
	if len(s) < 16 || len(s) > 20 || s[0] == 0 || s[0]&0x80 != 0 {
		return fmt.Errorf("%w (got %d bytes starting %#02x)", ErrBadSerial, len(s), firstByte(s))
	}
	return nil
}

func firstByte(s model.Serial) byte {
	if len(s) == 0 {
		return 0
	}
	return s[0]
}

// tbsFields are the fields of a TBSCertificate (RFC 5280 section 4.1), already encoded
// where the encoding is the profile's business (names, SPKI, extension values).
type tbsFields struct {
	serial    model.Serial
	sigAlg    []byte
	issuer    []byte // the issuer certificate's RawSubject, byte for byte (RFC 5280 section 4.1.2.4)
	notBefore time.Time
	notAfter  time.Time
	subject   []byte
	spki      []byte
	exts      []extension
}

// addTime writes UTCTime through 2049 and GeneralizedTime from 2050 (RFC 5280
// section 4.1.2.5), always in UTC with seconds and "Z".
func addTime(b *cryptobyte.Builder, t time.Time) {
	t = t.UTC()
	if t.Year() >= 1950 && t.Year() < 2050 {
		b.AddASN1UTCTime(t)
	} else {
		b.AddASN1GeneralizedTime(t)
	}
}

// marshal encodes the TBSCertificate, v3, extensions in the given order.
func (f *tbsFields) marshal() ([]byte, error) {
	if err := checkSerial(f.serial); err != nil {
		return nil, err
	}
	if f.notBefore.Nanosecond() != 0 || f.notAfter.Nanosecond() != 0 {
		return nil, errors.New("issuance: validity times must be whole seconds")
	}
	size := 64 + len(f.serial) + len(f.sigAlg) + len(f.issuer) + len(f.subject) + len(f.spki)
	for _, e := range f.exts {
		size += 16 + len(e.id)*2 + len(e.value)
	}
	b := cryptobyte.NewBuilder(make([]byte, 0, size))
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
			b.AddASN1Int64(2) // v3
		})
		b.AddASN1(cbasn1.INTEGER, func(b *cryptobyte.Builder) { b.AddBytes(f.serial) })
		b.AddBytes(f.sigAlg)
		b.AddBytes(f.issuer)
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			addTime(b, f.notBefore)
			addTime(b, f.notAfter)
		})
		b.AddBytes(f.subject)
		b.AddBytes(f.spki)
		if len(f.exts) > 0 {
			b.AddASN1(cbasn1.Tag(3).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
					for _, e := range f.exts {
						b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
							b.AddASN1ObjectIdentifier(e.id)
							if e.critical { // DEFAULT FALSE is omitted (X.690 section 11.5)
								b.AddASN1Boolean(true)
							}
							b.AddASN1OctetString(e.value)
						})
					}
				})
			})
		}
	})
	return b.Bytes()
}

// assemble returns Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm,
// signatureValue BIT STRING } (RFC 5280 section 4.1.1).
func assemble(tbs, sigAlgDER, sig []byte) []byte {
	b := cryptobyte.NewBuilder(make([]byte, 0, len(tbs)+len(sigAlgDER)+len(sig)+16))
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddBytes(tbs)
		b.AddBytes(sigAlgDER)
		b.AddASN1(cbasn1.BIT_STRING, func(b *cryptobyte.Builder) {
			b.AddUint8(0)
			b.AddBytes(sig)
		})
	})
	return b.BytesOrPanic()
}

// lintCopy is the certificate the linters see: the exact TBS with a dummy signature of
// the real length. Linters parse without verifying signatures, so no key is needed and
// no second signature is paid for.
func lintCopy(tbs []byte, alg sigAlg) []byte {
	dummy := make([]byte, alg.sigLen)
	if alg.ecdsa { // a well-formed Ecdsa-Sig-Value
		dummy = build(func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddASN1Int64(1)
				b.AddASN1Int64(1)
			})
		})
	}
	return assemble(tbs, alg.der, dummy)
}

// verifySignature checks sig over digest with the issuer's public key.
func verifySignature(pub crypto.PublicKey, h crypto.Hash, digest, sig []byte) error {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return rsa.VerifyPKCS1v15(k, h, digest, sig)
	case *ecdsa.PublicKey:
		if !ecdsa.VerifyASN1(k, digest, sig) {
			return errors.New("ecdsa: verification error")
		}
		return nil
	}
	return fmt.Errorf("unsupported issuer key %T", pub)
}

// publicKeyEqual compares two public keys with their Equal methods.
func publicKeyEqual(a, b crypto.PublicKey) bool {
	e, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && e.Equal(b)
}

var oidRSAEncryption = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}

// marshalSPKI encodes a public key as SubjectPublicKeyInfo. An RSA key, what every
// subscriber has, is written directly (RFC 8017 appendix A.1.1, RFC 3279 section
// 2.3.1: rsaEncryption with NULL parameters), the bytes x509.MarshalPKIXPublicKey
// writes at a fraction of its cost; other keys go through it.
func marshalSPKI(pub crypto.PublicKey) ([]byte, error) {
	if k, ok := pub.(*rsa.PublicKey); ok && k.N != nil && k.N.Sign() > 0 && k.E > 0 {
		var b cryptobyte.Builder
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddASN1ObjectIdentifier(oidRSAEncryption)
				b.AddASN1NULL()
			})
			b.AddASN1(cbasn1.BIT_STRING, func(b *cryptobyte.Builder) {
				b.AddUint8(0)
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
					b.AddASN1BigInt(k.N)
					b.AddASN1Int64(int64(k.E))
				})
			})
		})
		return b.Bytes()
	}
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("issuance: encode public key: %w", err)
	}
	return der, nil
}

// maxStoredTBS bounds a stored TBSCertificate handed to SignStored: a Korean-profile
// subscriber TBSCertificate is about 1 kB.
const maxStoredTBS = 16 << 10

// checkStoredTBS checks that tbs is exactly one DER SEQUENCE, version v3, whose
// signature AlgorithmIdentifier is sigAlgDER (RFC 5280 section 4.1.2.3: it must match
// the certificate's signatureAlgorithm, which the CA writes).
func checkStoredTBS(tbs []byte, sigAlgDER []byte) error {
	if len(tbs) == 0 || len(tbs) > maxStoredTBS {
		return fmt.Errorf("issuance: SignStored: TBSCertificate of %d bytes (want 1 to %d)", len(tbs), maxStoredTBS)
	}
	in := cryptobyte.String(tbs)
	var seq cryptobyte.String
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !in.Empty() {
		return errors.New("issuance: SignStored: the TBSCertificate is not one DER SEQUENCE")
	}
	var version int64
	var serial cryptobyte.String
	var alg cryptobyte.String
	if !seq.ReadOptionalASN1Integer(&version, cbasn1.Tag(0).Constructed().ContextSpecific(), int64(0)) || version != 2 ||
		!seq.ReadASN1(&serial, cbasn1.INTEGER) || !seq.ReadASN1Element(&alg, cbasn1.SEQUENCE) {
		return errors.New("issuance: SignStored: the TBSCertificate is not a v3 TBSCertificate")
	}
	if string(alg) != string(sigAlgDER) {
		return errors.New("issuance: SignStored: the TBSCertificate's signature algorithm is not this CA's")
	}
	return nil
}
