package centerweb

import (
	"net/http"
	"strings"

	"github.com/certcenter/certcenter/internal/center"
	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/web"
)

// The pages where the browser proves possession of a certificate's key it holds
// (renew, revoke, suspend), and those that act after identity verification (resume).

// scriptPage renders a page whose work happens in the browser; it needs a session for
// its CSRF token and countdown.
func (q *req) scriptPage(name, title string, data any, scripts ...string) {
	if q.session() == nil {
		q.fail(errs.New(errs.Internal, "no session"))
		return
	}
	q.render(http.StatusOK, name, q.page(title, data, scripts...))
}

func (h *Handler) managePage(q *req) { q.scriptPage("manage", "manage.title", nil, "js/manage.js") }
func (h *Handler) passwordPage(q *req) {
	q.scriptPage("password", "password.title", nil, "js/password.js")
}
func (h *Handler) renewPage(q *req)   { q.scriptPage("renew", "renew.title", nil, "js/renew.js") }
func (h *Handler) revokePage(q *req)  { q.scriptPage("revoke", "revoke.title", nil, "js/revoke.js") }
func (h *Handler) suspendPage(q *req) { q.scriptPage("suspend", "suspend.title", nil, "js/suspend.js") }
func (h *Handler) copyPage(q *req)    { q.scriptPage("copy", "copy.title", nil, "js/copy.js") }

type renewRequest struct {
	Serial    string `json:"serial"`
	CSR       []byte `json:"csr"`
	Signature []byte `json:"signature"` // over the CSR's DER, by the current key
	RandomNum string `json:"randomNum"`
}

func (h *Handler) apiRenew(q *req) {
	var in renewRequest
	if !q.readJSON(&in) {
		return
	}
	serial, err := model.ParseSerial(in.Serial)
	if err != nil {
		q.fail(errs.New(errs.BadRequest, "serial"))
		return
	}
	csr, err := parseCSR(in.CSR)
	if err != nil {
		q.fail(err)
		return
	}
	r, err := parseR(in.RandomNum)
	if err != nil {
		q.fail(err)
		return
	}
	issued, err := h.o.Desk.RenewSigned(q.r.Context(), &q.inst, serial, csr.Raw, csr.PublicKey, in.Signature, r)
	if err != nil {
		q.fail(err)
		return
	}
	q.notify("", center.NoticeRenewed, issued.Record.Serial)
	web.WriteJSON(q.w, http.StatusCreated, issuedJSONOf(issued))
}

// revocationReasons are the reasons a person can choose (폐기 사유), in the words the
// banks use: the key (or password) may be known to someone else; the name or
// affiliation changed; no longer used.
var revocationReasons = map[string]model.RevocationReason{
	"keyCompromise":        model.ReasonKeyCompromise,
	"affiliationChanged":   model.ReasonAffiliationChanged,
	"cessationOfOperation": model.ReasonCessationOfOperation,
}

type signedRequest struct {
	Serial    string `json:"serial"`
	Reason    string `json:"reason,omitempty"`
	Signature []byte `json:"signature"`
}

type statusJSON struct {
	Serial string `json:"serial"`
	Status string `json:"status"`
	Reason string `json:"reason,omitempty"`
}

func (h *Handler) apiRevoke(q *req) {
	var in signedRequest
	if !q.readJSON(&in) {
		return
	}
	serial, err := model.ParseSerial(in.Serial)
	reason, ok := revocationReasons[in.Reason]
	if err != nil || !ok {
		q.fail(errs.New(errs.BadRequest, "serial and reason (keyCompromise, affiliationChanged, cessationOfOperation) are required"))
		return
	}
	c, err := h.o.Desk.RevokeSigned(q.r.Context(), serial, reason, nil, in.Signature)
	if err != nil {
		q.fail(err)
		return
	}
	q.notify("", center.NoticeRevoked, serial)
	web.WriteJSON(q.w, http.StatusOK, statusJSON{Serial: c.Serial.String(), Status: string(c.Status), Reason: in.Reason})
}

func (h *Handler) apiSuspend(q *req) {
	var in signedRequest
	if !q.readJSON(&in) {
		return
	}
	serial, err := model.ParseSerial(in.Serial)
	if err != nil {
		q.fail(errs.New(errs.BadRequest, "serial"))
		return
	}
	c, err := h.o.Desk.SuspendSigned(q.r.Context(), serial, in.Signature)
	if err != nil {
		q.fail(err)
		return
	}
	q.notify("", center.NoticeSuspended, serial)
	web.WriteJSON(q.w, http.StatusOK, statusJSON{Serial: c.Serial.String(), Status: string(c.Status)})
}

// apiStatus answers the management page's question "what does the CA say of this
// certificate?" for this CA's certificates (the same record OCSP answers from).
func (h *Handler) apiStatus(q *req) {
	var out []statusJSON
	for _, s := range strings.Split(q.r.URL.Query().Get("serials"), ",") {
		if s == "" || len(out) >= 50 {
			continue
		}
		serial, err := model.ParseSerial(s)
		if err != nil {
			continue
		}
		st := statusJSON{Serial: s, Status: "unknown"}
		if c, err := h.o.Directory.Certificate(q.r.Context(), serial); err == nil {
			st.Status = string(c.Status)
			if c.Status == model.StatusValid && !h.o.Now().Before(c.NotAfter) {
				st.Status = "expired"
			}
			if c.Reason != nil && c.Status == model.StatusRevoked {
				st.Reason = c.Reason.String()
			}
		}
		out = append(out, st)
	}
	web.WriteJSON(q.w, http.StatusOK, map[string]any{"statuses": out})
}

type resumeView struct {
	Suspended []certRow
}

func (h *Handler) resumeForm(q *req) {
	cust, ok := q.verified("resume")
	if !ok {
		return
	}
	list, err := h.o.Desk.CustomerCertificates(q.r.Context(), q.inst, cust)
	if err != nil {
		q.fail(err)
		return
	}
	var v resumeView
	for _, c := range list {
		if c.Status == model.StatusSuspended {
			v.Suspended = append(v.Suspended, q.row(c))
		}
	}
	q.render(http.StatusOK, "resume", q.page("resume.title", v))
}

func (h *Handler) resumePost(q *req) {
	cust, ok := q.verified("resume")
	if !ok {
		return
	}
	serial, err := model.ParseSerial(q.r.PostFormValue("serial"))
	if err != nil {
		q.fail(errs.New(errs.WebFieldInvalid, "serial"))
		return
	}
	if _, err := h.o.Desk.CertificateOf(q.r.Context(), q.inst, cust, serial); err != nil {
		q.fail(err)
		return
	}
	c, err := h.o.Service.Resume(q.r.Context(), &q.inst, serial, "customer:"+cust)
	if err != nil {
		q.fail(err)
		return
	}
	q.notify(cust, center.NoticeResumed, serial)
	q.s.Clear()
	q.save()
	p := q.page("resume.done_title", doneView{Row: q.row(c)})
	p.Notice = q.l.T("resume.done")
	q.render(http.StatusOK, "resumed", p)
}
