package cmp

import (
	"crypto/x509"
	"fmt"
	"math/big"

	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"
)

// BodyType is the PKIBody choice number (RFC 4210 section 5.1.2, RFC 9810 section 5.1.2).
type BodyType int

const (
	BodyIR       BodyType = 0
	BodyIP       BodyType = 1
	BodyCR       BodyType = 2
	BodyCP       BodyType = 3
	BodyP10CR    BodyType = 4
	BodyPOPDecC  BodyType = 5
	BodyPOPDecR  BodyType = 6
	BodyKUR      BodyType = 7
	BodyKUP      BodyType = 8
	BodyKRR      BodyType = 9
	BodyKRP      BodyType = 10
	BodyRR       BodyType = 11
	BodyRP       BodyType = 12
	BodyCCR      BodyType = 13
	BodyCCP      BodyType = 14
	BodyCKUAnn   BodyType = 15
	BodyCAnn     BodyType = 16
	BodyRAnn     BodyType = 17
	BodyCRLAnn   BodyType = 18
	BodyPKIConf  BodyType = 19
	BodyNested   BodyType = 20
	BodyGenM     BodyType = 21
	BodyGenP     BodyType = 22
	BodyError    BodyType = 23
	BodyCertConf BodyType = 24
	BodyPollReq  BodyType = 25
	BodyPollRep  BodyType = 26
)

var bodyNames = [...]string{"ir", "ip", "cr", "cp", "p10cr", "popdecc", "popdecr", "kur",
	"kup", "krr", "krp", "rr", "rp", "ccr", "ccp", "ckuann", "cann", "rann", "crlann",
	"pkiconf", "nested", "genm", "genp", "error", "certConf", "pollReq", "pollRep"}

func (t BodyType) String() string {
	if t >= 0 && int(t) < len(bodyNames) {
		return bodyNames[t]
	}
	return fmt.Sprintf("body[%d]", int(t))
}

// decoded reports whether this package decodes the body type into Body's fields;
// other types are kept only as Body.Raw.
func (t BodyType) decoded() bool {
	switch t {
	case BodyIR, BodyCR, BodyKUR, BodyIP, BodyCP, BodyKUP, BodyP10CR, BodyRR, BodyRP,
		BodyPKIConf, BodyGenM, BodyGenP, BodyError, BodyCertConf:
		return true
	}
	return false
}

// Body is PKIBody. Type selects which field is set:
//
//	ir, cr, kur        CertReqs
//	ip, cp, kup        CertRep
//	p10cr              P10CR
//	rr                 RevReqs
//	rp                 RevRep
//	pkiconf            (nothing: PKIConfirmContent is NULL)
//	genm, genp         Info
//	error              Error
//	certConf           CertConf
//
// Other types parse successfully with only Raw set, so a server can answer them with an
// error message (badRequest) instead of failing to read them.
type Body struct {
	Type     BodyType
	CertReqs []CertReqMsg
	CertRep  *CertRepMessage
	P10CR    *x509.CertificateRequest
	RevReqs  []RevDetails
	RevRep   *RevRepContent
	Info     []InfoTypeAndValue
	Error    *ErrorMsgContent
	CertConf []CertStatus

	// Raw is the complete DER of the body ([n] EXPLICIT ...) as received.
	Raw []byte
}

// RevDetails (RFC 4210 section 5.3.9): the certificate to revoke and the CRL entry
// extensions asked for (reasonCode in practice).
type RevDetails struct {
	CertDetails     CertTemplate
	CRLEntryDetails []Extension // nil when absent
}

// Reason returns the CRLReason (RFC 5280 section 5.3.1) from crlEntryDetails; found is
// false when there is no reasonCode extension.
func (d *RevDetails) Reason() (reason int, found bool, err error) {
	for _, e := range d.CRLEntryDetails {
		if e.ID.Equal(oidReasonCode) {
			s := cryptobyte.String(e.Value)
			if !s.ReadASN1Enum(&reason) || !s.Empty() || reason < 0 || reason > 10 {
				return 0, true, malformed("reasonCode")
			}
			return reason, true, nil
		}
	}
	return 0, false, nil
}

