package httpapi

import (
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/certcenter/certcenter/internal/center"
	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store"
)

type certificateRequest struct {
	Reference string `json:"reference"`
	AuthCode  string `json:"authCode"`
	CSR       string `json:"csr" limit:"16384,pem"`
	RandomNum string `json:"randomNum,omitempty"`
	// ValidityDays asks for a short first certificate, 1 to 60 days: demo deployments
	// only (renewal can then be tried today); refused with BAD_REQUEST elsewhere.
	ValidityDays int `json:"validityDays,omitempty"`
}

type certificateResponse struct {
	Certificate string   `json:"certificate"`
	Chain       []string `json:"chain"`
	Serial      string   `json:"serial"`
	RandomNum   string   `json:"randomNum"`
}

// ParseCSR decodes a PEM PKCS#10 request and checks its self-signature.
func ParseCSR(pemText string) (*x509.CertificateRequest, error) {
	block, rest := pem.Decode([]byte(pemText))
	if block == nil || (block.Type != "CERTIFICATE REQUEST" && block.Type != "NEW CERTIFICATE REQUEST") {
		return nil, errs.New(errs.CSRInvalid, "no PEM CERTIFICATE REQUEST block")
	}
	if strings.TrimSpace(string(rest)) != "" {
		return nil, errs.New(errs.CSRInvalid, "data after the PEM block")
	}
	csr, err := x509.ParseCertificateRequest(block.Bytes)
	if err != nil {
		return nil, errs.New(errs.CSRInvalid, "%v", err)
	}
	if !center.StrongSignature(csr.SignatureAlgorithm) {
		return nil, errs.New(errs.CSRWeakSignature, "signature algorithm %v", csr.SignatureAlgorithm)
	}
	if err := csr.CheckSignature(); err != nil {
		return nil, errs.New(errs.CSRSignatureInvalid, "%v", err)
	}
	return csr, nil
}

func pemCert(der []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

// postCertificate redeems a reference number and code for a certificate.
func (s *Server) postCertificate(w http.ResponseWriter, r *http.Request) {
	var req certificateRequest
	if err := decodeJSON(r, &req); err != nil {
		s.problem(w, r, err)
		return
	}
	if req.Reference == "" || req.AuthCode == "" || req.CSR == "" {
		s.problem(w, r, errs.New(errs.BadRequest, "reference, authCode and csr are required"))
		return
	}
	var rnd []byte
	if req.RandomNum != "" {
		b, err := hex.DecodeString(req.RandomNum)
		if err != nil || len(b) != 20 {
			s.problem(w, r, errs.New(errs.RandomNumInvalid, "randomNum must be 20 bytes of hex"))
			return
		}
		rnd = b
	}
	csr, err := ParseCSR(req.CSR)
	if err != nil {
		s.problem(w, r, err)
		return
	}
	client := s.client(r)
	ctx, err := s.limits.Enroll.Admit(r.Context(), client, req.Reference)
	if err != nil {
		s.problem(w, r, err)
		return
	}
	issued, err := s.center.IssueWithCodeOptions(ctx, req.Reference, req.AuthCode, csr.PublicKey, rnd,
		center.IssueOptions{ValidityDays: req.ValidityDays})
	if errors.Is(err, errs.Sentinel(errs.AuthCodeInvalid)) {
		s.limits.Enroll.Fail(r.Context(), client, req.Reference)
	}
	if err != nil {
		s.problem(w, r, err)
		return
	}
	resp := certificateResponse{
		Certificate: pemCert(issued.Record.DER),
		Serial:      issued.Record.Serial.String(),
		RandomNum:   hex.EncodeToString(issued.RandomNum),
	}
	for _, c := range issued.Chain {
		resp.Chain = append(resp.Chain, pemCert(c))
	}
	w.Header().Set("Location", "/api/v1/certificates/"+resp.Serial)
	writeJSON(w, http.StatusCreated, resp)
}

type certificateInfo struct {
	Serial      string     `json:"serial"`
	Status      string     `json:"status"`
	Expired     bool       `json:"expired"`
	Subject     string     `json:"subject,omitempty"`
	Issuer      string     `json:"issuer"`
	Institution string     `json:"institution,omitempty"`
	Kind        string     `json:"kind,omitempty"`
	Usage       string     `json:"usage,omitempty"`
	NotBefore   time.Time  `json:"notBefore"`
	NotAfter    time.Time  `json:"notAfter"`
	RevokedAt   *time.Time `json:"revokedAt,omitempty"`
	Reason      string     `json:"revocationReason,omitempty"`
	Certificate string     `json:"certificate,omitempty"`
}

// getCertificate gives a certificate's status to anyone who knows its serial (what an
// OCSP responder answers too), and its details (the holder's name, the certificate,
// the institution, kind and usage) only to a caller with an institution API key: a
// lookup by serial is not a directory of holders (issue 17).
func (s *Server) getCertificate(w http.ResponseWriter, r *http.Request) {
	serial, err := model.ParseSerial(r.PathValue("serial"))
	if err != nil {
		s.problem(w, r, errs.New(errs.CertificateNotFound, "%v", err))
		return
	}
	details := r.Header.Get("Authorization") != ""
	if details {
		if _, err := s.institution(r); err != nil {
			s.problem(w, r, err)
			return
		}
	}
	c, err := s.ca.Certificate(r.Context(), serial)
	if errors.Is(err, store.ErrNotFound) {
		s.problem(w, r, errs.New(errs.CertificateNotFound, "serial %s", serial))
		return
	} else if err != nil {
		s.problem(w, r, err)
		return
	}
	info := certificateInfo{
		Serial: c.Serial.String(), Status: string(c.Status), Expired: time.Now().After(c.NotAfter),
		NotBefore: c.NotBefore, NotAfter: c.NotAfter, RevokedAt: c.RevokedAt,
	}
	if c.Reason != nil {
		info.Reason = c.Reason.String()
	}
	if x, err := x509.ParseCertificate(c.DER); err == nil {
		info.Issuer = model.IssuerString(x)
		if details {
			info.Subject = model.SubjectString(x)
		}
	}
	if details {
		info.Institution, info.Kind, info.Usage = c.InstitutionCode, string(c.Kind), string(c.Usage)
		info.Certificate = pemCert(c.DER)
	}
	writeJSON(w, http.StatusOK, info)
}
