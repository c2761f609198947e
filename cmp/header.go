package cmp

import (
	"bytes"
	"crypto/x509"
	"crypto/x509/pkix"
	encoding_asn1 "encoding/asn1"
	"fmt"
	"time"

	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"
)

// Protocol versions (RFC 9810 section 7): 2 is cmp2000 (RFC 4210), 3 is cmp2021, required
// only when a message uses an RFC 9810 feature (e.g. hashAlg in certConf). OpenSSL 3.0
// sends 2 and refuses answers with any other value than 2 or 3.
const (
	PVNO2000 = 2
	PVNO2021 = 3
)

// Header is PKIHeader (RFC 4210 section 5.1.1). Optional byte fields are nil when absent;
// MessageTime is zero when absent.
type Header struct {
	PVNO          int
	Sender        GeneralName
	Recipient     GeneralName
	MessageTime   time.Time
	ProtectionAlg *AlgorithmIdentifier
	SenderKID     []byte
	RecipKID      []byte
	TransactionID []byte
	SenderNonce   []byte
	RecipNonce    []byte
	FreeText      []string
	GeneralInfo   []InfoTypeAndValue

	// Raw is the DER of the header as received; nil for a header built in memory.
	Raw []byte
}

// GeneralName (RFC 5280 section 4.2.1.6), kept as its complete DER so that names survive
// a round trip byte for byte. CMP uses the directoryName choice; OpenSSL writes the
// "NULL-DN" (an empty directoryName) when it has no name (RFC 4210 section 5.1.1).
type GeneralName struct {
	Raw []byte
}

// DirectoryName returns the GeneralName directoryName [4] holding rawName, the DER of a
// Name (an RDNSequence), e.g. cert.RawSubject.
func DirectoryName(rawName []byte) GeneralName {
	var b cryptobyte.Builder
	b.AddASN1(ctx(4), func(b *cryptobyte.Builder) { b.AddBytes(rawName) })
	return GeneralName{Raw: b.BytesOrPanic()}
}

// NullDN returns the empty directoryName, written where a sender or recipient is unknown.
func NullDN() GeneralName { return DirectoryName([]byte{0x30, 0x00}) }

// Tag returns the GeneralName choice number (4 for directoryName), or -1 if empty.
func (g GeneralName) Tag() int {
	if len(g.Raw) == 0 {
		return -1
	}
	return int(g.Raw[0] & 0x1f)
}

// Name returns the DER of the directoryName's Name, or false for other choices.
func (g GeneralName) Name() ([]byte, bool) {
	s := cryptobyte.String(g.Raw)
	var inner cryptobyte.String
	if !s.ReadASN1(&inner, ctx(4)) {
		return nil, false
	}
	return []byte(inner), true
}

// IsNullDN reports whether g is the empty directoryName.
func (g GeneralName) IsNullDN() bool {
	n, ok := g.Name()
	return ok && bytes.Equal(n, []byte{0x30, 0x00})
}

// Equal compares the DER of two names.
func (g GeneralName) Equal(o GeneralName) bool { return bytes.Equal(g.Raw, o.Raw) }

// String renders a directoryName like "CN=Hong Gildong"; other choices as "[n]".
func (g GeneralName) String() string {
	if n, ok := g.Name(); ok {
		var rdn pkix.RDNSequence
		if rest, err := encoding_asn1.Unmarshal(n, &rdn); err == nil && len(rest) == 0 {
			var name pkix.Name
			name.FillFromRDNSequence(&rdn)
			return name.String()
		}
	}
	if g.Tag() < 0 {
		return ""
	}
	return fmt.Sprintf("[%d]", g.Tag())
}

