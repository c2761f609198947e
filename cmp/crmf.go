package cmp

import (
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	encoding_asn1 "encoding/asn1"
	"fmt"
	"math/big"
	"time"

	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"
)

// CertReqMsg is one request of CertReqMessages (RFC 4211 section 3), used by ir, cr and
// kur. The CertRequest SEQUENCE { certReqId, certTemplate, controls } is flattened into
// CertReqID, Template and Controls.
type CertReqMsg struct {
	CertReqID int64
	Template  CertTemplate
	Controls  []AttributeTypeAndValue // nil when absent
	POP       *ProofOfPossession      // nil when absent
	RegInfo   []AttributeTypeAndValue // nil when absent; the Korean R travels here

	// RawCertReq is the DER of certReq as received, the input of a signature POP
	// (RFC 4211 section 4.1). Marshal re-encodes it from the fields; SignPOP sets it.
	RawCertReq []byte
}

// AttributeTypeAndValue (RFC 4211 section 6 and 7): controls and regInfo entries. Value
// is the complete DER of the value.
type AttributeTypeAndValue struct {
	Type  encoding_asn1.ObjectIdentifier
	Value []byte
}

// CertTemplate (RFC 4211 section 5). Absent fields are nil (or zero for Validity bounds).
type CertTemplate struct {
	Version      *int64
	SerialNumber *big.Int
	SigningAlg   *AlgorithmIdentifier
	Issuer       []byte // DER of a Name
	Validity     *OptionalValidity
	Subject      []byte // DER of a Name
	PublicKey    []byte // DER of a SubjectPublicKeyInfo (as a SEQUENCE, ready for x509.ParsePKIXPublicKey)
	IssuerUID    *encoding_asn1.BitString
	SubjectUID   *encoding_asn1.BitString
	Extensions   []Extension
}

// OptionalValidity (RFC 4211 section 5); a zero time is an absent bound.
type OptionalValidity struct {
	NotBefore, NotAfter time.Time
}

// ParsePublicKey returns the template's public key.
func (t *CertTemplate) ParsePublicKey() (crypto.PublicKey, error) {
	if t.PublicKey == nil {
		return nil, fmt.Errorf("%w: no publicKey", ErrBadCertTemplate)
	}
	pub, err := x509.ParsePKIXPublicKey(t.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("%w: publicKey: %v", ErrBadCertTemplate, err)
	}
	return pub, nil
}

// SubjectName decodes the template's subject; ok is false when absent.
func (t *CertTemplate) SubjectName() (name pkix.Name, ok bool, err error) {
	return decodeName(t.Subject)
}

// IssuerName decodes the template's issuer; ok is false when absent.
func (t *CertTemplate) IssuerName() (name pkix.Name, ok bool, err error) {
	return decodeName(t.Issuer)
}

func decodeName(der []byte) (pkix.Name, bool, error) {
	if der == nil {
		return pkix.Name{}, false, nil
	}
	var rdn pkix.RDNSequence
	rest, err := encoding_asn1.Unmarshal(der, &rdn)
	if err != nil || len(rest) != 0 {
		return pkix.Name{}, true, malformed("Name")
	}
	var n pkix.Name
	n.FillFromRDNSequence(&rdn)
	return n, true, nil
}

// CertID (RFC 4211 section 6.5): the oldCertID control of a kur, and revCerts of rp.
type CertID struct {
	Issuer       GeneralName
	SerialNumber *big.Int
}

// CertIDOf names cert by issuer and serial.
func CertIDOf(cert *x509.Certificate) CertID {
	return CertID{Issuer: DirectoryName(cert.RawIssuer), SerialNumber: new(big.Int).Set(cert.SerialNumber)}
}

func readCertID(s *cryptobyte.String, out *CertID) bool {
	var seq cryptobyte.String
	if !s.ReadASN1(&seq, asn1.SEQUENCE) || !readGeneralName(&seq, &out.Issuer) {
		return false
	}
	var ok bool
	out.SerialNumber, ok = readBigInt(&seq, asn1.INTEGER)
	return ok && seq.Empty()
}

