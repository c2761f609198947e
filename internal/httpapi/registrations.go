package httpapi

import (
	"net/http"

	"github.com/certcenter/certcenter/internal/center"
	"github.com/certcenter/certcenter/internal/errs"
)

type challengeRequest struct {
	CustomerID string `json:"customerId"`
}

type registrationRequest struct {
	ChallengeID string `json:"challengeId"`
	certificateProof
}

// postRegistrationChallenge starts an other-institution registration (타기관 인증서
// 등록): a challenge (base64) for the customer to sign with that certificate's key.
func (h deskHandlers) postRegistrationChallenge(w http.ResponseWriter, r *http.Request) {
	inst, err := h.s.institution(r)
	if err != nil {
		h.s.problem(w, r, err)
		return
	}
	var req challengeRequest
	if err := decodeJSON(r, &req); err != nil {
		h.s.problem(w, r, err)
		return
	}
	if req.CustomerID == "" {
		h.s.problem(w, r, errs.New(errs.BadRequest, "customerId is required"))
		return
	}
	out, err := h.d.RegistrationChallenge(r.Context(), inst, req.CustomerID)
	if err != nil {
		h.s.problem(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, out)
}

// postRegistration binds a certificate issued elsewhere to the challenge's customer
// after checking chain, validity, status, the signature over the challenge and
// VID(customer's identity number, R).
func (h deskHandlers) postRegistration(w http.ResponseWriter, r *http.Request) {
	inst, err := h.s.institution(r)
	if err != nil {
		h.s.problem(w, r, err)
		return
	}
	var req registrationRequest
	if err := decodeJSON(r, &req); err != nil {
		h.s.problem(w, r, err)
		return
	}
	if req.ChallengeID == "" {
		h.s.problem(w, r, errs.New(errs.BadRequest, "challengeId is required"))
		return
	}
	p, err := req.certificateProof.parse()
	if err != nil {
		h.s.problem(w, r, err)
		return
	}
	out, err := h.d.Register(r.Context(), inst, center.RegisterRequest{ChallengeID: req.ChallengeID,
		Certificate: p.cert, Chain: p.chain, Signature: p.sig, RandomNum: p.r})
	if err != nil {
		h.s.problem(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/registrations/"+out.ID)
	writeJSON(w, http.StatusCreated, out)
}

// getRegistrations lists a customer's registered certificates with their live status.
func (h deskHandlers) getRegistrations(w http.ResponseWriter, r *http.Request) {
	inst, err := h.s.institution(r)
	if err != nil {
		h.s.problem(w, r, err)
		return
	}
	customer := r.URL.Query().Get("customer")
	if customer == "" {
		h.s.problem(w, r, errs.New(errs.BadRequest, "the query parameter customer is required"))
		return
	}
	list, err := h.d.Registrations(r.Context(), inst, customer)
	if err != nil {
		h.s.problem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"registrations": list})
}

// deleteRegistration removes a registration (해제).
func (h deskHandlers) deleteRegistration(w http.ResponseWriter, r *http.Request) {
	inst, err := h.s.institution(r)
	if err != nil {
		h.s.problem(w, r, err)
		return
	}
	if err := h.d.Deregister(r.Context(), inst, r.PathValue("id")); err != nil {
		h.s.problem(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
