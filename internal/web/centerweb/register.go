package centerweb

import (
	"encoding/base64"
	"net/http"

	"github.com/certcenter/certcenter/internal/center"
	"github.com/certcenter/certcenter/internal/cloudcert"
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
	FinCert       bool // a financial certificate can be registered here (through its iframe)
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
	p := q.page("register.title", registerView{Registrations: list, FinCert: h.o.FinCert != nil}, "js/register.js")
	// The financial certificate signs in certcenter's own iframe (/fincert/v1/frame),
	// which this page embeds through the SDK: the one page whose policy allows a frame.
	p.FrameSelf = h.o.FinCert != nil
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

// apiRegisterFinCert starts the registration of the person's financial certificate:
// the desk's challenge, and a sign request for it (PKCS#1 with R, the form a
// registration needs) that the page hands to the financial certificate's iframe. The
// iframe's result comes back through apiRegister like any other certificate's.
func (h *Handler) apiRegisterFinCert(q *req) {
	cust, ok := q.verified("register")
	if !ok {
		return
	}
	if h.o.FinCert == nil {
		q.fail(errs.New(errs.NotFound, "no financial certificate service here"))
		return
	}
	v, err := h.o.Desk.RegistrationChallenge(q.r.Context(), q.inst, cust)
	if err != nil {
		q.fail(err)
		return
	}
	ch, err := base64.StdEncoding.DecodeString(v.Challenge)
	if err != nil {
		q.fail(err)
		return
	}
	sr, err := h.o.FinCert.CreateSignRequest(q.r.Context(), q.inst, cloudcert.SignRequest{OrgCode: q.inst.Code,
		SignFormat: cloudcert.SignFormat{Type: "PKCS1", PKCS1Info: &cloudcert.PKCS1Info{IncludeR: true}},
		Content:    cloudcert.Content{Binary: &cloudcert.Binary{Binaries: [][]byte{ch}}},
		Algorithms: cloudcert.AlgPKCS1, Info: cloudcert.SignInfo{SignType: "99"}})
	if err != nil {
		q.fail(err)
		return
	}
	web.WriteJSON(q.w, http.StatusCreated, map[string]any{"challengeId": v.ID, "signRequestId": sr.ID, "orgCode": q.inst.Code})
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