func addCertID(b *cryptobyte.Builder, id CertID) {
	b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
		addGeneralName(b, id.Issuer)
		if id.SerialNumber == nil {
			b.SetError(fmt.Errorf("cmp: CertID without serialNumber"))
			return
		}
		b.AddASN1BigInt(id.SerialNumber)
	})
}

// OldCertIDControl is the id-regCtrl-oldCertID control a kur carries (RFC 4211 section 6.5).
func OldCertIDControl(id CertID) AttributeTypeAndValue {
	var b cryptobyte.Builder
	addCertID(&b, id)
	v, _ := b.Bytes()
	return AttributeTypeAndValue{Type: OIDRegCtrlOldCertID, Value: v}
}

// OldCertID returns the oldCertID control; found is false when absent.
func (m *CertReqMsg) OldCertID() (id CertID, found bool, err error) {
	for _, c := range m.Controls {
		if c.Type.Equal(OIDRegCtrlOldCertID) {
			s := cryptobyte.String(c.Value)
			if !readCertID(&s, &id) || !s.Empty() {
				return CertID{}, true, malformed("oldCertID")
			}
			return id, true, nil
		}
	}
	return CertID{}, false, nil
}

// RandomNum returns the Korean randomNum R from regInfo (KOREAN-PKI.md section
// "Issuance protocol"); found is false when absent.
func (m *CertReqMsg) RandomNum() (r []byte, found bool, err error) {
	for _, a := range m.RegInfo {
		if a.Type.Equal(OIDRandomNum) {
			r, err = randomNumValue(a.Value)
			return r, true, err
		}
	}
	return nil, false, nil
}

// RandomNumAttribute is the regInfo entry carrying R.
func RandomNumAttribute(r []byte) AttributeTypeAndValue {
	it := RandomNumInfo(r)
	return AttributeTypeAndValue{Type: it.Type, Value: it.Value}
}

// POPKind is the ProofOfPossession choice (RFC 4211 section 4).
type POPKind int

const (
	POPRAVerified      POPKind = 0
	POPSignature       POPKind = 1
	POPKeyEncipherment POPKind = 2
	POPKeyAgreement    POPKind = 3
)

// ProofOfPossession (RFC 4211 section 4). Signature is set for POPSignature; the
// encipherment and agreement choices are kept only as Raw (we do not decode them).
type ProofOfPossession struct {
	Kind      POPKind
	Signature *POPOSigningKey
	Raw       []byte // complete DER of the choice, for kinds 2 and 3
}

// POPOSigningKey (RFC 4211 section 4.1).
type POPOSigningKey struct {
	// Input is the DER (SEQUENCE) of poposkInput when present; then the signature covers
	// Input instead of certReq.
	Input     []byte
	Algorithm AlgorithmIdentifier
	Signature []byte
}

func readAttributes(s *cryptobyte.String) ([]AttributeTypeAndValue, bool) {
	var seq cryptobyte.String
	if !s.ReadASN1(&seq, asn1.SEQUENCE) {
		return nil, false
	}
	out := []AttributeTypeAndValue{}
	for !seq.Empty() {
		var a cryptobyte.String
		var at AttributeTypeAndValue
		if !seq.ReadASN1(&a, asn1.SEQUENCE) || !a.ReadASN1ObjectIdentifier(&at.Type) {
			return nil, false
		}
		var ok bool
		if at.Value, ok = readAnyElement(&a); !ok || !a.Empty() {
			return nil, false
		}
		out = append(out, at)
	}
	return out, true
}

func addAttributes(b *cryptobyte.Builder, list []AttributeTypeAndValue) {
	b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
		for _, a := range list {
			b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddASN1ObjectIdentifier(a.Type)
				b.AddBytes(a.Value)
			})
		}
	})
}

// readCertReqMessages reads CertReqMessages ::= SEQUENCE SIZE (1..MAX) OF CertReqMsg.
func readCertReqMessages(s *cryptobyte.String) ([]CertReqMsg, error) {
	var seq cryptobyte.String
	if !s.ReadASN1(&seq, asn1.SEQUENCE) {
		return nil, malformed("CertReqMessages")
	}
	out := []CertReqMsg{}
	for i := 0; !seq.Empty(); i++ {
		var m CertReqMsg
		if err := readCertReqMsg(&seq, &m); err != nil {
			return nil, fmt.Errorf("%w (CertReqMsg %d)", err, i)
		}
		out = append(out, m)
	}
	if len(out) == 0 {
		return nil, malformed("empty CertReqMessages")
	}
	return out, nil
}

