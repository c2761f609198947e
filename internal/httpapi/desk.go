package httpapi

import (
	"context"
	"crypto"
	"net/http"
	"strings"
	"time"

	"github.com/certcenter/certcenter/internal/ca"
	"github.com/certcenter/certcenter/internal/center"
	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/model"
)

// Desk is what the institution API needs from the certificate desk (center.Desk):
// customers, identity verification, verified enrollments, holder-signed renewal and
// revocation, suspension, other-institution registration and billing.
type Desk interface {
	CreateCustomer(ctx context.Context, inst model.Institution, in center.NewCustomer) (center.CustomerView, error)
	Customer(ctx context.Context, inst model.Institution, id string) (*center.CustomerRecord, error)
	StartVerification(ctx context.Context, inst model.Institution, customerID, method string, ev center.Evidence) (center.VerificationView, error)
	ConfirmVerification(ctx context.Context, inst model.Institution, id string, ev center.Evidence) (center.VerificationView, error)
	Verification(ctx context.Context, inst model.Institution, id string) (center.VerificationView, error)
	EnrollVerified(ctx context.Context, inst model.Institution, req center.VerifiedEnrollment) (*center.Enrolled, error)
	// EnrollAtCounter is Center.Enroll that binds the enrollment to the institution's
	// customer with the same identity number and name, for reminders.
	EnrollAtCounter(ctx context.Context, req center.EnrollRequest) (*center.Enrolled, error)
	RenewSigned(ctx context.Context, inst *model.Institution, serial model.Serial, csrDER []byte, pub crypto.PublicKey, sig, r []byte) (*ca.Issued, error)
	RevokeSigned(ctx context.Context, serial model.Serial, reason model.RevocationReason, invalidity *time.Time, sig []byte) (model.Certificate, error)
	Revoke(ctx context.Context, inst *model.Institution, serial model.Serial, reason model.RevocationReason, invalidity *time.Time, actor string) (model.Certificate, error)
	Suspend(ctx context.Context, inst *model.Institution, serial model.Serial, actor string) (model.Certificate, error)
	Resume(ctx context.Context, inst *model.Institution, serial model.Serial, actor string) (model.Certificate, error)
	RegistrationChallenge(ctx context.Context, inst model.Institution, customerID string) (center.VerificationView, error)
	Register(ctx context.Context, inst model.Institution, req center.RegisterRequest) (center.RegistrationView, error)
	Registrations(ctx context.Context, inst model.Institution, customerID string) ([]center.RegistrationView, error)
	Deregister(ctx context.Context, inst model.Institution, id string) error
	Billing(ctx context.Context, inst model.Institution, limit int) ([]center.BillingView, error)
}

// OutboxReader lists the development outbox (sqlstore implements it).
type OutboxReader interface {
	Outbox(ctx context.Context, institution string, limit int) ([]model.OutboxMessage, error)
}

// DeskOptions configure MountDesk.
type DeskOptions struct {
	// Outbox, when set (demo mode), serves GET /api/v1/dev/outbox.
	Outbox OutboxReader
	// AfterIssue, when set, is called after a renewal issued a certificate (billing).
	AfterIssue func()
}

// MountDesk mounts the institution API of the certificate desk, the OpenAPI document
// and, in demo mode, the development outbox. Call it before serving.
func (s *Server) MountDesk(d Desk, o DeskOptions) {
	s.desk = d
	h := deskHandlers{s: s, d: d, o: o}
	s.Handle("POST /api/v1/customers", h.postCustomer)
	s.Handle("GET /api/v1/customers/{id}", h.getCustomer)
	s.Handle("POST /api/v1/verifications", h.postVerification)
	s.Handle("GET /api/v1/verifications/{id}", h.getVerification)
	s.Handle("POST /api/v1/verifications/{id}/confirm", h.confirmVerification)
	s.Handle("POST /api/v1/certificates/{serial}/renewal", h.postRenewal)
	s.Handle("POST /api/v1/certificates/{serial}/revocation", h.postRevocation)
	s.Handle("POST /api/v1/certificates/{serial}/suspension", h.postSuspension)
	s.Handle("DELETE /api/v1/certificates/{serial}/suspension", h.deleteSuspension)
	s.Handle("POST /api/v1/registrations/challenges", h.postRegistrationChallenge)
	s.Handle("POST /api/v1/registrations", h.postRegistration)
	s.Handle("GET /api/v1/registrations", h.getRegistrations)
	s.Handle("DELETE /api/v1/registrations/{id}", h.deleteRegistration)
	s.Handle("GET /api/v1/billing", h.getBilling)
	s.Handle("GET /openapi.json", h.getOpenAPI)
	if o.Outbox != nil {
		s.Handle("GET /api/v1/dev/outbox", h.getOutbox)
	}
}

