package npki

import (
	"bytes"
	"crypto"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"unicode/utf8"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// OIDs of the Korean identity binding (KOREAN-PKI.md section 5).
var (
	OIDIdentifyData = asn1.ObjectIdentifier{1, 2, 410, 200004, 10, 1, 1}
	OIDVID          = asn1.ObjectIdentifier{1, 2, 410, 200004, 10, 1, 1, 1}
	OIDEncryptedVID = asn1.ObjectIdentifier{1, 2, 410, 200004, 10, 1, 1, 2}
	OIDRandomNum    = asn1.ObjectIdentifier{1, 2, 410, 200004, 10, 1, 1, 3}

	oidSHA1   = asn1.ObjectIdentifier{1, 3, 14, 3, 2, 26}
	oidSHA256 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
	oidSAN    = asn1.ObjectIdentifier{2, 5, 29, 17}
)

// Errors of the identity binding.
var (
	ErrNoIdentifyData = errors.New("npki: the certificate has no kisa-identifyData (no VID)")
	ErrBadIDN         = errors.New("npki: identity number must be 10 or 13 digits")
)

// IdentifyData is the kisa-identifyData otherName of a certificate's SubjectAltName.
type IdentifyData struct {
	RealName string
	HashAlg  crypto.Hash // crypto.SHA256 (since 2012) or crypto.SHA1
	VID      []byte
}

// validIDN reports whether idn is a resident (13) or business (10) registration number,
// digits only.
func validIDN(idn string) bool {
	if len(idn) != 13 && len(idn) != 10 {
		return false
	}
	for i := 0; i < len(idn); i++ {
		if idn[i] < '0' || idn[i] > '9' {
			return false
		}
	}
	return true
}

// VID computes H(H(DER(HashContent))) where HashContent ::= SEQUENCE { idn PrintableString,
// randomNum BIT STRING } (KOREAN-PKI.md section 5). h is crypto.SHA256 or crypto.SHA1.
func VID(h crypto.Hash, idn string, r []byte) ([]byte, error) {
	if !validIDN(idn) {
		return nil, ErrBadIDN
	}
	if len(r) == 0 {
		return nil, errors.New("npki: VID: randomNum R is empty")
	}
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.PrintableString, func(b *cryptobyte.Builder) { b.AddBytes([]byte(idn)) })
		b.AddASN1(cbasn1.BIT_STRING, func(b *cryptobyte.Builder) {
			b.AddUint8(0)
			b.AddBytes(r)
		})
	})
	content, err := b.Bytes()
	if err != nil {
		return nil, fmt.Errorf("npki: VID: %w", err)
	}
	switch h {
	case crypto.SHA256:
		s := sha256.Sum256(content)
		s = sha256.Sum256(s[:])
		return s[:], nil
	case crypto.SHA1:
		s := sha1.Sum(content)
		s = sha1.Sum(s[:])
		return s[:], nil
	}
	return nil, fmt.Errorf("npki: VID: hash %v is not used for VIDs (want SHA-256 or SHA-1)", h)
}

// CheckVID reports, in constant time over the VID bytes, whether VID(idn, r) with the
// certificate's hash equals the certificate's VID.
func (d *IdentifyData) CheckVID(idn string, r []byte) (bool, error) {
	v, err := VID(d.HashAlg, idn, r)
	if err != nil {
		return false, err
	}
	return subtle.ConstantTimeCompare(v, d.VID) == 1, nil
}

// MarshalIdentifyData encodes the IdentifyData SEQUENCE (the otherName value, without
// the [0] EXPLICIT wrapper).
func MarshalIdentifyData(d IdentifyData) ([]byte, error) {
	var oid asn1.ObjectIdentifier
	switch d.HashAlg {
	case crypto.SHA256:
		oid = oidSHA256
	case crypto.SHA1:
		oid = oidSHA1
	default:
		return nil, fmt.Errorf("npki: identifyData: hash %v not supported", d.HashAlg)
	}
	if !utf8.ValidString(d.RealName) {
		return nil, errors.New("npki: identifyData: realName is not UTF-8")
	}
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.UTF8String, func(b *cryptobyte.Builder) { b.AddBytes([]byte(d.RealName)) })
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // userInfos
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddASN1ObjectIdentifier(OIDVID)
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // idValue
					b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // hashAlg, parameters absent
						b.AddASN1ObjectIdentifier(oid)
					})
					b.AddASN1(cbasn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
						b.AddASN1OctetString(d.VID)
					})
				})
			})
		})
	})
	return b.Bytes()
}