func readCertReqMsg(s *cryptobyte.String, m *CertReqMsg) error {
	var msg cryptobyte.String
	if !s.ReadASN1(&msg, asn1.SEQUENCE) {
		return malformed("CertReqMsg")
	}
	raw, ok := readElement(&msg, asn1.SEQUENCE)
	if !ok {
		return malformed("certReq")
	}
	m.RawCertReq = raw
	req := cryptobyte.String(raw)
	var body cryptobyte.String
	req.ReadASN1(&body, asn1.SEQUENCE)
	if !body.ReadASN1Integer(&m.CertReqID) {
		return malformed("certReqId")
	}
	if err := readCertTemplate(&body, &m.Template); err != nil {
		return err
	}
	if body.PeekASN1Tag(asn1.SEQUENCE) {
		if m.Controls, ok = readAttributes(&body); !ok {
			return malformed("controls")
		}
	}
	if !body.Empty() {
		return malformed("certReq: trailing fields")
	}
	if !msg.Empty() && !msg.PeekASN1Tag(asn1.SEQUENCE) {
		m.POP = new(ProofOfPossession)
		if err := readPOP(&msg, m.POP); err != nil {
			return err
		}
	}
	if msg.PeekASN1Tag(asn1.SEQUENCE) {
		if m.RegInfo, ok = readAttributes(&msg); !ok {
			return malformed("regInfo")
		}
	}
	if !msg.Empty() {
		return malformed("CertReqMsg: trailing fields")
	}
	return nil
}

func readPOP(s *cryptobyte.String, p *ProofOfPossession) error {
	var tag asn1.Tag
	var e cryptobyte.String
	if !s.ReadAnyASN1Element(&e, &tag) {
		return malformed("popo")
	}
	p.Raw = clone(e)
	switch tag {
	case ctxPrim(0): // raVerified [0] NULL
		if len(e) != 2 {
			return malformed("popo raVerified")
		}
		p.Kind = POPRAVerified
	case ctx(1): // signature [1] POPOSigningKey (IMPLICIT SEQUENCE)
		p.Kind = POPSignature
		var body cryptobyte.String
		e.ReadASN1(&body, ctx(1))
		sk := new(POPOSigningKey)
		var in cryptobyte.String
		var present bool
		if !body.ReadOptionalASN1(&in, &present, ctx(0)) {
			return malformed("poposkInput")
		}
		if present {
			var b cryptobyte.Builder
			b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) { b.AddBytes(in) })
			sk.Input, _ = b.Bytes()
		}
		if !readAlgorithmIdentifier(&body, &sk.Algorithm) {
			return malformed("popo algorithmIdentifier")
		}
		if !body.ReadASN1BitStringAsBytes(&sk.Signature) || !body.Empty() {
			return malformed("popo signature")
		}
		sk.Signature = clone(sk.Signature)
		p.Signature = sk
	case ctx(2):
		p.Kind = POPKeyEncipherment
	case ctx(3):
		p.Kind = POPKeyAgreement
	default:
		return malformed("popo: unknown choice")
	}
	return nil
}

func addPOP(b *cryptobyte.Builder, p *ProofOfPossession) {
	switch p.Kind {
	case POPRAVerified:
		b.AddASN1(ctxPrim(0), func(b *cryptobyte.Builder) {})
	case POPSignature:
		if p.Signature == nil {
			b.SetError(fmt.Errorf("cmp: signature POP without POPOSigningKey"))
			return
		}
		sk := p.Signature
		b.AddASN1(ctx(1), func(b *cryptobyte.Builder) {
			if sk.Input != nil {
				in := cryptobyte.String(sk.Input)
				var body cryptobyte.String
				if !in.ReadASN1(&body, asn1.SEQUENCE) {
					b.SetError(fmt.Errorf("cmp: poposkInput is not a SEQUENCE"))
					return
				}
				b.AddASN1(ctx(0), func(b *cryptobyte.Builder) { b.AddBytes(body) })
			}
			addAlgorithmIdentifier(b, sk.Algorithm)
			b.AddASN1BitString(sk.Signature)
		})
	default:
		if p.Raw == nil {
			b.SetError(fmt.Errorf("cmp: POP kind %d needs Raw", p.Kind))
			return
		}
		b.AddBytes(p.Raw)
	}
}

