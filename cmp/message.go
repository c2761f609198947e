package cmp

import (
	"crypto/x509"
	"fmt"

	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"
)

// Message is a PKIMessage (RFC 4210 section 5.1):
//
//	PKIMessage ::= SEQUENCE {
//	    header           PKIHeader,
//	    body             PKIBody,
//	    protection   [0] PKIProtection OPTIONAL,
//	    extraCerts   [1] SEQUENCE SIZE (1..MAX) OF CMPCertificate OPTIONAL }
type Message struct {
	Header     Header
	Body       Body
	Protection []byte              // the PKIProtection BIT STRING's bytes; nil when absent
	ExtraCerts []*x509.Certificate // nil when absent; the protecting certificate comes first

	// Raw is the DER of the whole message as received (or as last produced by Protect*).
	Raw []byte
}

// Parse decodes a DER PKIMessage. It refuses input larger than MaxMessageSize, DER
// nested deeper than 32 levels, trailing bytes, and pvno other than 2 or 3
// (ErrUnsupportedVersion). Header.Raw and Body.Raw keep the received encodings so that
// protection is verified over them. Parse does not verify protection.
func Parse(der []byte) (*Message, error) {
	if len(der) > MaxMessageSize {
		return nil, fmt.Errorf("%w: %d bytes (limit %d)", ErrTooLarge, len(der), MaxMessageSize)
	}
	if err := checkNesting(der, maxNesting); err != nil {
		return nil, err
	}
	s := cryptobyte.String(der)
	var seq cryptobyte.String
	if !s.ReadASN1(&seq, asn1.SEQUENCE) || !s.Empty() {
		return nil, malformed("PKIMessage is not one SEQUENCE")
	}
	m := &Message{Raw: clone(der)}
	rawHeader, ok := readElement(&seq, asn1.SEQUENCE)
	if !ok {
		return nil, malformed("header")
	}
	if err := parseHeader(rawHeader, &m.Header); err != nil {
		return nil, err
	}
	rawBody, ok := readAnyElement(&seq)
	if !ok {
		return nil, malformed("body")
	}
	if err := parseBody(rawBody, &m.Body); err != nil {
		return nil, err
	}
	var f cryptobyte.String
	var present bool
	if !seq.ReadOptionalASN1(&f, &present, ctx(0)) {
		return nil, malformed("protection")
	}
	if present {
		if !f.ReadASN1BitStringAsBytes(&m.Protection) || !f.Empty() {
			return nil, malformed("protection")
		}
		m.Protection = clone(m.Protection)
		if m.Protection == nil {
			m.Protection = []byte{}
		}
	}
	if !seq.ReadOptionalASN1(&f, &present, ctx(1)) {
		return nil, malformed("extraCerts")
	}
	if present {
		var err error
		if m.ExtraCerts, err = readCertSeq(&f); err != nil {
			return nil, fmt.Errorf("%w (extraCerts)", err)
		}
		if !f.Empty() {
			return nil, malformed("extraCerts")
		}
	}
	if !seq.Empty() {
		return nil, malformed("PKIMessage: trailing fields")
	}
	return m, nil
}

// Marshal encodes the message from its fields. Header.Raw and Body.Raw are ignored
// except for body types this package does not decode, which are written from Body.Raw.
// Marshal does not compute protection: use ProtectPBM or ProtectSignature to send a
// protected message; Marshal writes whatever Protection holds.
func (m *Message) Marshal() ([]byte, error) {
	h, err := marshalHeader(&m.Header)
	if err != nil {
		return nil, err
	}
	body, err := marshalBody(&m.Body)
	if err != nil {
		return nil, err
	}
	return m.assemble(h, body)
}

func (m *Message) assemble(header, body []byte) ([]byte, error) {
	var b cryptobyte.Builder
	b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddBytes(header)
		b.AddBytes(body)
		if m.Protection != nil {
			b.AddASN1(ctx(0), func(b *cryptobyte.Builder) { b.AddASN1BitString(m.Protection) })
		}
		if m.ExtraCerts != nil {
			b.AddASN1(ctx(1), func(b *cryptobyte.Builder) { addCertSeq(b, m.ExtraCerts) })
		}
	})
	return b.Bytes()
}

// protectedPart returns the DER of ProtectedPart ::= SEQUENCE { header, body }
// (RFC 4210 section 5.1.3) over the received encodings when the message was parsed, or a
// fresh encoding otherwise.
func (m *Message) protectedPart() ([]byte, error) {
	h, body := m.Header.Raw, m.Body.Raw
	var err error
	if h == nil {
		if h, err = marshalHeader(&m.Header); err != nil {
			return nil, err
		}
	}
	if body == nil {
		if body, err = marshalBody(&m.Body); err != nil {
			return nil, err
		}
	}
	var b cryptobyte.Builder
	b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddBytes(h)
		b.AddBytes(body)
	})
	return b.Bytes()
}