func readGeneralName(s *cryptobyte.String, out *GeneralName) bool {
	var e cryptobyte.String
	var tag asn1.Tag
	if !s.ReadAnyASN1Element(&e, &tag) || tag&0xc0 != 0x80 || tag&0x1f > 8 {
		return false
	}
	if tag&0x1f == 4 { // directoryName [4] EXPLICIT Name: check it holds one SEQUENCE
		c := e
		var inner, name cryptobyte.String
		if !c.ReadASN1(&inner, ctx(4)) || !inner.ReadASN1(&name, asn1.SEQUENCE) || !inner.Empty() {
			return false
		}
	}
	out.Raw = clone(e)
	return true
}

func addGeneralName(b *cryptobyte.Builder, g GeneralName) {
	if len(g.Raw) == 0 {
		b.SetError(fmt.Errorf("cmp: empty GeneralName (use NullDN)"))
		return
	}
	b.AddBytes(g.Raw)
}

// InfoTypeAndValue (RFC 4210 section 5.3.19), used in generalInfo, genm and genp. Value
// is the complete DER of infoValue, nil when absent.
type InfoTypeAndValue struct {
	Type  encoding_asn1.ObjectIdentifier
	Value []byte
}

func readInfoTypeAndValue(s *cryptobyte.String, out *InfoTypeAndValue) bool {
	var seq cryptobyte.String
	if !s.ReadASN1(&seq, asn1.SEQUENCE) || !seq.ReadASN1ObjectIdentifier(&out.Type) {
		return false
	}
	out.Value = nil
	if !seq.Empty() {
		v, ok := readAnyElement(&seq)
		if !ok || !seq.Empty() {
			return false
		}
		out.Value = v
	}
	return true
}

func readInfoList(seq cryptobyte.String) ([]InfoTypeAndValue, bool) {
	out := []InfoTypeAndValue{}
	for !seq.Empty() {
		var it InfoTypeAndValue
		if !readInfoTypeAndValue(&seq, &it) {
			return nil, false
		}
		out = append(out, it)
	}
	return out, true
}

func addInfoList(b *cryptobyte.Builder, list []InfoTypeAndValue) {
	b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
		for _, it := range list {
			b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddASN1ObjectIdentifier(it.Type)
				if it.Value != nil {
					b.AddBytes(it.Value)
				}
			})
		}
	})
}

// ImplicitConfirmInfo is generalInfo's implicitConfirm (RFC 4210 section 5.1.1.1): in a
// request it asks, in a response it grants, that no certConf be sent.
func ImplicitConfirmInfo() InfoTypeAndValue {
	return InfoTypeAndValue{Type: OIDITImplicitConfirm, Value: clone(derNull)}
}

// ConfirmWaitTimeInfo is generalInfo's confirmWaitTime (RFC 4210 section 5.1.1.2).
func ConfirmWaitTimeInfo(t time.Time) InfoTypeAndValue {
	var b cryptobyte.Builder
	b.AddASN1GeneralizedTime(t.UTC().Truncate(time.Second))
	return InfoTypeAndValue{Type: OIDITConfirmWaitTime, Value: b.BytesOrPanic()}
}

// RandomNumInfo carries the Korean randomNum R as a BIT STRING under OIDRandomNum
// (KOREAN-PKI.md section "Issuance protocol"); it fits both generalInfo and regInfo.
func RandomNumInfo(r []byte) InfoTypeAndValue {
	var b cryptobyte.Builder
	b.AddASN1BitString(r)
	return InfoTypeAndValue{Type: OIDRandomNum, Value: b.BytesOrPanic()}
}

// CACertsInfo is the genp answer to id-it-caCerts (RFC 9810 section 5.3.19.19):
// SEQUENCE SIZE (1..MAX) OF CMPCertificate.
func CACertsInfo(certs []*x509.Certificate) InfoTypeAndValue {
	var b cryptobyte.Builder
	b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
		for _, c := range certs {
			b.AddBytes(c.Raw)
		}
	})
	return InfoTypeAndValue{Type: OIDITCACerts, Value: b.BytesOrPanic()}
}