// marshalCertReq encodes CertRequest from the fields of m.
func marshalCertReq(m *CertReqMsg) ([]byte, error) {
	var b cryptobyte.Builder
	b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1Int64(m.CertReqID)
		addCertTemplate(b, &m.Template)
		if m.Controls != nil {
			addAttributes(b, m.Controls)
		}
	})
	return b.Bytes()
}

func addCertReqMessages(b *cryptobyte.Builder, msgs []CertReqMsg) {
	b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
		for i := range msgs {
			m := &msgs[i]
			req, err := marshalCertReq(m)
			if err != nil {
				b.SetError(err)
				return
			}
			b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddBytes(req)
				if m.POP != nil {
					addPOP(b, m.POP)
				}
				if m.RegInfo != nil {
					addAttributes(b, m.RegInfo)
				}
			})
		}
	})
}

func readCertTemplate(s *cryptobyte.String, t *CertTemplate) error {
	var seq cryptobyte.String
	if !s.ReadASN1(&seq, asn1.SEQUENCE) {
		return malformed("certTemplate")
	}
	return readCertTemplateBody(seq, t)
}

// readCertTemplateBody reads the fields of CertTemplate (RFC 4211 section 5, IMPLICIT
// TAGS; Name is a CHOICE, so issuer [3] and subject [5] are explicit).
func readCertTemplateBody(seq cryptobyte.String, t *CertTemplate) error {
	*t = CertTemplate{}
	var f cryptobyte.String
	var present bool
	if seq.PeekASN1Tag(ctxPrim(0)) {
		v, ok := readBigInt(&seq, ctxPrim(0))
		if !ok || !v.IsInt64() {
			return malformed("certTemplate version")
		}
		n := v.Int64()
		t.Version = &n
	}
	if seq.PeekASN1Tag(ctxPrim(1)) {
		var ok bool
		if t.SerialNumber, ok = readBigInt(&seq, ctxPrim(1)); !ok {
			return malformed("certTemplate serialNumber")
		}
	}
	if !seq.ReadOptionalASN1(&f, &present, ctx(2)) {
		return malformed("certTemplate signingAlg")
	}
	if present {
		t.SigningAlg = new(AlgorithmIdentifier)
		if !t.SigningAlg.readBody(f) {
			return malformed("certTemplate signingAlg")
		}
	}
	if err := readExplicitName(&seq, 3, &t.Issuer); err != nil {
		return err
	}
	if !seq.ReadOptionalASN1(&f, &present, ctx(4)) {
		return malformed("certTemplate validity")
	}
	if present {
		t.Validity = new(OptionalValidity)
		var tm cryptobyte.String
		var p bool
		if !f.ReadOptionalASN1(&tm, &p, ctx(0)) || (p && (!readTime(&tm, &t.Validity.NotBefore) || !tm.Empty())) {
			return malformed("certTemplate notBefore")
		}
		if !f.ReadOptionalASN1(&tm, &p, ctx(1)) || (p && (!readTime(&tm, &t.Validity.NotAfter) || !tm.Empty())) {
			return malformed("certTemplate notAfter")
		}
		if !f.Empty() {
			return malformed("certTemplate validity")
		}
	}
	if err := readExplicitName(&seq, 5, &t.Subject); err != nil {
		return err
	}
	if !seq.ReadOptionalASN1(&f, &present, ctx(6)) {
		return malformed("certTemplate publicKey")
	}
	if present {
		var b cryptobyte.Builder
		b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) { b.AddBytes(f) })
		t.PublicKey, _ = b.Bytes()
	}
	for _, u := range []struct {
		tag uint8
		out **encoding_asn1.BitString
	}{{7, &t.IssuerUID}, {8, &t.SubjectUID}} {
		if seq.PeekASN1Tag(ctxPrim(u.tag)) {
			*u.out = new(encoding_asn1.BitString)
			if !readBitString(&seq, ctxPrim(u.tag), *u.out) {
				return malformed("certTemplate uniqueIdentifier")
			}
		}
	}
	if !seq.ReadOptionalASN1(&f, &present, ctx(9)) {
		return malformed("certTemplate extensions")
	}
	if present {
		var ok bool
		if t.Extensions, ok = readExtensionList(f); !ok {
			return malformed("certTemplate extensions")
		}
	}
	if !seq.Empty() {
		return malformed("certTemplate: trailing fields")
	}
	return nil
}

