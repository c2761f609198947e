package npki

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"slices"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// The plaintext PrivateKeyInfo of a Korean key file carries the randomNum attribute R
// that the certificate's VID is computed from (KOREAN-PKI.md sections 4 and 5).
// crypto/x509 drops attributes, so this file reads and writes the PrivateKeyInfo
// (RFC 5958 section 2) by hand and uses x509 only for the inner key.

// PrivateKey is a decrypted key file: the key, its R, and any other attributes.
type PrivateKey struct {
	// Key is an *rsa.PrivateKey for Korean certificates; *ecdsa.PrivateKey and
	// ed25519.PrivateKey are read too.
	Key crypto.Signer
	// RandomNum is R, the value of the randomNum attribute (1.2.410.200004.10.1.1.3),
	// or nil when the file has none.
	RandomNum []byte
	// Attributes are the other attributes, kept as found so they survive a rewrite.
	Attributes []Attribute

	// The key's encoding as read: reused by MarshalPrivateKeyInfo while Key is still
	// the key that was parsed, so a password change keeps the inner key byte for byte.
	orig *origKey
}

type origKey struct {
	key     crypto.Signer
	version int64
	alg     []byte // AlgorithmIdentifier, full TLV
	priv    []byte // privateKey OCTET STRING contents
	pub     []byte // [1] publicKey, full TLV, or nil
}

// Attribute is one PKCS#8 attribute (RFC 2985 / RFC 5958 Attributes), kept raw.
type Attribute struct {
	Type asn1.ObjectIdentifier
	// Values is the DER SET OF AttributeValue, tag and length included.
	Values []byte
}

// maxRandomNum bounds R: real ones are 20 bytes.
const maxRandomNum = 256

var (
	tagAttributes = cbasn1.Tag(0).ContextSpecific().Constructed()
	tagPublicKey  = cbasn1.Tag(1).ContextSpecific()
)

// ParsePrivateKeyInfo parses a plaintext DER PrivateKeyInfo (or OneAsymmetricKey) with
// its attributes. Errors wrap ErrMalformed or ErrUnsupported.
func ParsePrivateKeyInfo(der []byte) (*PrivateKey, error) {
	bad := func(what string) (*PrivateKey, error) {
		return nil, fmt.Errorf("%w: PrivateKeyInfo %s", ErrMalformed, what)
	}
	if len(der) > maxKeyFileSize {
		return nil, fmt.Errorf("%w: %d bytes for a private key", ErrTooLarge, len(der))
	}
	in := cryptobyte.String(der)
	var pki, alg cryptobyte.String
	o := &origKey{}
	if !in.ReadASN1(&pki, cbasn1.SEQUENCE) || !in.Empty() {
		return bad("outer SEQUENCE")
	}
	if !pki.ReadASN1Integer(&o.version) || (o.version != 0 && o.version != 1) {
		return bad("version")
	}
	if !pki.ReadASN1Element(&alg, cbasn1.SEQUENCE) || !pki.ReadASN1Bytes(&o.priv, cbasn1.OCTET_STRING) {
		return bad("algorithm or key")
	}
	o.alg = alg
	k := &PrivateKey{orig: o}
	if pki.PeekASN1Tag(tagAttributes) {
		var attrs cryptobyte.String
		if !pki.ReadASN1(&attrs, tagAttributes) {
			return bad("attributes")
		}
		for !attrs.Empty() {
			var attr, values cryptobyte.String
			var a Attribute
			if !attrs.ReadASN1(&attr, cbasn1.SEQUENCE) || !attr.ReadASN1ObjectIdentifier(&a.Type) ||
				!attr.ReadASN1Element(&values, cbasn1.SET) || !attr.Empty() {
				return bad("attribute")
			}
			if a.Type.Equal(OIDRandomNum) {
				r, err := parseRandomNum(values)
				if err != nil {
					return nil, err
				}
				if k.RandomNum != nil {
					return bad("attributes (randomNum twice)")
				}
				k.RandomNum = r
				continue
			}
			a.Values = bytes.Clone(values)
			k.Attributes = append(k.Attributes, a)
		}
	}
	if pki.PeekASN1Tag(tagPublicKey) {
		var pub cryptobyte.String
		if o.version != 1 || !pki.ReadASN1Element(&pub, tagPublicKey) {
			return bad("publicKey")
		}
		o.pub = pub
	}
	if !pki.Empty() {
		return bad("trailing data")
	}
	key, err := parseInnerKey(o.alg, o.priv)
	if err != nil {
		return nil, err
	}
	k.Key, o.key = key, key
	o.alg, o.priv, o.pub = bytes.Clone(o.alg), bytes.Clone(o.priv), bytes.Clone(o.pub)
	return k, nil
}

