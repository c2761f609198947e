package issuance

import (
	"crypto/sha1"
	"encoding/asn1"
	"errors"
	"math/big"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// Extension and qualifier OIDs (RFC 5280 sections 4.2.1 and 4.2.2, RFC 6960).
var (
	oidExtAuthorityKeyID   = asn1.ObjectIdentifier{2, 5, 29, 35}
	oidExtSubjectKeyID     = asn1.ObjectIdentifier{2, 5, 29, 14}
	oidExtKeyUsage         = asn1.ObjectIdentifier{2, 5, 29, 15}
	oidExtCertPolicies     = asn1.ObjectIdentifier{2, 5, 29, 32}
	oidExtSubjectAltName   = asn1.ObjectIdentifier{2, 5, 29, 17}
	oidExtBasicConstraints = asn1.ObjectIdentifier{2, 5, 29, 19}
	oidExtExtKeyUsage      = asn1.ObjectIdentifier{2, 5, 29, 37}
	oidExtCRLDistPoints    = asn1.ObjectIdentifier{2, 5, 29, 31}
	oidExtAIA              = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 1, 1}
	oidExtOCSPNoCheck      = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 48, 1, 5}

	oidQualifierCPS     = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 2, 1}
	oidQualifierUNotice = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 2, 2}
	oidAccessOCSP       = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 48, 1}
	oidAccessCAIssuers  = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 48, 2}
	oidKPOCSPSigning    = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 9}
)

// extension is one certificate extension with its DER value (the OCTET STRING content).
type extension struct {
	id       asn1.ObjectIdentifier
	critical bool
	value    []byte
}

// Key usage bits (RFC 5280 section 4.2.1.3), numbered as in the ASN.1 named bit list.
const (
	kuDigitalSignature = 0
	kuNonRepudiation   = 1
	kuKeyCertSign      = 5
	kuCRLSign          = 6
)

// tagURI is the GeneralName uniformResourceIdentifier choice, [6] IMPLICIT IA5String.
var tagURI = cbasn1.Tag(6).ContextSpecific()

// subjectKeyID is RFC 5280 section 4.2.1.2 method 1: the SHA-1 of the BIT STRING
// subjectPublicKey (without tag, length and unused-bits octet).
func subjectKeyID(spki []byte) ([]byte, error) {
	in := cryptobyte.String(spki)
	var seq, alg cryptobyte.String
	var key asn1.BitString
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !seq.ReadASN1(&alg, cbasn1.SEQUENCE) ||
		!seq.ReadASN1BitString(&key) || !seq.Empty() {
		return nil, errors.New("issuance: malformed SubjectPublicKeyInfo")
	}
	h := sha1.Sum(key.Bytes)
	return h[:], nil
}

func build(f func(b *cryptobyte.Builder)) []byte {
	var b cryptobyte.Builder
	f(&b)
	return b.BytesOrPanic()
}

// extAKI: AuthorityKeyIdentifier (RFC 5280 section 4.2.1.1) with keyIdentifier [0],
// and, as yessign writes it (KOREAN-PKI.md section 6), authorityCertIssuer [1] (one
// directoryName: the issuing CA certificate's own issuer) and authorityCertSerialNumber
// [2] (the issuing CA certificate's serial): some Korean relying software finds the CA
// certificate by issuer and serial rather than by key identifier. RFC 5280 wants both or
// neither; a nil caIssuer or caSerial writes the key identifier alone. The price of the
// pair: a CA certificate reissued for the same key under a new serial no longer matches
// what it issued before by issuer and serial (path builders that use the key identifier,
// OpenSSL and Go among them, still do).
func extAKI(keyID, caIssuer []byte, caSerial *big.Int) extension {
	full := caIssuer != nil && caSerial != nil
	return extension{id: oidExtAuthorityKeyID, value: build(func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.Tag(0).ContextSpecific(), func(b *cryptobyte.Builder) { b.AddBytes(keyID) })
			if !full {
				return
			}
			// [1] IMPLICIT GeneralNames { directoryName [4] EXPLICIT Name }
			b.AddASN1(cbasn1.Tag(1).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
				b.AddASN1(cbasn1.Tag(4).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) { b.AddBytes(caIssuer) })
			})
			// [2] IMPLICIT CertificateSerialNumber: the INTEGER's content octets.
			b.AddASN1(cbasn1.Tag(2).ContextSpecific(), func(b *cryptobyte.Builder) { b.AddBytes(integerContent(caSerial)) })
		})
	})}
}

