package centerweb

import (
	"encoding/base64"
	"net/http"

	"github.com/certcenter/certcenter/internal/center"
	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/web"
)

// 타기관 인증서 등록/해제: after identity verification the customer picks a certificate
// issued through another institution (kept in the browser, or from a file), signs the
// server's challenge locally and hands over R for the VID check (KOREAN-PKI.md section
// 2); the list shows each registration's live status.

type registerView struct {
	Registrations []center.RegistrationView
}

func (h *Handler) registerPage(q *req) {
	cust, ok := q.verified("register")
	if !ok {
		return
	}
	list, err := h.o.Desk.Registrations(q.r.Context(), q.inst, cust)
	if err != nil {
		q.fail(err)
		return
	}
	p := q.page("register.title", registerView{Registrations: list}, "js/register.js")
	if q.r.URL.Query().Get("done") == "1" {
		p.Notice = q.l.T("register.done")
	} else if q.r.URL.Query().Get("done") == "0" {
		p.Notice = q.l.T("register.deleted")
	}
	q.render(http.StatusOK, "register", p)
}

func (h *Handler) apiRegisterChallenge(q *req) {
	cust, ok := q.verified("register")
	if !ok {
		return
	}
	v, err := h.o.Desk.RegistrationChallenge(q.r.Context(), q.inst, cust)
	if err != nil {
		q.fail(err)
		return
	}
	ch, _ := base64.StdEncoding.DecodeString(v.Challenge)
	web.WriteJSON(q.w, http.StatusCreated, map[string]any{"id": v.ID, "challenge": ch, "expiresAt": v.ExpiresAt})
}

type registerRequest struct {
	ChallengeID string   `json:"challengeId"`
	Certificate []byte   `json:"certificate"`
	Chain       [][]byte `json:"chain,omitempty"`
	Signature   []byte   `json:"signature"`
	RandomNum   string   `json:"randomNum"`
}

func (h *Handler) apiRegister(q *req) {
	cust, ok := q.verified("register")
	if !ok {
		return
	}
	var in registerRequest
	if !q.readJSON(&in) {
		return
	}
	r, err := parseR(in.RandomNum)
	if err != nil {
		q.fail(err)
		return
	}
	reg, err := h.o.Desk.Register(q.r.Context(), q.inst, center.RegisterRequest{ChallengeID: in.ChallengeID,
		Certificate: in.Certificate, Chain: in.Chain, Signature: in.Signature, RandomNum: r})
	if err != nil {
		q.fail(err)
		return
	}
	if reg.CustomerID != cust {
		q.fail(errs.New(errs.WebNotYours, "registration"))
		return
	}
	serial, _ := model.ParseSerial(reg.Serial)
	q.notify(cust, center.NoticeRegistered, serial)
	web.WriteJSON(q.w, http.StatusCreated, reg)
}

func (h *Handler) deregisterPost(q *req) {
	cust, ok := q.verified("register")
	if !ok {
		return
	}
	id := q.r.PostFormValue("id")
	list, err := h.o.Desk.Registrations(q.r.Context(), q.inst, cust)
	if err != nil {
		q.fail(err)
		return
	}
	var found *center.RegistrationView
	for i := range list {
		if list[i].ID == id {
			found = &list[i]
		}
	}
	if found == nil {
		q.fail(errs.New(errs.WebNotYours, "registration %q", id))
		return
	}
	if err := h.o.Desk.Deregister(q.r.Context(), q.inst, id); err != nil {
		q.fail(err)
		return
	}
	serial, _ := model.ParseSerial(found.Serial)
	q.notify(cust, center.NoticeDeregistered, serial)
	q.redirect(q.base() + "register/list?done=0")
}
