package issuance

import (
	"crypto/rand"
	"encoding/asn1"
	"errors"
	"fmt"
	"time"

	"github.com/certcenter/certcenter/internal/model"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// CRL extension OIDs (RFC 5280 sections 5.2 and 5.3).
var (
	oidExtCRLNumber     = asn1.ObjectIdentifier{2, 5, 29, 20}
	oidExtIssuingDP     = asn1.ObjectIdentifier{2, 5, 29, 28}
	oidExtReasonCode    = asn1.ObjectIdentifier{2, 5, 29, 21}
	oidExtInvalidityDay = asn1.ObjectIdentifier{2, 5, 29, 24}
)

// CRLEntry is one revoked (or held) certificate of a CRL.
type CRLEntry struct {
	Serial    model.Serial
	RevokedAt time.Time
	// Reason is written as a reasonCode entry extension, except unspecified, which
	// RFC 5280 section 5.3.1 says SHOULD be absent. removeFromCRL is refused (it belongs
	// to delta CRLs, which this package does not write).
	Reason model.RevocationReason
	// InvalidityDate, when known, is written as an invalidityDate entry extension
	// (RFC 5280 section 5.3.2, GeneralizedTime).
	InvalidityDate *time.Time
}

// CRLTemplate is a CRL to sign: a complete CRL of one partition, or of the whole CA
// when Partition is model.FullCRL.
type CRLTemplate struct {
	// Number is the cRLNumber (RFC 5280 section 5.2.3): monotonically increasing for
	// the partition, at most 20 octets; the caller keeps it (the store's counter).
	Number int64
	// ThisUpdate and NextUpdate are whole seconds; NextUpdate is after ThisUpdate.
	ThisUpdate, NextUpdate time.Time
	// Partition names the CRL: its issuingDistributionPoint carries the URL written in
	// the CRL distribution points of the certificates of that partition (CRLURL), so
	// that relying parties match the CRL's scope to the certificate (RFC 5280 sections
	// 5.2.5 and 6.3.3 b). A full CRL carries no issuingDistributionPoint: its scope is
	// every certificate of the CA.
	Partition int
	Entries   []CRLEntry
}

// SignCRL encodes a v2 CRL (RFC 5280 section 5) with authorityKeyIdentifier, cRLNumber
// and, for a partition, a critical issuingDistributionPoint with onlyContainsUserCerts
// (this CA issues only end-entity certificates), signs it exactly once with the CA key
// and verifies the signature before returning the DER. CRLs are not linted: their
// content is fully determined by this encoder, and tests parse them with crypto/x509
// and OpenSSL.
func (i *Issuer) SignCRL(t CRLTemplate) ([]byte, error) {
	tbs, err := i.crlTBS(t)
	if err != nil {
		return nil, err
	}
	return i.door.signTBS(tbs)
}

func (i *Issuer) crlTBS(t CRLTemplate) ([]byte, error) {
	if t.Number < 0 {
		return nil, fmt.Errorf("issuance: CRL number %d is negative", t.Number)
	}
	if t.Partition < model.FullCRL {
		return nil, fmt.Errorf("issuance: CRL partition %d is not a partition", t.Partition)
	}
	if t.ThisUpdate.Nanosecond() != 0 || t.NextUpdate.Nanosecond() != 0 {
		return nil, errors.New("issuance: CRL times must be whole seconds")
	}
	if !t.NextUpdate.After(t.ThisUpdate) {
		return nil, errors.New("issuance: CRL nextUpdate is not after thisUpdate")
	}
	for _, e := range t.Entries {
		if len(e.Serial) == 0 || len(e.Serial) > 20 || e.Serial[0]&0x80 != 0 {
			return nil, fmt.Errorf("issuance: CRL entry serial %s is not a positive serial of at most 20 octets", e.Serial)
		}
		if e.Reason == model.ReasonRemoveFromCRL || e.Reason < 0 || e.Reason > model.ReasonAACompromise || e.Reason == 7 {
			return nil, fmt.Errorf("issuance: CRL entry %s: reason %s cannot be written in a complete CRL", e.Serial, e.Reason)
		}
	}
	// About 60 bytes an entry: serial, time, reason and sequence headers.
	b := cryptobyte.NewBuilder(make([]byte, 0, 512+len(t.Entries)*64))
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1Int64(1) // v2
		b.AddBytes(i.door.alg.der)
		b.AddBytes(i.cert.RawSubject)
		addTime(b, t.ThisUpdate)
		addTime(b, t.NextUpdate)
		if len(t.Entries) > 0 {
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				for _, e := range t.Entries {
					addCRLEntry(b, e)
				}
			})
		}
		b.AddASN1(cbasn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				addExtension(b, extAKI(i.akid, nil, nil)) // CRLs keep the key identifier alone
				addExtension(b, extension{id: oidExtCRLNumber, value: build(func(b *cryptobyte.Builder) { b.AddASN1Int64(t.Number) })})
				if t.Partition >= 0 {
					addExtension(b, extIssuingDP(i.CRLURL(t.Partition)))
				}
			})
		})
	})
	return b.Bytes()
}

