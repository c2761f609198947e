package httpapi

import (
	"net/http"
	"strconv"
	"time"
)

type outboxMessage struct {
	ID        int64     `json:"id"`
	Channel   string    `json:"channel"`
	To        string    `json:"to"`
	Subject   string    `json:"subject,omitempty"`
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"createdAt"`
}

// getOutbox serves the development outbox (demo mode only): the calling institution's
// messages, newest first, recipients masked. ?limit= (1 to 500, default 50).
func (h deskHandlers) getOutbox(w http.ResponseWriter, r *http.Request) {
	inst, err := h.s.institution(r)
	if err != nil {
		h.s.problem(w, r, err)
		return
	}
	list, err := h.o.Outbox.Outbox(r.Context(), inst.Code, limitParam(r, 50, 500))
	if err != nil {
		h.s.problem(w, r, err)
		return
	}
	out := make([]outboxMessage, 0, len(list))
	for _, m := range list {
		out = append(out, outboxMessage{ID: m.ID, Channel: m.Channel, To: m.To, Subject: m.Subject, Body: m.Body, CreatedAt: m.CreatedAt})
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{"messages": out})
}

func limitParam(r *http.Request, def, max int) int {
	n, err := strconv.Atoi(r.URL.Query().Get("limit"))
	if err != nil || n < 1 {
		return def
	}
	return min(n, max)
}

// getBilling lists the calling institution's fees of universal certificates.
func (h deskHandlers) getBilling(w http.ResponseWriter, r *http.Request) {
	inst, err := h.s.institution(r)
	if err != nil {
		h.s.problem(w, r, err)
		return
	}
	list, err := h.d.Billing(r.Context(), inst, limitParam(r, 100, 1000))
	if err != nil {
		h.s.problem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"records": list})
}