// ReasonCodeExtension is the crlEntryDetails entry for a CRLReason.
func ReasonCodeExtension(reason int) Extension {
	var b cryptobyte.Builder
	b.AddASN1Enum(int64(reason))
	return Extension{ID: oidReasonCode, Value: b.BytesOrPanic()}
}

// RevRepContent (RFC 4210 section 5.3.10).
type RevRepContent struct {
	Status   []StatusInfo
	RevCerts []CertID // nil when absent
	CRLs     [][]byte // DER CertificateLists; nil when absent
}

// CertStatus (RFC 4210 section 5.3.18, RFC 9810 adds hashAlg).
type CertStatus struct {
	CertHash   []byte
	CertReqID  int64
	StatusInfo *StatusInfo          // nil when absent (which means accepted)
	HashAlg    *AlgorithmIdentifier // nil when absent; requires pvno 3
}

// ErrorMsgContent (RFC 4210 section 5.3.21).
type ErrorMsgContent struct {
	Status       StatusInfo
	ErrorCode    *big.Int // nil when absent; implementation specific (OpenSSL: its error code)
	ErrorDetails []string // nil when absent
}

func parseBody(der []byte, body *Body) error {
	s := cryptobyte.String(der)
	var content cryptobyte.String
	var tag asn1.Tag
	if !s.ReadAnyASN1(&content, &tag) || !s.Empty() {
		return malformed("body")
	}
	if tag&0xe0 != 0xa0 { // context-specific, constructed
		return malformed("body tag 0x%02x", uint8(tag))
	}
	*body = Body{Type: BodyType(tag & 0x1f), Raw: clone(der)}
	var err error
	switch body.Type {
	case BodyIR, BodyCR, BodyKUR:
		body.CertReqs, err = readCertReqMessages(&content)
	case BodyIP, BodyCP, BodyKUP:
		body.CertRep, err = readCertRep(&content)
	case BodyP10CR:
		csr, ok := readElement(&content, asn1.SEQUENCE)
		if !ok {
			return malformed("p10cr")
		}
		if body.P10CR, err = x509.ParseCertificateRequest(csr); err != nil {
			return fmt.Errorf("%w: p10cr: %v", ErrMalformed, err)
		}
	case BodyRR:
		body.RevReqs, err = readRevReqs(&content)
	case BodyRP:
		body.RevRep, err = readRevRep(&content)
	case BodyPKIConf:
		var null cryptobyte.String
		if !content.ReadASN1(&null, asn1.NULL) || !null.Empty() {
			return malformed("pkiconf")
		}
	case BodyGenM, BodyGenP:
		var list cryptobyte.String
		var ok bool
		if !content.ReadASN1(&list, asn1.SEQUENCE) {
			return malformed("%v", body.Type)
		}
		if body.Info, ok = readInfoList(list); !ok {
			return malformed("%v", body.Type)
		}
	case BodyError:
		body.Error, err = readErrorMsg(&content)
	case BodyCertConf:
		body.CertConf, err = readCertConf(&content)
	default:
		return nil // kept as Raw only
	}
	if err != nil {
		return fmt.Errorf("%w (in %v)", err, body.Type)
	}
	if !content.Empty() {
		return malformed("%v: trailing bytes", body.Type)
	}
	return nil
}