// integerContent returns the content octets of the DER INTEGER n.
func integerContent(n *big.Int) []byte {
	der := build(func(b *cryptobyte.Builder) { b.AddASN1BigInt(n) })
	in := cryptobyte.String(der)
	var content cryptobyte.String
	in.ReadASN1(&content, cbasn1.INTEGER)
	return content
}

// extSKI: SubjectKeyIdentifier (RFC 5280 section 4.2.1.2), never critical.
func extSKI(keyID []byte) extension {
	return extension{id: oidExtSubjectKeyID, value: build(func(b *cryptobyte.Builder) {
		b.AddASN1OctetString(keyID)
	})}
}

// extKeyUsage: critical keyUsage with the given bits, DER named-bit-list encoding
// (trailing zero bits removed, X.690 section 11.2.2).
func extKeyUsage(bits ...int) extension {
	var v [2]byte
	top := 0
	for _, bit := range bits {
		v[bit/8] |= 0x80 >> (bit % 8)
		top = max(top, bit)
	}
	n := top/8 + 1
	unused := 7 - top%8
	return extension{id: oidExtKeyUsage, critical: true, value: build(func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.BIT_STRING, func(b *cryptobyte.Builder) {
			b.AddUint8(uint8(unused))
			b.AddBytes(v[:n])
		})
	})}
}

// extBasicConstraints: critical cA TRUE with an optional pathLenConstraint
// (RFC 5280 section 4.2.1.9; pathLen < 0 means none).
func extBasicConstraints(pathLen int) extension {
	return extension{id: oidExtBasicConstraints, critical: true, value: build(func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1Boolean(true)
			if pathLen >= 0 {
				b.AddASN1Int64(int64(pathLen))
			}
		})
	})}
}

// extCertPolicies: critical certificatePolicies with one policy, a userNotice whose
// explicitText is a BMPString and a CPS pointer, in that order as yessign writes them
// (KOREAN-PKI.md section 6; RFC 5280 section 4.2.1.4). bmpText is the UCS-2 content.
func extCertPolicies(policy asn1.ObjectIdentifier, bmpText []byte, cpsURI string) extension {
	return extension{id: oidExtCertPolicies, critical: true, value: build(func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // PolicyInformation
				b.AddASN1ObjectIdentifier(policy)
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // policyQualifiers
					b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
						b.AddASN1ObjectIdentifier(oidQualifierUNotice)
						b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // UserNotice
							b.AddASN1(cbasn1.Tag(30), func(b *cryptobyte.Builder) { b.AddBytes(bmpText) }) // BMPString
						})
					})
					b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
						b.AddASN1ObjectIdentifier(oidQualifierCPS)
						b.AddASN1(cbasn1.IA5String, func(b *cryptobyte.Builder) { b.AddBytes([]byte(cpsURI)) })
					})
				})
			})
		})
	})}
}

// extCRLDP: one DistributionPoint with a fullName URI (RFC 5280 section 4.2.1.13).
func extCRLDP(uri string) extension {
	return extension{id: oidExtCRLDistPoints, value: build(func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // DistributionPoint
				b.AddASN1(cbasn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) { // distributionPoint
					b.AddASN1(cbasn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) { // fullName
						b.AddASN1(tagURI, func(b *cryptobyte.Builder) { b.AddBytes([]byte(uri)) })
					})
				})
			})
		})
	})}
}

// extAIA: authorityInfoAccess with OCSP and caIssuers URIs (RFC 5280 section 4.2.2.1);
// an empty URI is left out.
func extAIA(ocspURI, caIssuersURI string) extension {
	return extension{id: oidExtAIA, value: build(func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			for _, ad := range []struct {
				oid asn1.ObjectIdentifier
				uri string
			}{{oidAccessOCSP, ocspURI}, {oidAccessCAIssuers, caIssuersURI}} {
				if ad.uri == "" {
					continue
				}
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
					b.AddASN1ObjectIdentifier(ad.oid)
					b.AddASN1(tagURI, func(b *cryptobyte.Builder) { b.AddBytes([]byte(ad.uri)) })
				})
			}
		})
	})}
}

// extEKU: extendedKeyUsage, not critical (RFC 5280 section 4.2.1.12).
func extEKU(purposes ...asn1.ObjectIdentifier) extension {
	return extension{id: oidExtExtKeyUsage, value: build(func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			for _, p := range purposes {
				b.AddASN1ObjectIdentifier(p)
			}
		})
	})}
}

// extOCSPNoCheck: id-pkix-ocsp-nocheck with a NULL value (RFC 6960 section 4.2.2.2.1).
func extOCSPNoCheck() extension {
	return extension{id: oidExtOCSPNoCheck, value: []byte{0x05, 0x00}}
}