func (a *AlgorithmIdentifier) readBody(body cryptobyte.String) bool {
	var b cryptobyte.Builder
	b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) { b.AddBytes(body) })
	der, err := b.Bytes()
	if err != nil {
		return false
	}
	s := cryptobyte.String(der)
	return readAlgorithmIdentifier(&s, a) && s.Empty()
}

func readExplicitName(s *cryptobyte.String, tag uint8, out *[]byte) error {
	var f cryptobyte.String
	var present bool
	if !s.ReadOptionalASN1(&f, &present, ctx(tag)) {
		return malformed("certTemplate name [%d]", tag)
	}
	if present {
		var ok bool
		if *out, ok = readElement(&f, asn1.SEQUENCE); !ok || !f.Empty() {
			return malformed("certTemplate name [%d]", tag)
		}
	}
	return nil
}

// addCertTemplate writes CertTemplate (RFC 4211 section 5).
func addCertTemplate(b *cryptobyte.Builder, t *CertTemplate) {
	b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) { addCertTemplateBody(b, t) })
}

func addCertTemplateBody(b *cryptobyte.Builder, t *CertTemplate) {
	if t.Version != nil {
		addBigInt(b, ctxPrim(0), big.NewInt(*t.Version))
	}
	if t.SerialNumber != nil {
		addBigInt(b, ctxPrim(1), t.SerialNumber)
	}
	if t.SigningAlg != nil {
		b.AddASN1(ctx(2), func(b *cryptobyte.Builder) {
			b.AddASN1ObjectIdentifier(t.SigningAlg.Algorithm)
			if t.SigningAlg.Parameters != nil {
				b.AddBytes(t.SigningAlg.Parameters)
			}
		})
	}
	if t.Issuer != nil {
		b.AddASN1(ctx(3), func(b *cryptobyte.Builder) { b.AddBytes(t.Issuer) })
	}
	if t.Validity != nil {
		b.AddASN1(ctx(4), func(b *cryptobyte.Builder) {
			if !t.Validity.NotBefore.IsZero() {
				b.AddASN1(ctx(0), func(b *cryptobyte.Builder) { addTime(b, t.Validity.NotBefore) })
			}
			if !t.Validity.NotAfter.IsZero() {
				b.AddASN1(ctx(1), func(b *cryptobyte.Builder) { addTime(b, t.Validity.NotAfter) })
			}
		})
	}
	if t.Subject != nil {
		b.AddASN1(ctx(5), func(b *cryptobyte.Builder) { b.AddBytes(t.Subject) })
	}
	if t.PublicKey != nil {
		in := cryptobyte.String(t.PublicKey)
		var body cryptobyte.String
		if !in.ReadASN1(&body, asn1.SEQUENCE) || !in.Empty() {
			b.SetError(fmt.Errorf("cmp: certTemplate publicKey is not a SubjectPublicKeyInfo"))
			return
		}
		b.AddASN1(ctx(6), func(b *cryptobyte.Builder) { b.AddBytes(body) })
	}
	if t.IssuerUID != nil {
		addBitString(b, ctxPrim(7), *t.IssuerUID)
	}
	if t.SubjectUID != nil {
		addBitString(b, ctxPrim(8), *t.SubjectUID)
	}
	if t.Extensions != nil {
		b.AddASN1(ctx(9), func(b *cryptobyte.Builder) { addExtensionList(b, t.Extensions) })
	}
}