func marshalBody(body *Body) ([]byte, error) {
	if !body.Type.decoded() {
		if body.Raw == nil {
			return nil, fmt.Errorf("cmp: cannot encode body type %v without Raw", body.Type)
		}
		return clone(body.Raw), nil
	}
	if body.Type < 0 || body.Type > 30 {
		return nil, fmt.Errorf("cmp: body type %d out of range", int(body.Type))
	}
	var b cryptobyte.Builder
	b.AddASN1(ctx(uint8(body.Type)), func(b *cryptobyte.Builder) {
		switch body.Type {
		case BodyIR, BodyCR, BodyKUR:
			addCertReqMessages(b, body.CertReqs)
		case BodyIP, BodyCP, BodyKUP:
			if body.CertRep == nil {
				b.SetError(fmt.Errorf("cmp: %v without CertRep", body.Type))
				return
			}
			addCertRep(b, body.CertRep)
		case BodyP10CR:
			if body.P10CR == nil {
				b.SetError(fmt.Errorf("cmp: p10cr without P10CR"))
				return
			}
			b.AddBytes(body.P10CR.Raw)
		case BodyRR:
			addRevReqs(b, body.RevReqs)
		case BodyRP:
			if body.RevRep == nil {
				b.SetError(fmt.Errorf("cmp: rp without RevRep"))
				return
			}
			addRevRep(b, body.RevRep)
		case BodyPKIConf:
			b.AddASN1NULL()
		case BodyGenM, BodyGenP:
			addInfoList(b, body.Info)
		case BodyError:
			if body.Error == nil {
				b.SetError(fmt.Errorf("cmp: error body without Error"))
				return
			}
			addErrorMsg(b, body.Error)
		case BodyCertConf:
			addCertConf(b, body.CertConf)
		}
	})
	return b.Bytes()
}

func readRevReqs(s *cryptobyte.String) ([]RevDetails, error) {
	var seq cryptobyte.String
	if !s.ReadASN1(&seq, asn1.SEQUENCE) {
		return nil, malformed("RevReqContent")
	}
	out := []RevDetails{}
	for !seq.Empty() {
		var d cryptobyte.String
		var rd RevDetails
		if !seq.ReadASN1(&d, asn1.SEQUENCE) {
			return nil, malformed("RevDetails")
		}
		if err := readCertTemplate(&d, &rd.CertDetails); err != nil {
			return nil, err
		}
		if !d.Empty() {
			var exts cryptobyte.String
			var ok bool
			if !d.ReadASN1(&exts, asn1.SEQUENCE) || !d.Empty() {
				return nil, malformed("crlEntryDetails")
			}
			if rd.CRLEntryDetails, ok = readExtensionList(exts); !ok {
				return nil, malformed("crlEntryDetails")
			}
		}
		out = append(out, rd)
	}
	return out, nil
}

func addRevReqs(b *cryptobyte.Builder, list []RevDetails) {
	b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
		for i := range list {
			d := &list[i]
			b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
				addCertTemplate(b, &d.CertDetails)
				if d.CRLEntryDetails != nil {
					b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) { addExtensionList(b, d.CRLEntryDetails) })
				}
			})
		}
	})
}

func readRevRep(s *cryptobyte.String) (*RevRepContent, error) {
	var seq, list cryptobyte.String
	if !s.ReadASN1(&seq, asn1.SEQUENCE) || !seq.ReadASN1(&list, asn1.SEQUENCE) {
		return nil, malformed("RevRepContent")
	}
	rep := &RevRepContent{Status: []StatusInfo{}}
	for !list.Empty() {
		var si StatusInfo
		if !readStatusInfo(&list, &si) {
			return nil, malformed("RevRepContent status")
		}
		rep.Status = append(rep.Status, si)
	}
	var f cryptobyte.String
	var present bool
	if !seq.ReadOptionalASN1(&f, &present, ctx(0)) {
		return nil, malformed("revCerts")
	}
	if present {
		var ids cryptobyte.String
		if !f.ReadASN1(&ids, asn1.SEQUENCE) || !f.Empty() {
			return nil, malformed("revCerts")
		}
		rep.RevCerts = []CertID{}
		for !ids.Empty() {
			var id CertID
			if !readCertID(&ids, &id) {
				return nil, malformed("revCerts")
			}
			rep.RevCerts = append(rep.RevCerts, id)
		}
	}
	if !seq.ReadOptionalASN1(&f, &present, ctx(1)) {
		return nil, malformed("crls")
	}
	if present {
		var crls cryptobyte.String
		if !f.ReadASN1(&crls, asn1.SEQUENCE) || !f.Empty() {
			return nil, malformed("crls")
		}
		rep.CRLs = [][]byte{}
		for !crls.Empty() {
			crl, ok := readElement(&crls, asn1.SEQUENCE)
			if !ok {
				return nil, malformed("crls")
			}
			rep.CRLs = append(rep.CRLs, crl)
		}
	}
	if !seq.Empty() {
		return nil, malformed("RevRepContent: trailing fields")
	}
	return rep, nil
}

