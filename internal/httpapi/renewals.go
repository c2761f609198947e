package httpapi

import (
	"encoding/hex"
	"net/http"
)

// postRenewal renews a certificate (갱신) over REST: the new CSR and a signature over
// its DER by the current certificate's key (SHA-256, RSA PKCS#1 v1.5:
// `openssl dgst -sha256 -sign current.key csr.der | base64`). An API key is optional;
// when sent, the institution must own the certificate. Only in the 30 days before
// expiry: RENEWAL_WINDOW_NOT_OPEN names the first day, CERT_EXPIRED points to reissue.
func (h deskHandlers) postRenewal(w http.ResponseWriter, r *http.Request) {
	inst, err := h.s.optionalInstitution(r)
	if err != nil {
		h.s.problem(w, r, err)
		return
	}
	serial, err := serialParam(r)
	if err != nil {
		h.s.problem(w, r, err)
		return
	}
	var req renewalRequest
	if err := decodeJSON(r, &req); err != nil {
		h.s.problem(w, r, err)
		return
	}
	p, err := req.parse()
	if err != nil {
		h.s.problem(w, r, err)
		return
	}
	issued, err := h.d.RenewSigned(r.Context(), inst, serial, p.csr.Raw, p.csr.PublicKey, p.sig, p.r)
	if err != nil {
		h.s.problem(w, r, err)
		return
	}
	if h.o.AfterIssue != nil {
		h.o.AfterIssue()
	}
	resp := certificateResponse{
		Certificate: pemCert(issued.Record.DER), Serial: issued.Record.Serial.String(), RandomNum: hex.EncodeToString(issued.RandomNum),
	}
	for _, c := range issued.Chain {
		resp.Chain = append(resp.Chain, pemCert(c))
	}
	w.Header().Set("Location", "/api/v1/certificates/"+resp.Serial)
	writeJSON(w, http.StatusCreated, resp)
}