func addCRLEntry(b *cryptobyte.Builder, e CRLEntry) {
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.INTEGER, func(b *cryptobyte.Builder) {
			s := e.Serial
			for len(s) > 1 && s[0] == 0 && s[1]&0x80 == 0 { // minimal DER
				s = s[1:]
			}
			b.AddBytes(s)
		})
		addTime(b, e.RevokedAt.UTC().Truncate(time.Second))
		if e.Reason == model.ReasonUnspecified && e.InvalidityDate == nil {
			return
		}
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			if e.Reason != model.ReasonUnspecified {
				addExtension(b, extension{id: oidExtReasonCode, value: build(func(b *cryptobyte.Builder) {
					b.AddASN1(cbasn1.ENUM, func(b *cryptobyte.Builder) { b.AddUint8(uint8(e.Reason)) })
				})})
			}
			if e.InvalidityDate != nil {
				addExtension(b, extension{id: oidExtInvalidityDay, value: build(func(b *cryptobyte.Builder) {
					b.AddASN1GeneralizedTime(e.InvalidityDate.UTC().Truncate(time.Second))
				})})
			}
		})
	})
}

// addExtension writes one Extension (RFC 5280 section 4.1).
func addExtension(b *cryptobyte.Builder, e extension) {
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1ObjectIdentifier(e.id)
		if e.critical {
			b.AddASN1Boolean(true)
		}
		b.AddASN1OctetString(e.value)
	})
}

// extIssuingDP: critical issuingDistributionPoint with a fullName URI and
// onlyContainsUserCerts (RFC 5280 section 5.2.5).
func extIssuingDP(uri string) extension {
	return extension{id: oidExtIssuingDP, critical: true, value: build(func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) { // distributionPoint
				b.AddASN1(cbasn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) { // fullName
					b.AddASN1(tagURI, func(b *cryptobyte.Builder) { b.AddBytes([]byte(uri)) })
				})
			})
			b.AddASN1(cbasn1.Tag(1).ContextSpecific(), func(b *cryptobyte.Builder) { b.AddUint8(0xff) }) // onlyContainsUserCerts
		})
	})}
}

// signTBS is the one call to the key for CRLs and OCSP responses: hash the to-be-signed
// bytes, sign them once, verify the signature against the public key, and return
// SEQUENCE { tbs, signatureAlgorithm, signature BIT STRING }, the shape of a CRL
// (RFC 5280 section 5.1) and of a BasicOCSPResponse without certs.
func (d *door) signTBS(tbs []byte) ([]byte, error) {
	sig, err := d.signOnce(tbs)
	if err != nil {
		return nil, err
	}
	return assemble(tbs, d.alg.der, sig), nil
}

// signOnce signs tbs with the key and verifies the signature.
func (d *door) signOnce(tbs []byte) ([]byte, error) {
	h := d.alg.hash.New()
	h.Write(tbs)
	digest := h.Sum(nil)
	sig, err := d.key.Sign(rand.Reader, digest, d.alg.hash)
	if err != nil {
		return nil, fmt.Errorf("issuance: sign: %w", err)
	}
	if err := verifySignature(d.pub, d.alg.hash, digest, sig); err != nil {
		return nil, fmt.Errorf("issuance: the key returned a signature that does not verify: %w", err)
	}
	return sig, nil
}