func addRevRep(b *cryptobyte.Builder, rep *RevRepContent) {
	b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
			for _, si := range rep.Status {
				addStatusInfo(b, si)
			}
		})
		if rep.RevCerts != nil {
			b.AddASN1(ctx(0), func(b *cryptobyte.Builder) {
				b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
					for _, id := range rep.RevCerts {
						addCertID(b, id)
					}
				})
			})
		}
		if rep.CRLs != nil {
			b.AddASN1(ctx(1), func(b *cryptobyte.Builder) {
				b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
					for _, c := range rep.CRLs {
						b.AddBytes(c)
					}
				})
			})
		}
	})
}

func readCertConf(s *cryptobyte.String) ([]CertStatus, error) {
	var seq cryptobyte.String
	if !s.ReadASN1(&seq, asn1.SEQUENCE) {
		return nil, malformed("CertConfirmContent")
	}
	out := []CertStatus{}
	for !seq.Empty() {
		var c cryptobyte.String
		var cs CertStatus
		var hash cryptobyte.String
		if !seq.ReadASN1(&c, asn1.SEQUENCE) || !c.ReadASN1(&hash, asn1.OCTET_STRING) || !c.ReadASN1Integer(&cs.CertReqID) {
			return nil, malformed("CertStatus")
		}
		cs.CertHash = append([]byte{}, hash...)
		if c.PeekASN1Tag(asn1.SEQUENCE) {
			cs.StatusInfo = new(StatusInfo)
			if !readStatusInfo(&c, cs.StatusInfo) {
				return nil, malformed("CertStatus statusInfo")
			}
		}
		var f cryptobyte.String
		var present bool
		if !c.ReadOptionalASN1(&f, &present, ctx(0)) {
			return nil, malformed("CertStatus hashAlg")
		}
		if present {
			cs.HashAlg = new(AlgorithmIdentifier)
			if !readAlgorithmIdentifier(&f, cs.HashAlg) || !f.Empty() {
				return nil, malformed("CertStatus hashAlg")
			}
		}
		if !c.Empty() {
			return nil, malformed("CertStatus: trailing fields")
		}
		out = append(out, cs)
	}
	return out, nil
}

func addCertConf(b *cryptobyte.Builder, list []CertStatus) {
	b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
		for _, cs := range list {
			b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddASN1OctetString(cs.CertHash)
				b.AddASN1Int64(cs.CertReqID)
				if cs.StatusInfo != nil {
					addStatusInfo(b, *cs.StatusInfo)
				}
				if cs.HashAlg != nil {
					b.AddASN1(ctx(0), func(b *cryptobyte.Builder) { addAlgorithmIdentifier(b, *cs.HashAlg) })
				}
			})
		}
	})
}

func readErrorMsg(s *cryptobyte.String) (*ErrorMsgContent, error) {
	var seq cryptobyte.String
	e := new(ErrorMsgContent)
	if !s.ReadASN1(&seq, asn1.SEQUENCE) || !readStatusInfo(&seq, &e.Status) {
		return nil, malformed("ErrorMsgContent")
	}
	if seq.PeekASN1Tag(asn1.INTEGER) {
		var ok bool
		if e.ErrorCode, ok = readBigInt(&seq, asn1.INTEGER); !ok {
			return nil, malformed("errorCode")
		}
	}
	if seq.PeekASN1Tag(asn1.SEQUENCE) {
		var ok bool
		if e.ErrorDetails, ok = readFreeText(&seq); !ok {
			return nil, malformed("errorDetails")
		}
	}
	if !seq.Empty() {
		return nil, malformed("ErrorMsgContent: trailing fields")
	}
	return e, nil
}

func addErrorMsg(b *cryptobyte.Builder, e *ErrorMsgContent) {
	b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
		addStatusInfo(b, e.Status)
		if e.ErrorCode != nil {
			b.AddASN1BigInt(e.ErrorCode)
		}
		if e.ErrorDetails != nil {
			addFreeText(b, e.ErrorDetails)
		}
	})
}
