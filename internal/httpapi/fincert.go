package httpapi

import (
	"context"
	"net/http"
	"strings"

	"github.com/certcenter/certcenter/internal/cloudcert"
	"github.com/certcenter/certcenter/internal/model"
)

// FinCert is what the financial certificate's routes need (internal/cloudcert.Service).
type FinCert interface {
	Authenticate(ctx context.Context, orgCode, apiKey string) (model.Institution, error)
	CreateSignRequest(ctx context.Context, inst model.Institution, r cloudcert.SignRequest) (*cloudcert.Created, error)
	View(ctx context.Context, id string) (*cloudcert.SignView, error)
	Complete(ctx context.Context, id string, p cloudcert.DeviceProof, pin string) (*cloudcert.SignResult, error)
	Verify(ctx context.Context, v cloudcert.VerifyRequest) (*cloudcert.Verified, error)
	Issue(ctx context.Context, r cloudcert.IssueRequest) (*cloudcert.CertInfo, error)
	Renew(ctx context.Context, p cloudcert.DeviceProof, pin string) (*cloudcert.CertInfo, error)
	CertInfo(ctx context.Context, p cloudcert.DeviceProof) (*cloudcert.CertInfo, error)
	NewChallenge(ctx context.Context, deviceID string) (*cloudcert.Challenge, error)
	Devices(ctx context.Context, p cloudcert.DeviceProof) ([]cloudcert.DeviceView, error)
	Disconnect(ctx context.Context, p cloudcert.DeviceProof, target string) error
	DisconnectByInstitution(ctx context.Context, inst model.Institution, target string) error
	StartDeviceRegistration(ctx context.Context, r cloudcert.DeviceRegistration) (*cloudcert.Pending, error)
	ConfirmDeviceRegistration(ctx context.Context, id, code string) (string, error)
	StartPINReset(ctx context.Context, inst model.Institution, verificationID string) (*cloudcert.PINReset, error)
	CompletePINReset(ctx context.Context, resetID, code, pin string, p cloudcert.DeviceProof) error
}

// The financial certificate's requests (internal/cloudcert's package doc describes the
// flows). Binary fields are standard base64 in JSON.
type (
	fcSignRequest struct {
		cloudcert.SignRequest
	}
	fcProof struct {
		cloudcert.DeviceProof
	}
	fcProofPIN struct {
		cloudcert.DeviceProof
		PIN string `json:"pin"`
	}
	fcChallengeRequest struct {
		DeviceID string `json:"deviceId"`
	}
	fcCode struct {
		Code string `json:"code"`
	}
	fcPINReset struct {
		cloudcert.DeviceProof
		ResetCode string `json:"resetCode"`
		PIN       string `json:"pin"`
	}
	fcResetStart struct {
		VerificationID string `json:"verificationId"`
	}
)

// MountFinCert adds the financial certificate's routes under /fincert/v1/: the relying
// institutions' side (API key) and the user's side, which certcenter's own iframe calls
// (device proof and PIN).
func (s *Server) MountFinCert(f FinCert) {
	h := &fincertRoutes{s: s, f: f}
	// Relying institutions (orgCode and API key).
	s.Handle("POST /fincert/v1/sign-requests", h.createSignRequest)
	s.Handle("POST /fincert/v1/verify", h.verify)
	s.Handle("POST /fincert/v1/vid", h.vid)
	s.Handle("POST /fincert/v1/pin-resets", h.startPINReset)
	s.Handle("DELETE /fincert/v1/devices/{id}", h.disconnectByInstitution)
	// The user's side.
	s.Handle("POST /fincert/v1/issue", h.issue)
	s.Handle("POST /fincert/v1/challenges", h.challenge)
	s.Handle("GET /fincert/v1/sign-requests/{id}", h.view)
	s.Handle("POST /fincert/v1/sign-requests/{id}/complete", h.complete)
	s.Handle("POST /fincert/v1/cert-info", h.certInfo)
	s.Handle("POST /fincert/v1/renew", h.renew)
	s.Handle("POST /fincert/v1/devices/list", h.devices)
	s.Handle("POST /fincert/v1/devices/{id}/disconnect", h.disconnect)
	s.Handle("POST /fincert/v1/device-registrations", h.startRegistration)
	s.Handle("POST /fincert/v1/device-registrations/{id}/confirm", h.confirmRegistration)
	s.Handle("POST /fincert/v1/pin-resets/{id}/complete", h.completePINReset)
}

type fincertRoutes struct {
	s *Server
	f FinCert
}