// CAProtEncCertInfo is the genp answer to id-it-caProtEncCert (RFC 4210 section 5.3.19.1).
func CAProtEncCertInfo(cert *x509.Certificate) InfoTypeAndValue {
	return InfoTypeAndValue{Type: OIDITCAProtEncCert, Value: clone(cert.Raw)}
}

// findInfo returns the first item of the given type.
func findInfo(list []InfoTypeAndValue, oid encoding_asn1.ObjectIdentifier) (InfoTypeAndValue, bool) {
	for _, it := range list {
		if it.Type.Equal(oid) {
			return it, true
		}
	}
	return InfoTypeAndValue{}, false
}

// ImplicitConfirm reports whether generalInfo holds implicitConfirm.
func (h *Header) ImplicitConfirm() bool {
	_, ok := findInfo(h.GeneralInfo, OIDITImplicitConfirm)
	return ok
}

// ConfirmWaitTime returns generalInfo's confirmWaitTime, if present and well formed.
func (h *Header) ConfirmWaitTime() (time.Time, bool) {
	it, ok := findInfo(h.GeneralInfo, OIDITConfirmWaitTime)
	if !ok {
		return time.Time{}, false
	}
	s := cryptobyte.String(it.Value)
	var t time.Time
	if !readGeneralizedTime(&s, &t) || !s.Empty() {
		return time.Time{}, false
	}
	return t, true
}

// RandomNum returns the randomNum R from generalInfo. found is false when absent; err is
// set when present but not a whole-byte BIT STRING.
func (h *Header) RandomNum() (r []byte, found bool, err error) {
	it, ok := findInfo(h.GeneralInfo, OIDRandomNum)
	if !ok {
		return nil, false, nil
	}
	r, err = randomNumValue(it.Value)
	return r, true, err
}

func randomNumValue(v []byte) ([]byte, error) {
	s := cryptobyte.String(v)
	var bs encoding_asn1.BitString
	if !s.ReadASN1BitString(&bs) || !s.Empty() || bs.BitLength%8 != 0 || bs.BitLength == 0 {
		return nil, malformed("randomNum is not a whole-byte BIT STRING")
	}
	return bs.Bytes, nil
}

// readGeneralizedTime accepts DER GeneralizedTime with or without fractional seconds
// (DER allows a fraction without trailing zeros; cryptobyte refuses any fraction).
func readGeneralizedTime(s *cryptobyte.String, out *time.Time) bool {
	var v cryptobyte.String
	if !s.ReadASN1(&v, asn1.GeneralizedTime) {
		return false
	}
	str := string(v)
	for _, layout := range []string{"20060102150405Z", "20060102150405.999999999Z"} {
		if t, err := time.Parse(layout, str); err == nil && t.Format(layout) == str {
			*out = t
			return true
		}
	}
	return false
}

func addGeneralizedTime(b *cryptobyte.Builder, t time.Time) {
	t = t.UTC()
	layout := "20060102150405Z"
	if t.Nanosecond() != 0 {
		layout = "20060102150405.999999999Z"
	}
	b.AddASN1(asn1.GeneralizedTime, func(b *cryptobyte.Builder) { b.AddBytes([]byte(t.Format(layout))) })
}

