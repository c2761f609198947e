package httpapi

import (
	"net/http"

	"github.com/certcenter/certcenter/internal/center"
	"github.com/certcenter/certcenter/internal/errs"
)

type verificationRequest struct {
	CustomerID    string `json:"customerId"`
	Method        string `json:"method"`
	TellerID      string `json:"tellerId,omitempty" limit:"32"`
	AccountNumber string `json:"accountNumber,omitempty"`
	AccountPIN    string `json:"accountPin,omitempty"`
}

// confirmRequest answers a pending verification: the SMS code, or for the certificate
// method the signed challenge (the same fields as a registration).
type confirmRequest struct {
	Code string `json:"code,omitempty"`
	certificateProof
}

// postVerification starts an identity verification (본인확인) of a customer: sms
// (sends a 6-digit code, confirm it within 3 minutes), account (account number and
// PIN, settled at once), in-person (the teller's id, settled at once) or certificate
// (answers a challenge to sign, confirm with the signature).
func (h deskHandlers) postVerification(w http.ResponseWriter, r *http.Request) {
	inst, err := h.s.institution(r)
	if err != nil {
		h.s.problem(w, r, err)
		return
	}
	var req verificationRequest
	if err := decodeJSON(r, &req); err != nil {
		h.s.problem(w, r, err)
		return
	}
	if req.CustomerID == "" || req.Method == "" {
		h.s.problem(w, r, errs.New(errs.BadRequest, "customerId and method are required"))
		return
	}
	out, err := h.d.StartVerification(r.Context(), inst, req.CustomerID, req.Method, center.Evidence{
		TellerID: req.TellerID, AccountNumber: req.AccountNumber, AccountPIN: req.AccountPIN})
	if err != nil {
		h.s.problem(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/verifications/"+out.ID)
	writeJSON(w, http.StatusCreated, out)
}

func (h deskHandlers) getVerification(w http.ResponseWriter, r *http.Request) {
	inst, err := h.s.institution(r)
	if err != nil {
		h.s.problem(w, r, err)
		return
	}
	out, err := h.d.Verification(r.Context(), inst, r.PathValue("id"))
	if err != nil {
		h.s.problem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// confirmVerification settles a pending verification.
func (h deskHandlers) confirmVerification(w http.ResponseWriter, r *http.Request) {
	inst, err := h.s.institution(r)
	if err != nil {
		h.s.problem(w, r, err)
		return
	}
	var req confirmRequest
	if err := decodeJSON(r, &req); err != nil {
		h.s.problem(w, r, err)
		return
	}
	ev := center.Evidence{Code: req.Code}
	if req.Certificate != "" {
		p, err := req.certificateProof.parse()
		if err != nil {
			h.s.problem(w, r, err)
			return
		}
		ev.Certificate, ev.Chain, ev.Signature, ev.RandomNum = p.cert, p.chain, p.sig, p.r
	}
	out, err := h.d.ConfirmVerification(r.Context(), inst, r.PathValue("id"), ev)
	if err != nil {
		h.s.problem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}
