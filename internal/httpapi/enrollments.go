package httpapi

import (
	"net/http"
	"strings"

	"github.com/certcenter/certcenter/internal/center"
	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/model"
)

type enrollmentRequest struct {
	Name     string `json:"name"`
	IDN      string `json:"idn"`
	Kind     string `json:"kind,omitempty"`
	Usage    string `json:"usage,omitempty"`
	TellerID string `json:"tellerId,omitempty" limit:"32"`
	// VerificationID and Replaces: an enrollment from an identity verification, and
	// a reissue (desk.go).
	VerificationID string `json:"verificationId,omitempty"`
	Replaces       string `json:"replaces,omitempty"`
}

// postEnrollment is the institution's counter enrollment after an in-person identity
// check: Bearer API key, answers the reference number and authorization code.
func (s *Server) postEnrollment(w http.ResponseWriter, r *http.Request) {
	inst, err := s.institution(r)
	if err != nil {
		s.problem(w, r, err)
		return
	}
	var req enrollmentRequest
	if err := decodeJSON(r, &req); err != nil {
		s.problem(w, r, err)
		return
	}
	if req.VerificationID != "" || req.Replaces != "" {
		s.postVerifiedEnrollment(w, r, inst, req)
		return
	}
	verification := "in-person"
	actor := "institution:" + inst.Code
	if req.TellerID != "" {
		actor = "teller:" + req.TellerID
	}
	enroll := s.center.Enroll
	if s.desk != nil { // the enrollment joins the customer's record: reminders go to its contact
		enroll = s.desk.EnrollAtCounter
	}
	out, err := enroll(r.Context(), center.EnrollRequest{
		Institution: inst.Code, Name: req.Name, IDN: req.IDN,
		Kind: model.Kind(req.Kind), Usage: model.Usage(req.Usage),
		Verification: verification, TellerID: req.TellerID, Actor: actor,
	})
	if err != nil {
		s.problem(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, out)
}

// institution authenticates the request's Bearer API key.
func (s *Server) institution(r *http.Request) (model.Institution, error) {
	h := r.Header.Get("Authorization")
	key, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || strings.TrimSpace(key) == "" {
		return model.Institution{}, errs.New(errs.Unauthenticated, "missing Bearer API key")
	}
	return s.center.Authenticate(r.Context(), strings.TrimSpace(key))
}
