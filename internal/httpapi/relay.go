package httpapi

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/relay"
)

// Relay is what the copy relay's routes need (internal/relay.Service).
type Relay interface {
	Open(ctx context.Context, commitment []byte) (*relay.Opened, error)
	Claim(ctx context.Context, code string, senderKey []byte) (*relay.Claimed, error)
	Status(ctx context.Context, id, token, after string, wait time.Duration) (*relay.View, error)
	Reveal(ctx context.Context, id, token string, pub []byte) error
	Send(ctx context.Context, id, token string, ciphertext []byte) error
	Outcome(ctx context.Context, id, token string, ciphertext []byte) error
	Delete(ctx context.Context, id, token string) error
}

// The copy relay's requests. Binary fields are standard base64 in JSON.
type (
	relayOpenRequest struct {
		Commitment []byte `json:"commitment"`
	}
	relayClaimRequest struct {
		Code      string `json:"code"`
		PublicKey []byte `json:"publicKey"`
	}
	relayKeyRequest struct {
		PublicKey []byte `json:"publicKey"`
	}
	relayPayloadRequest struct {
		Ciphertext []byte `json:"ciphertext"`
	}
)

// MountRelay adds the copy relay's routes (internal/relay's package doc describes the
// protocol). Sessions are named by id; every route but open and claim needs the
// party's bearer token.
func (s *Server) MountRelay(r Relay) {
	h := &relayRoutes{s: s, r: r}
	s.Handle("POST /api/v1/relay/sessions", h.open)
	s.Handle("POST /api/v1/relay/claims", h.claim)
	s.Handle("GET /api/v1/relay/sessions/{id}", h.status)
	s.Handle("PUT /api/v1/relay/sessions/{id}/receiver-key", h.reveal)
	s.Handle("PUT /api/v1/relay/sessions/{id}/payload", h.send)
	s.Handle("PUT /api/v1/relay/sessions/{id}/outcome", h.outcome)
	s.Handle("DELETE /api/v1/relay/sessions/{id}", h.delete)
}

type relayRoutes struct {
	s *Server
	r Relay
}

func bearer(r *http.Request) string {
	t, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return strings.TrimSpace(t)
}

func (h *relayRoutes) open(w http.ResponseWriter, r *http.Request) {
	var req relayOpenRequest
	if err := decodeJSON(r, &req); err != nil {
		h.s.problem(w, r, err)
		return
	}
	if l := h.s.limits.Limiter; l != nil {
		if err := l.Take(r.Context(), h.s.limits.RelayOpen, h.s.client(r)); err != nil {
			h.s.problem(w, r, err)
			return
		}
	}
	out, err := h.r.Open(r.Context(), req.Commitment)
	if err != nil {
		h.s.problem(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Location", "/api/v1/relay/sessions/"+out.ID)
	writeJSON(w, http.StatusCreated, out)
}

func (h *relayRoutes) claim(w http.ResponseWriter, r *http.Request) {
	var req relayClaimRequest
	if err := decodeJSON(r, &req); err != nil {
		h.s.problem(w, r, err)
		return
	}
	// Copy codes do not name a session a stranger could aim at (internal/relay), so
	// guesses are limited per client and over all clients ("*").
	client := h.s.client(r)
	if err := h.s.limits.Relay.Check(r.Context(), client, "*"); err != nil {
		h.s.problem(w, r, err)
		return
	}
	out, err := h.r.Claim(r.Context(), req.Code, req.PublicKey)
	if errors.Is(err, errs.Sentinel(errs.RelayCodeInvalid)) {
		h.s.limits.Relay.Fail(r.Context(), client, "*")
	}
	if err != nil {
		h.s.problem(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusCreated, out)
}

// status answers the session's state; ?wait=SECONDS&after=STATE long-polls until the
// state is no longer STATE.
func (h *relayRoutes) status(w http.ResponseWriter, r *http.Request) {
	var wait time.Duration
	if v := r.URL.Query().Get("wait"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			h.s.problem(w, r, errs.New(errs.BadRequest, "wait must be a number of seconds"))
			return
		}
		wait = time.Duration(min(n, int(relay.MaxWait/time.Second))) * time.Second
	}
	if wait > 0 && h.s.limits.LongPolls != nil {
		// Past the node's long-poll cap the request answers at once: the client polls
		// again, which costs it the round trip and the server no parked connection.
		release, ok := h.s.limits.LongPolls.Acquire(h.s.client(r))
		if ok {
			defer release()
		} else {
			wait = 0
		}
	}
	v, err := h.r.Status(r.Context(), r.PathValue("id"), bearer(r), r.URL.Query().Get("after"), wait)
	if err != nil {
		h.s.problem(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, v)
}

func (h *relayRoutes) reveal(w http.ResponseWriter, r *http.Request) {
	var req relayKeyRequest
	if err := decodeJSON(r, &req); err != nil {
		h.s.problem(w, r, err)
		return
	}
	if err := h.r.Reveal(r.Context(), r.PathValue("id"), bearer(r), req.PublicKey); err != nil {
		h.s.problem(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *relayRoutes) send(w http.ResponseWriter, r *http.Request) {
	var req relayPayloadRequest
	if err := decodeJSON(r, &req); err != nil {
		h.s.problem(w, r, err)
		return
	}
	if err := h.r.Send(r.Context(), r.PathValue("id"), bearer(r), req.Ciphertext); err != nil {
		h.s.problem(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// outcome stores the receiver's encrypted outcome (same body as the payload).
func (h *relayRoutes) outcome(w http.ResponseWriter, r *http.Request) {
	var req relayPayloadRequest
	if err := decodeJSON(r, &req); err != nil {
		h.s.problem(w, r, err)
		return
	}
	if err := h.r.Outcome(r.Context(), r.PathValue("id"), bearer(r), req.Ciphertext); err != nil {
		h.s.problem(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *relayRoutes) delete(w http.ResponseWriter, r *http.Request) {
	if err := h.r.Delete(r.Context(), r.PathValue("id"), bearer(r)); err != nil {
		h.s.problem(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
