package httpapi

import (
	"context"
	"net/http"

	"github.com/certcenter/certcenter/internal/model"
)

// postRevocation revokes a certificate (폐기) with an RFC 5280 reason: by the
// institution (API key; only its own certificates) or by the holder (no API key; a
// signature over center.RevocationMessage by the certificate's key).
func (h deskHandlers) postRevocation(w http.ResponseWriter, r *http.Request) {
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
	var req revocationRequest
	if err := decodeJSON(r, &req); err != nil {
		h.s.problem(w, r, err)
		return
	}
	p, err := req.parse(inst == nil)
	if err != nil {
		h.s.problem(w, r, err)
		return
	}
	var c model.Certificate
	if inst == nil {
		c, err = h.d.RevokeSigned(r.Context(), serial, p.reason, p.invalidity, p.sig)
	} else {
		c, err = h.d.Revoke(r.Context(), inst, serial, p.reason, p.invalidity, "institution:"+inst.Code)
	}
	if err != nil {
		h.s.problem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, statusOf(c))
}

// postSuspension suspends a certificate (효력정지, certificateHold); institution only.
func (h deskHandlers) postSuspension(w http.ResponseWriter, r *http.Request) {
	h.suspension(w, r, h.d.Suspend)
}

// deleteSuspension resumes a suspended certificate (효력회복); a revoked certificate
// is never resumed (CERT_REVOKED).
func (h deskHandlers) deleteSuspension(w http.ResponseWriter, r *http.Request) {
	h.suspension(w, r, h.d.Resume)
}

func (h deskHandlers) suspension(w http.ResponseWriter, r *http.Request, op func(ctx context.Context, inst *model.Institution, serial model.Serial, actor string) (model.Certificate, error)) {
	inst, err := h.s.institution(r)
	if err != nil {
		h.s.problem(w, r, err)
		return
	}
	serial, err := serialParam(r)
	if err != nil {
		h.s.problem(w, r, err)
		return
	}
	c, err := op(r.Context(), &inst, serial, "institution:"+inst.Code)
	if err != nil {
		h.s.problem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, statusOf(c))
}