// Routes lists the patterns mounted so far.
func (s *Server) Routes() []string { return append([]string(nil), s.routes...) }

type deskHandlers struct {
	s *Server
	d Desk
	o DeskOptions
}

// optionalInstitution authenticates the API key when the request carries one: holder
// requests (renewal, revocation) may come straight from the holder or through an
// institution. A wrong key is refused, never ignored.
func (s *Server) optionalInstitution(r *http.Request) (*model.Institution, error) {
	if strings.TrimSpace(r.Header.Get("Authorization")) == "" {
		return nil, nil
	}
	inst, err := s.institution(r)
	if err != nil {
		return nil, err
	}
	return &inst, nil
}

// postVerifiedEnrollment is POST /api/v1/enrollments with a verificationId: the
// enrollment of a verified customer, and with replaces a reissue (재발급).
func (s *Server) postVerifiedEnrollment(w http.ResponseWriter, r *http.Request, inst model.Institution, req enrollmentRequest) {
	if s.desk == nil {
		s.problem(w, r, errs.New(errs.BadRequest, "verified enrollments are not available on this server"))
		return
	}
	if req.VerificationID == "" {
		s.problem(w, r, errs.New(errs.BadRequest, "replaces needs a verificationId: a reissue follows a new identity verification"))
		return
	}
	if req.Name != "" || req.IDN != "" || req.TellerID != "" {
		s.problem(w, r, errs.New(errs.BadRequest, "with a verificationId, name, idn and tellerId come from the customer record and the verification"))
		return
	}
	vr := center.VerifiedEnrollment{VerificationID: req.VerificationID, Kind: model.Kind(req.Kind), Usage: model.Usage(req.Usage)}
	if req.Replaces != "" {
		serial, err := model.ParseSerial(req.Replaces)
		if err != nil {
			s.problem(w, r, errs.New(errs.CertificateNotFound, "replaces: %v", err))
			return
		}
		vr.Replaces = serial
	}
	out, err := s.desk.EnrollVerified(r.Context(), inst, vr)
	if err != nil {
		s.problem(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, out)
}

// serialParam parses the {serial} path value.
func serialParam(r *http.Request) (model.Serial, error) {
	serial, err := model.ParseSerial(r.PathValue("serial"))
	if err != nil {
		return nil, errs.New(errs.CertificateNotFound, "%v", err)
	}
	return serial, nil
}

// statusResponse is a certificate's status after a lifecycle change.
type statusResponse struct {
	Serial         string     `json:"serial"`
	Status         string     `json:"status"`
	StatusAt       time.Time  `json:"statusAt"`
	RevokedAt      *time.Time `json:"revokedAt,omitempty"`
	Reason         string     `json:"revocationReason,omitempty"`
	InvalidityDate *time.Time `json:"invalidityDate,omitempty"`
}

func statusOf(c model.Certificate) statusResponse {
	out := statusResponse{Serial: c.Serial.String(), Status: string(c.Status), StatusAt: c.StatusAt, RevokedAt: c.RevokedAt, InvalidityDate: c.InvalidityDate}
	if c.Reason != nil {
		out.Reason = c.Reason.String()
	}
	return out
}
