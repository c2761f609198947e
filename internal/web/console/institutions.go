package console

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"time"

	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/model"
)

// The operator's institutions page: rotate an institution's API key with an overlap in
// which the old key keeps working, and end the overlap early (revoking the old key).

// MaxOverlap bounds how long a replaced API key keeps working.
const MaxOverlap = 7 * 24 * time.Hour

type instRow struct {
	Code, Name   string
	OverlapUntil time.Time
	instExtra    // short name, kinds, revoked key (operator.go)
}

type instView struct {
	Rows []instRow
	// The new key, shown once after a rotation.
	NewKeyCode, NewKey string
}

func (h *Handler) institutionsPage(q *req) {
	list, err := h.o.Directory.Institutions(q.r.Context())
	if err != nil {
		q.fail(err)
		return
	}
	var v instView
	for _, in := range list {
		until, err := h.o.Store.APIKeyOverlap(q.r.Context(), in.Code)
		if err != nil {
			q.fail(err)
			return
		}
		x, err := h.instExtra(q.r.Context(), in)
		if err != nil {
			q.fail(err)
			return
		}
		v.Rows = append(v.Rows, instRow{Code: in.Code, Name: in.Name, OverlapUntil: until, instExtra: x})
	}
	if k := q.s.Get("newkey"); k != "" {
		v.NewKey, v.NewKeyCode = k, q.s.Get("newkey_code")
		q.s.Set("newkey", "")
		q.s.Set("newkey_code", "")
		if err := h.o.Sessions.Save(q.r.Context(), q.s); err != nil {
			q.fail(err)
			return
		}
	}
	p := q.page("console.inst_title", q.view(v))
	if n := q.s.Get("notice"); n != "" {
		p.Notice = q.l.T(n)
		q.s.Set("notice", "")
		h.o.Sessions.Save(q.r.Context(), q.s)
	}
	h.tmpl.Render(q.w, 200, "institutions", p)
}

// rotatePost gives the institution a new API key; the old one works for the overlap
// (0 to 168 hours). The new key is shown once.
func (h *Handler) rotatePost(q *req) {
	ctx := q.r.Context()
	code := q.r.PathValue("code")
	if _, err := h.o.Directory.Institution(ctx, code); err != nil {
		q.fail(errs.New(errs.ConsoleNotFound, ""))
		return
	}
	hours, err := strconv.Atoi(q.r.PostFormValue("overlap"))
	if err != nil || hours < 0 || time.Duration(hours)*time.Hour > MaxOverlap {
		q.fail(errs.New(errs.ConsoleBadInput, "overlap"))
		return
	}
	b := make([]byte, 32)
	rand.Read(b)
	key := "cc_" + base64.RawURLEncoding.EncodeToString(b)
	sum := sha256.Sum256([]byte(key))
	ev := model.AuditEvent{Type: "console.api_key_rotated", Actor: q.actor(), Institution: code, Subject: code,
		Details: map[string]string{"overlapHours": strconv.Itoa(hours)}}
	if err := h.o.Store.RotateAPIKey(ctx, code, sum[:], time.Duration(hours)*time.Hour, ev); err != nil {
		q.fail(err)
		return
	}
	q.s.Set("newkey", key)
	q.s.Set("newkey_code", code)
	if err := h.o.Sessions.Save(ctx, q.s); err != nil {
		q.fail(err)
		return
	}
	q.redirect("/console/institutions")
}

// endOverlapPost revokes the institution's old API keys now.
func (h *Handler) endOverlapPost(q *req) {
	code := q.r.PathValue("code")
	if _, err := h.o.Directory.Institution(q.r.Context(), code); err != nil {
		q.fail(errs.New(errs.ConsoleNotFound, ""))
		return
	}
	ev := model.AuditEvent{Type: "console.api_key_overlap_ended", Actor: q.actor(), Institution: code, Subject: code}
	if err := h.o.Store.EndAPIKeyOverlap(q.r.Context(), code, ev); err != nil {
		q.fail(err)
		return
	}
	q.s.Set("notice", "console.overlap_ended")
	h.o.Sessions.Save(q.r.Context(), q.s)
	q.redirect("/console/institutions")
}