// answer writes v (or the error) with no caching: every answer is personal or single use.
func (h *fincertRoutes) answer(w http.ResponseWriter, r *http.Request, status int, v any, err error) {
	if err != nil {
		h.s.problem(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	if v == nil {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	writeJSON(w, status, v)
}

// decode decodes the body, answering the problem itself when it fails.
func (h *fincertRoutes) decode(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := decodeJSON(r, v); err != nil {
		h.s.problem(w, r, err)
		return false
	}
	return true
}

func (h *fincertRoutes) createSignRequest(w http.ResponseWriter, r *http.Request) {
	var req fcSignRequest
	if !h.decode(w, r, &req) {
		return
	}
	key, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	inst, err := h.f.Authenticate(r.Context(), req.OrgCode, strings.TrimSpace(key))
	if err != nil {
		h.s.problem(w, r, err)
		return
	}
	out, err := h.f.CreateSignRequest(r.Context(), inst, req.SignRequest)
	h.answer(w, r, http.StatusCreated, out, err)
}

func (h *fincertRoutes) verify(w http.ResponseWriter, r *http.Request) {
	if _, err := h.s.institution(r); err != nil {
		h.s.problem(w, r, err)
		return
	}
	var req cloudcert.VerifyRequest
	if !h.decode(w, r, &req) {
		return
	}
	out, err := h.f.Verify(r.Context(), req)
	h.answer(w, r, http.StatusOK, out, err)
}

func (h *fincertRoutes) vid(w http.ResponseWriter, r *http.Request) {
	if _, err := h.s.institution(r); err != nil {
		h.s.problem(w, r, err)
		return
	}
	var req cloudcert.VIDRequest
	if !h.decode(w, r, &req) {
		return
	}
	ok, err := cloudcert.CheckVID(req)
	h.answer(w, r, http.StatusOK, map[string]bool{"match": ok}, err)
}

func (h *fincertRoutes) startPINReset(w http.ResponseWriter, r *http.Request) {
	inst, err := h.s.institution(r)
	if err != nil {
		h.s.problem(w, r, err)
		return
	}
	var req fcResetStart
	if !h.decode(w, r, &req) {
		return
	}
	out, err := h.f.StartPINReset(r.Context(), inst, req.VerificationID)
	h.answer(w, r, http.StatusCreated, out, err)
}

func (h *fincertRoutes) disconnectByInstitution(w http.ResponseWriter, r *http.Request) {
	inst, err := h.s.institution(r)
	if err != nil {
		h.s.problem(w, r, err)
		return
	}
	h.answer(w, r, 0, nil, h.f.DisconnectByInstitution(r.Context(), inst, r.PathValue("id")))
}

func (h *fincertRoutes) issue(w http.ResponseWriter, r *http.Request) {
	var req cloudcert.IssueRequest
	if !h.decode(w, r, &req) {
		return
	}
	out, err := h.f.Issue(r.Context(), req)
	h.answer(w, r, http.StatusCreated, out, err)
}

func (h *fincertRoutes) challenge(w http.ResponseWriter, r *http.Request) {
	var req fcChallengeRequest
	if !h.decode(w, r, &req) {
		return
	}
	out, err := h.f.NewChallenge(r.Context(), req.DeviceID)
	h.answer(w, r, http.StatusCreated, out, err)
}

func (h *fincertRoutes) view(w http.ResponseWriter, r *http.Request) {
	out, err := h.f.View(r.Context(), r.PathValue("id"))
	h.answer(w, r, http.StatusOK, out, err)
}

func (h *fincertRoutes) complete(w http.ResponseWriter, r *http.Request) {
	var req fcProofPIN
	if !h.decode(w, r, &req) {
		return
	}
	out, err := h.f.Complete(r.Context(), r.PathValue("id"), req.DeviceProof, req.PIN)
	h.answer(w, r, http.StatusOK, out, err)
}

func (h *fincertRoutes) certInfo(w http.ResponseWriter, r *http.Request) {
	var req fcProof
	if !h.decode(w, r, &req) {
		return
	}
	out, err := h.f.CertInfo(r.Context(), req.DeviceProof)
	h.answer(w, r, http.StatusOK, out, err)
}

func (h *fincertRoutes) renew(w http.ResponseWriter, r *http.Request) {
	var req fcProofPIN
	if !h.decode(w, r, &req) {
		return
	}
	out, err := h.f.Renew(r.Context(), req.DeviceProof, req.PIN)
	h.answer(w, r, http.StatusCreated, out, err)
}

func (h *fincertRoutes) devices(w http.ResponseWriter, r *http.Request) {
	var req fcProof
	if !h.decode(w, r, &req) {
		return
	}
	out, err := h.f.Devices(r.Context(), req.DeviceProof)
	h.answer(w, r, http.StatusOK, map[string]any{"devices": out}, err)
}

func (h *fincertRoutes) disconnect(w http.ResponseWriter, r *http.Request) {
	var req fcProof
	if !h.decode(w, r, &req) {
		return
	}
	h.answer(w, r, 0, nil, h.f.Disconnect(r.Context(), req.DeviceProof, r.PathValue("id")))
}

func (h *fincertRoutes) startRegistration(w http.ResponseWriter, r *http.Request) {
	var req cloudcert.DeviceRegistration
	if !h.decode(w, r, &req) {
		return
	}
	out, err := h.f.StartDeviceRegistration(r.Context(), req)
	h.answer(w, r, http.StatusCreated, out, err)
}

func (h *fincertRoutes) confirmRegistration(w http.ResponseWriter, r *http.Request) {
	var req fcCode
	if !h.decode(w, r, &req) {
		return
	}
	id, err := h.f.ConfirmDeviceRegistration(r.Context(), r.PathValue("id"), req.Code)
	h.answer(w, r, http.StatusCreated, map[string]string{"deviceId": id}, err)
}

func (h *fincertRoutes) completePINReset(w http.ResponseWriter, r *http.Request) {
	var req fcPINReset
	if !h.decode(w, r, &req) {
		return
	}
	h.answer(w, r, 0, nil, h.f.CompletePINReset(r.Context(), r.PathValue("id"), req.ResetCode, req.PIN, req.DeviceProof))
}
