package httpapi

import (
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"strings"
	"time"

	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/model"
)

// Decoding of the holder-signed requests (renewal, revocation) and of certificates
// presented as proof (certificate verification, registration). These parse outside
// input: signed_test.go fuzzes them.

// decodeSignature accepts standard or URL-safe base64, padded or not.
func decodeSignature(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil && len(b) > 0 && len(b) <= 1024 {
			return b, nil
		}
	}
	return nil, errs.New(errs.HolderSignatureInvalid, "signature is not base64 of 1 to 1024 bytes")
}

// decodeRandomNum decodes R: hex, 16 to 64 bytes (20 is usual).
func decodeRandomNum(s string) ([]byte, error) {
	b, err := hex.DecodeString(strings.TrimSpace(s))
	if err != nil || len(b) < 16 || len(b) > 64 {
		return nil, errs.New(errs.RandomNumInvalid, "randomNum must be 16 to 64 bytes of hex (20 is usual)")
	}
	return b, nil
}

// decodeCertificate accepts one PEM CERTIFICATE block or base64 DER.
func decodeCertificate(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "-----BEGIN") {
		block, rest := pem.Decode([]byte(s))
		if block == nil || block.Type != "CERTIFICATE" || strings.TrimSpace(string(rest)) != "" {
			return nil, errs.New(errs.BadRequest, "certificate: one PEM CERTIFICATE block expected")
		}
		return block.Bytes, nil
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b) == 0 || len(b) > 64<<10 {
		return nil, errs.New(errs.BadRequest, "certificate: PEM or base64 DER expected")
	}
	return b, nil
}

// certificateProof is a certificate presented by its holder with a signature over a
// challenge and R.
type certificateProof struct {
	Certificate string   `json:"certificate,omitempty" limit:"16384,pem"` // PEM or base64 DER
	Chain       []string `json:"chain,omitempty" limit:"16384,pem"`       // intermediates, PEM or base64 DER
	Signature   string   `json:"signature,omitempty" limit:"2048,pem"`    // base64, over the challenge bytes
	RandomNum   string   `json:"randomNum,omitempty"`                     // hex R
}

type parsedProof struct {
	cert  []byte
	chain [][]byte
	sig   []byte
	r     []byte
}

func (p certificateProof) parse() (parsedProof, error) {
	var out parsedProof
	if p.Certificate == "" || p.Signature == "" || p.RandomNum == "" {
		return out, errs.New(errs.BadRequest, "certificate, signature and randomNum are required")
	}
	var err error
	if out.cert, err = decodeCertificate(p.Certificate); err != nil {
		return out, err
	}
	if len(p.Chain) > 8 {
		return out, errs.New(errs.BadRequest, "chain: at most 8 certificates")
	}
	for _, c := range p.Chain {
		der, err := decodeCertificate(c)
		if err != nil {
			return out, err
		}
		out.chain = append(out.chain, der)
	}
	if out.sig, err = decodeSignature(p.Signature); err != nil {
		return out, err
	}
	if out.r, err = decodeRandomNum(p.RandomNum); err != nil {
		return out, err
	}
	return out, nil
}

// renewalRequest: the new CSR and a signature over its DER by the current key.
type renewalRequest struct {
	CSR       string `json:"csr" limit:"16384,pem"`
	Signature string `json:"signature" limit:"2048,pem"`
	RandomNum string `json:"randomNum,omitempty"`
}

type parsedRenewal struct {
	csr *x509.CertificateRequest
	sig []byte
	r   []byte
}

func (req renewalRequest) parse() (parsedRenewal, error) {
	var out parsedRenewal
	if req.CSR == "" || req.Signature == "" {
		return out, errs.New(errs.BadRequest, "csr and signature are required")
	}
	csr, err := ParseCSR(req.CSR)
	if err != nil {
		return out, err
	}
	out.csr = csr
	if out.sig, err = decodeSignature(req.Signature); err != nil {
		return out, err
	}
	if req.RandomNum != "" {
		if out.r, err = decodeRandomNum(req.RandomNum); err != nil {
			return out, err
		}
	}
	return out, nil
}

// revocationRequest: the reason, optionally the invalidity date, and for the holder's
// own request a signature over center.RevocationMessage.
type revocationRequest struct {
	Reason         string `json:"reason"`
	InvalidityDate string `json:"invalidityDate,omitempty"` // RFC 3339
	Signature      string `json:"signature,omitempty" limit:"2048,pem"`
}

type parsedRevocation struct {
	reason     model.RevocationReason
	invalidity *time.Time
	sig        []byte
}

func (req revocationRequest) parse(holder bool) (parsedRevocation, error) {
	var out parsedRevocation
	reason := req.Reason
	if reason == "" {
		reason = "unspecified"
	}
	rr, err := model.ParseRevocationReason(reason)
	if err != nil {
		return out, errs.New(errs.RevocationReasonInvalid, "%v", err)
	}
	out.reason = rr
	if req.InvalidityDate != "" {
		t, err := time.Parse(time.RFC3339, req.InvalidityDate)
		if err != nil {
			return out, errs.New(errs.BadRequest, "invalidityDate must be an RFC 3339 time")
		}
		out.invalidity = &t
	}
	if holder {
		if req.Signature == "" {
			return out, errs.New(errs.Unauthenticated, "send an institution API key, or the holder's signature over the revocation message")
		}
		if out.sig, err = decodeSignature(req.Signature); err != nil {
			return out, err
		}
	}
	return out, nil
}
