package cmp

import (
	"crypto/x509"
	"fmt"

	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"
)

// CertRepMessage is the content of ip, cp and kup (RFC 4210 section 5.3.4).
type CertRepMessage struct {
	CAPubs    []*x509.Certificate // caPubs [1]; nil when absent
	Responses []CertResponse
}

// CertResponse (RFC 4210 section 5.3.4). Certificate is certifiedKeyPair's
// certOrEncCert when it is the plain certificate choice.
type CertResponse struct {
	CertReqID   int64
	Status      StatusInfo
	Certificate *x509.Certificate

	// RawCertifiedKeyPair holds certifiedKeyPair as received when it is more than a plain
	// certificate (encryptedCert, privateKey or publicationInfo, which we do not decode).
	// When set, Marshal writes it instead of Certificate.
	RawCertifiedKeyPair []byte
	RspInfo             []byte // nil when absent
}

// readCert reads a CMPCertificate (only the x509v3PKCert choice exists, RFC 4210 5.1).
func readCert(s *cryptobyte.String) (*x509.Certificate, error) {
	der, ok := readElement(s, asn1.SEQUENCE)
	if !ok {
		return nil, malformed("certificate")
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("%w: certificate: %v", ErrMalformed, err)
	}
	return c, nil
}

// readCertSeq reads SEQUENCE OF CMPCertificate.
func readCertSeq(s *cryptobyte.String) ([]*x509.Certificate, error) {
	var seq cryptobyte.String
	if !s.ReadASN1(&seq, asn1.SEQUENCE) {
		return nil, malformed("certificate list")
	}
	out := []*x509.Certificate{}
	for !seq.Empty() {
		c, err := readCert(&seq)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

func addCertSeq(b *cryptobyte.Builder, certs []*x509.Certificate) {
	b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
		for _, c := range certs {
			b.AddBytes(c.Raw)
		}
	})
}

func readCertRep(s *cryptobyte.String) (*CertRepMessage, error) {
	var seq cryptobyte.String
	if !s.ReadASN1(&seq, asn1.SEQUENCE) {
		return nil, malformed("CertRepMessage")
	}
	rep := new(CertRepMessage)
	var f cryptobyte.String
	var present bool
	if !seq.ReadOptionalASN1(&f, &present, ctx(1)) {
		return nil, malformed("caPubs")
	}
	if present {
		var err error
		if rep.CAPubs, err = readCertSeq(&f); err != nil {
			return nil, err
		}
		if !f.Empty() {
			return nil, malformed("caPubs")
		}
	}
	var list cryptobyte.String
	if !seq.ReadASN1(&list, asn1.SEQUENCE) || !seq.Empty() {
		return nil, malformed("CertRepMessage response")
	}
	rep.Responses = []CertResponse{}
	for !list.Empty() {
		var r CertResponse
		if err := readCertResponse(&list, &r); err != nil {
			return nil, err
		}
		rep.Responses = append(rep.Responses, r)
	}
	return rep, nil
}

func readCertResponse(s *cryptobyte.String, r *CertResponse) error {
	var seq cryptobyte.String
	if !s.ReadASN1(&seq, asn1.SEQUENCE) || !seq.ReadASN1Integer(&r.CertReqID) {
		return malformed("CertResponse")
	}
	if !readStatusInfo(&seq, &r.Status) {
		return malformed("CertResponse status")
	}
	if seq.PeekASN1Tag(asn1.SEQUENCE) {
		raw, _ := readElement(&seq, asn1.SEQUENCE)
		in := cryptobyte.String(raw)
		var ckp cryptobyte.String
		in.ReadASN1(&ckp, asn1.SEQUENCE)
		var cert cryptobyte.String
		var isCert bool
		if !ckp.ReadOptionalASN1(&cert, &isCert, ctx(0)) {
			return malformed("certifiedKeyPair")
		}
		if isCert {
			c, err := readCert(&cert)
			if err != nil {
				return err
			}
			if !cert.Empty() {
				return malformed("certOrEncCert")
			}
			r.Certificate = c
		}
		if !isCert || !ckp.Empty() {
			r.RawCertifiedKeyPair = raw
		}
	}
	if seq.PeekASN1Tag(asn1.OCTET_STRING) {
		var v cryptobyte.String
		seq.ReadASN1(&v, asn1.OCTET_STRING)
		r.RspInfo = append([]byte{}, v...)
	}
	if !seq.Empty() {
		return malformed("CertResponse: trailing fields")
	}
	return nil
}

func addCertRep(b *cryptobyte.Builder, rep *CertRepMessage) {
	b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
		if rep.CAPubs != nil {
			b.AddASN1(ctx(1), func(b *cryptobyte.Builder) { addCertSeq(b, rep.CAPubs) })
		}
		b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
			for _, r := range rep.Responses {
				b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
					b.AddASN1Int64(r.CertReqID)
					addStatusInfo(b, r.Status)
					switch {
					case r.RawCertifiedKeyPair != nil:
						b.AddBytes(r.RawCertifiedKeyPair)
					case r.Certificate != nil:
						b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
							b.AddASN1(ctx(0), func(b *cryptobyte.Builder) { b.AddBytes(r.Certificate.Raw) })
						})
					}
					if r.RspInfo != nil {
						b.AddASN1OctetString(r.RspInfo)
					}
				})
			}
		})
	})
}