// MarshalSAN encodes a SubjectAltName extension value holding one otherName of type
// kisa-identifyData, as Korean CAs write it.
func MarshalSAN(d IdentifyData) ([]byte, error) {
	inner, err := MarshalIdentifyData(d)
	if err != nil {
		return nil, err
	}
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
			b.AddASN1ObjectIdentifier(OIDIdentifyData)
			b.AddASN1(cbasn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
				b.AddBytes(inner)
			})
		})
	})
	return b.Bytes()
}

// ParseIdentifyDataFromCert finds kisa-identifyData in the certificate's SubjectAltName.
func ParseIdentifyDataFromCert(cert *x509.Certificate) (*IdentifyData, error) {
	for _, ext := range cert.Extensions {
		if ext.Id.Equal(oidSAN) {
			return ParseSAN(ext.Value)
		}
	}
	return nil, ErrNoIdentifyData
}

// ParseSAN finds kisa-identifyData in a DER SubjectAltName extension value.
func ParseSAN(der []byte) (*IdentifyData, error) {
	in := cryptobyte.String(der)
	var names cryptobyte.String
	if !in.ReadASN1(&names, cbasn1.SEQUENCE) || !in.Empty() {
		return nil, errors.New("npki: subjectAltName: malformed GeneralNames")
	}
	for !names.Empty() {
		var gn cryptobyte.String
		var tag cbasn1.Tag
		if !names.ReadAnyASN1(&gn, &tag) {
			return nil, errors.New("npki: subjectAltName: malformed GeneralName")
		}
		if tag != cbasn1.Tag(0).ContextSpecific().Constructed() {
			continue
		}
		var typeID asn1.ObjectIdentifier
		var val cryptobyte.String
		if !gn.ReadASN1ObjectIdentifier(&typeID) ||
			!gn.ReadASN1(&val, cbasn1.Tag(0).ContextSpecific().Constructed()) {
			return nil, errors.New("npki: subjectAltName: malformed otherName")
		}
		if typeID.Equal(OIDIdentifyData) {
			return ParseIdentifyData(val)
		}
	}
	return nil, ErrNoIdentifyData
}

// ParseIdentifyData parses the IdentifyData SEQUENCE.
func ParseIdentifyData(der []byte) (*IdentifyData, error) {
	bad := func(what string) (*IdentifyData, error) {
		return nil, fmt.Errorf("npki: kisa-identifyData: malformed %s", what)
	}
	in := cryptobyte.String(der)
	var seq, infos cryptobyte.String
	var name []byte
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !in.Empty() {
		return bad("IdentifyData")
	}
	if !seq.ReadASN1Bytes(&name, cbasn1.UTF8String) || !utf8.Valid(name) {
		return bad("realName")
	}
	if !seq.ReadASN1(&infos, cbasn1.SEQUENCE) {
		return bad("userInfos")
	}
	for !infos.Empty() {
		var info, idValue, alg cryptobyte.String
		var idType, hashOID asn1.ObjectIdentifier
		if !infos.ReadASN1(&info, cbasn1.SEQUENCE) || !info.ReadASN1ObjectIdentifier(&idType) {
			return bad("userInfo")
		}
		if !idType.Equal(OIDVID) {
			continue
		}
		if !info.ReadASN1(&idValue, cbasn1.SEQUENCE) ||
			!idValue.ReadASN1(&alg, cbasn1.SEQUENCE) || !alg.ReadASN1ObjectIdentifier(&hashOID) {
			return bad("idValue")
		}
		// Parameters may be absent (as written) or NULL (as some writers do).
		if !alg.Empty() && !bytes.Equal(alg, []byte{5, 0}) {
			return bad("hashAlg parameters")
		}
		var wrapped cryptobyte.String
		var vid []byte
		if !idValue.ReadASN1(&wrapped, cbasn1.Tag(0).ContextSpecific().Constructed()) ||
			!wrapped.ReadASN1Bytes(&vid, cbasn1.OCTET_STRING) {
			return bad("virtualID")
		}
		d := &IdentifyData{RealName: string(name), VID: vid}
		switch {
		case hashOID.Equal(oidSHA256):
			d.HashAlg = crypto.SHA256
		case hashOID.Equal(oidSHA1):
			d.HashAlg = crypto.SHA1
		default:
			return nil, fmt.Errorf("npki: kisa-identifyData: VID hash %v not supported", hashOID)
		}
		if len(vid) != d.HashAlg.Size() {
			return bad("virtualID length")
		}
		return d, nil
	}
	return nil, ErrNoIdentifyData
}