func parseHeader(der []byte, h *Header) error {
	s := cryptobyte.String(der)
	var seq cryptobyte.String
	var pvno int64
	if !s.ReadASN1(&seq, asn1.SEQUENCE) || !s.Empty() {
		return malformed("header is not a SEQUENCE")
	}
	if !seq.ReadASN1Integer(&pvno) {
		return malformed("header: pvno")
	}
	if pvno != PVNO2000 && pvno != PVNO2021 {
		return fmt.Errorf("%w: got %d", ErrUnsupportedVersion, pvno)
	}
	*h = Header{PVNO: int(pvno), Raw: clone(der)}
	if !readGeneralName(&seq, &h.Sender) {
		return malformed("header: sender")
	}
	if !readGeneralName(&seq, &h.Recipient) {
		return malformed("header: recipient")
	}
	var f cryptobyte.String
	var present bool
	if !seq.ReadOptionalASN1(&f, &present, ctx(0)) {
		return malformed("header: messageTime")
	}
	if present && (!readGeneralizedTime(&f, &h.MessageTime) || !f.Empty()) {
		return malformed("header: messageTime")
	}
	if !seq.ReadOptionalASN1(&f, &present, ctx(1)) {
		return malformed("header: protectionAlg")
	}
	if present {
		h.ProtectionAlg = new(AlgorithmIdentifier)
		if !readAlgorithmIdentifier(&f, h.ProtectionAlg) || !f.Empty() {
			return malformed("header: protectionAlg")
		}
	}
	octets := []struct {
		tag  uint8
		out  *[]byte
		name string
	}{{2, &h.SenderKID, "senderKID"}, {3, &h.RecipKID, "recipKID"}, {4, &h.TransactionID, "transactionID"},
		{5, &h.SenderNonce, "senderNonce"}, {6, &h.RecipNonce, "recipNonce"}}
	for _, o := range octets {
		if !seq.ReadOptionalASN1(&f, &present, ctx(o.tag)) {
			return malformed("header: %s", o.name)
		}
		if present {
			var v cryptobyte.String
			if !f.ReadASN1(&v, asn1.OCTET_STRING) || !f.Empty() {
				return malformed("header: %s", o.name)
			}
			*o.out = clone(v)
			if *o.out == nil {
				*o.out = []byte{}
			}
		}
	}
	if !seq.ReadOptionalASN1(&f, &present, ctx(7)) {
		return malformed("header: freeText")
	}
	if present {
		var ok bool
		if h.FreeText, ok = readFreeText(&f); !ok || !f.Empty() {
			return malformed("header: freeText")
		}
	}
	if !seq.ReadOptionalASN1(&f, &present, ctx(8)) {
		return malformed("header: generalInfo")
	}
	if present {
		var list cryptobyte.String
		var ok bool
		if !f.ReadASN1(&list, asn1.SEQUENCE) || !f.Empty() {
			return malformed("header: generalInfo")
		}
		if h.GeneralInfo, ok = readInfoList(list); !ok {
			return malformed("header: generalInfo")
		}
	}
	if !seq.Empty() {
		return malformed("header: trailing fields")
	}
	return nil
}

func addHeader(b *cryptobyte.Builder, h *Header) {
	b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1Int64(int64(h.PVNO))
		addGeneralName(b, h.Sender)
		addGeneralName(b, h.Recipient)
		if !h.MessageTime.IsZero() {
			b.AddASN1(ctx(0), func(b *cryptobyte.Builder) { addGeneralizedTime(b, h.MessageTime) })
		}
		if h.ProtectionAlg != nil {
			b.AddASN1(ctx(1), func(b *cryptobyte.Builder) { addAlgorithmIdentifier(b, *h.ProtectionAlg) })
		}
		for i, v := range [][]byte{h.SenderKID, h.RecipKID, h.TransactionID, h.SenderNonce, h.RecipNonce} {
			if v != nil {
				b.AddASN1(ctx(uint8(2+i)), func(b *cryptobyte.Builder) { b.AddASN1OctetString(v) })
			}
		}
		if h.FreeText != nil {
			b.AddASN1(ctx(7), func(b *cryptobyte.Builder) { addFreeText(b, h.FreeText) })
		}
		if h.GeneralInfo != nil {
			b.AddASN1(ctx(8), func(b *cryptobyte.Builder) { addInfoList(b, h.GeneralInfo) })
		}
	})
}

// marshalHeader encodes h from its fields (Raw is ignored).
func marshalHeader(h *Header) ([]byte, error) {
	if h.PVNO != PVNO2000 && h.PVNO != PVNO2021 {
		return nil, fmt.Errorf("%w: header pvno %d", ErrUnsupportedVersion, h.PVNO)
	}
	var b cryptobyte.Builder
	addHeader(&b, h)
	return b.Bytes()
}
