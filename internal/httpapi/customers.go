package httpapi

import (
	"net/http"

	"github.com/certcenter/certcenter/internal/center"
)

type customerRequest struct {
	Name     string              `json:"name"`
	IDN      string              `json:"idn"`
	Phone    string              `json:"phone,omitempty"`
	Email    string              `json:"email,omitempty" limit:"254"`
	Accounts []center.NewAccount `json:"accounts,omitempty"`
}

// postCustomer records a customer of the calling institution. The answer masks the
// identity number, the phone number and the account numbers.
func (h deskHandlers) postCustomer(w http.ResponseWriter, r *http.Request) {
	inst, err := h.s.institution(r)
	if err != nil {
		h.s.problem(w, r, err)
		return
	}
	var req customerRequest
	if err := decodeJSON(r, &req); err != nil {
		h.s.problem(w, r, err)
		return
	}
	out, err := h.d.CreateCustomer(r.Context(), inst, center.NewCustomer{Name: req.Name, IDN: req.IDN, Phone: req.Phone, Email: req.Email, Accounts: req.Accounts})
	if err != nil {
		h.s.problem(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/customers/"+out.ID)
	writeJSON(w, http.StatusCreated, out)
}

// getCustomer shows one of the calling institution's customers, masked.
func (h deskHandlers) getCustomer(w http.ResponseWriter, r *http.Request) {
	inst, err := h.s.institution(r)
	if err != nil {
		h.s.problem(w, r, err)
		return
	}
	c, err := h.d.Customer(r.Context(), inst, r.PathValue("id"))
	if err != nil {
		h.s.problem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c.View())
}