// parseRandomNum reads SET { BIT STRING R } (KOREAN-PKI.md section 4).
func parseRandomNum(values cryptobyte.String) ([]byte, error) {
	var set cryptobyte.String
	var bs asn1.BitString
	if !values.ReadASN1(&set, cbasn1.SET) || !set.ReadASN1BitString(&bs) || !set.Empty() {
		return nil, fmt.Errorf("%w: randomNum attribute", ErrMalformed)
	}
	if bs.BitLength%8 != 0 || len(bs.Bytes) == 0 || len(bs.Bytes) > maxRandomNum {
		return nil, fmt.Errorf("%w: randomNum of %d bits", ErrMalformed, bs.BitLength)
	}
	return bytes.Clone(bs.Bytes), nil
}

// parseInnerKey hands version 0, the algorithm and the key to crypto/x509.
func parseInnerKey(alg, priv []byte) (crypto.Signer, error) {
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1Int64(0)
		b.AddBytes(alg)
		b.AddASN1OctetString(priv)
	})
	der, err := b.Bytes()
	if err != nil {
		return nil, fmt.Errorf("%w: PrivateKeyInfo: %v", ErrMalformed, err)
	}
	key, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, fmt.Errorf("%w: private key: %v", ErrMalformed, err)
	}
	s, ok := key.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("%w: private key of type %T cannot sign", ErrUnsupported, key)
	}
	return s, nil
}

// MarshalPrivateKeyInfo encodes k as a DER PrivateKeyInfo with R (when set) and the
// other attributes in [0] IMPLICIT Attributes.
func MarshalPrivateKeyInfo(k *PrivateKey) ([]byte, error) {
	if k == nil || k.Key == nil {
		return nil, errors.New("npki: MarshalPrivateKeyInfo: no key")
	}
	if len(k.RandomNum) > maxRandomNum {
		return nil, fmt.Errorf("npki: MarshalPrivateKeyInfo: randomNum of %d bytes is too long", len(k.RandomNum))
	}
	var version int64
	var alg, priv, pub []byte
	if o := k.orig; o != nil && o.key == k.Key {
		version, alg, priv, pub = o.version, o.alg, o.priv, o.pub
	} else {
		der, err := x509.MarshalPKCS8PrivateKey(k.Key)
		if err != nil {
			return nil, fmt.Errorf("npki: MarshalPrivateKeyInfo: %w", err)
		}
		in := cryptobyte.String(der)
		var pki, a cryptobyte.String
		if !in.ReadASN1(&pki, cbasn1.SEQUENCE) || !pki.SkipASN1(cbasn1.INTEGER) ||
			!pki.ReadASN1Element(&a, cbasn1.SEQUENCE) || !pki.ReadASN1Bytes(&priv, cbasn1.OCTET_STRING) {
			return nil, errors.New("npki: MarshalPrivateKeyInfo: unexpected PKCS#8 from crypto/x509")
		}
		alg = a
	}

	// Attributes is a SET OF: DER orders the elements by their encodings (X.690
	// section 11.6).
	var attrs [][]byte
	if k.RandomNum != nil {
		var b cryptobyte.Builder
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1ObjectIdentifier(OIDRandomNum)
			b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) {
				b.AddASN1BitString(k.RandomNum)
			})
		})
		a, err := b.Bytes()
		if err != nil {
			return nil, err
		}
		attrs = append(attrs, a)
	}
	for _, at := range k.Attributes {
		if at.Type.Equal(OIDRandomNum) {
			return nil, errors.New("npki: MarshalPrivateKeyInfo: set R with RandomNum, not Attributes")
		}
		v := cryptobyte.String(at.Values)
		var set cryptobyte.String
		if !v.ReadASN1(&set, cbasn1.SET) || !v.Empty() {
			return nil, fmt.Errorf("npki: MarshalPrivateKeyInfo: attribute %v: Values is not a DER SET", at.Type)
		}
		var b cryptobyte.Builder
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1ObjectIdentifier(at.Type)
			b.AddBytes(at.Values)
		})
		a, err := b.Bytes()
		if err != nil {
			return nil, err
		}
		attrs = append(attrs, a)
	}
	slices.SortFunc(attrs, bytes.Compare)

	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1Int64(version)
		b.AddBytes(alg)
		b.AddASN1OctetString(priv)
		if len(attrs) > 0 {
			b.AddASN1(tagAttributes, func(b *cryptobyte.Builder) {
				for _, a := range attrs {
					b.AddBytes(a)
				}
			})
		}
		if pub != nil {
			b.AddBytes(pub)
		}
	})
	return b.Bytes()
}
