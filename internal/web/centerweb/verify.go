package centerweb

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/certcenter/certcenter/internal/center"
	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/web"
)

// Identity verification (본인확인), shared by issue/reissue, resume and registration:
// name and identity number find the customer, then a one-time code sent by SMS to the
// phone on record, or an account number and its PIN, prove it is them.

type verifyView struct {
	Flow    string
	Kind    string
	Name    string
	Method  string
	Masked  string // the masked phone the code went to
	Tries   int
	Account bool
}

// startFlow begins flow (a fresh session's values) and sends the browser to the
// identity step.
func (q *req) startFlow(flow string) {
	s := q.session()
	if s == nil {
		q.fail(errs.New(errs.Internal, "no session"))
		return
	}
	s.Clear()
	s.Set(kFlow, flow)
	if err := q.save(); err != nil {
		q.fail(err)
		return
	}
	q.redirect(q.base() + "verify")
}

func (h *Handler) resumeStart(q *req)   { q.startFlow("resume") }
func (h *Handler) fincertStart(q *req)  { q.startFlow("fincert") }
func (h *Handler) registerStart(q *req) { q.startFlow("register") }

// needFlow checks the session is in one of flows; it answers the refusal otherwise.
func (q *req) needFlow(flows ...string) bool {
	if q.s == nil {
		q.fail(errs.New(errs.SessionExpired, ""))
		return false
	}
	f := q.s.Get(kFlow)
	for _, want := range flows {
		if f == want {
			return true
		}
	}
	q.fail(errs.New(errs.WebStep, "flow %q, want %v", f, flows))
	return false
}

// verified returns the customer whose verification completed in this session within
// center.VerifiedUsableFor, or answers the refusal.
func (q *req) verified(flows ...string) (string, bool) {
	if !q.needFlow(flows...) {
		return "", false
	}
	at, _ := strconv.ParseInt(q.s.Get(kVerAt), 10, 64)
	if q.s.Get(kVerified) == "" || q.h.o.Now().Sub(time.Unix(at, 0)) >= center.VerifiedUsableFor {
		q.fail(errs.New(errs.WebStep, "identity not verified"))
		return "", false
	}
	return q.s.Get(kCustomer), true
}

func (h *Handler) verifyForm(q *req) {
	if !q.needFlow("issue", "resume", "register", "fincert") {
		return
	}
	q.render(http.StatusOK, "verify", q.page("verify.title", verifyView{Flow: q.s.Get(kFlow), Kind: q.s.Get(kKind), Method: "sms"}))
}

func (h *Handler) verifyPost(q *req) {
	if !q.needFlow("issue", "resume", "register", "fincert") {
		return
	}
	name := strings.TrimSpace(q.r.PostFormValue("name"))
	idn := strings.TrimSpace(q.r.PostFormValue("idn"))
	method := q.r.PostFormValue("method")
	v := verifyView{Flow: q.s.Get(kFlow), Kind: q.s.Get(kKind), Name: name, Method: method}
	var fe []web.FieldError
	if name == "" || len([]rune(name)) > 30 {
		fe = append(fe, web.FieldError{Field: "name", Message: q.l.T("verify.err_name")})
	}
	if _, err := center.NormalizeIDN(idn); err != nil {
		fe = append(fe, web.FieldError{Field: "idn", Message: q.l.T("verify.err_idn")})
	}
	if method != "sms" && method != "account" {
		fe = append(fe, web.FieldError{Field: "method-sms", Message: q.l.T("verify.err_method")})
	}
	if len(fe) > 0 {
		p := q.page("verify.title", v)
		p.Errors = fe
		q.render(http.StatusBadRequest, "verify", p)
		return
	}
	c, err := h.o.Desk.FindCustomer(q.r.Context(), q.inst, name, idn)
	if err != nil {
		if isCode(err, errs.WebCustomerUnknown) {
			p := q.page("verify.title", v)
			p.Errors = []web.FieldError{{Field: "name", Message: q.l.Err(err).Message + " " + q.l.Err(err).Hint}}
			q.render(http.StatusForbidden, "verify", p)
			return
		}
		q.fail(err)
		return
	}
	q.s.Set(kCustomer, c.ID)
	q.s.Set(kMethod, method)
	q.s.Set(kVerified, "")
	q.s.Set(kVerif, "")
	if method == "sms" {
		vv, err := h.o.Desk.StartVerification(q.r.Context(), q.inst, c.ID, "sms", center.Evidence{})
		if err != nil {
			q.fail(err)
			return
		}
		q.s.Set(kVerif, vv.ID)
	}
	if err := q.save(); err != nil {
		q.fail(err)
		return
	}
	q.redirect(q.base() + "verify/confirm")
}

func (q *req) confirmView() (verifyView, bool) {
	if !q.needFlow("issue", "resume", "register", "fincert") {
		return verifyView{}, false
	}
	if q.s.Get(kCustomer) == "" {
		q.fail(errs.New(errs.WebStep, "no customer"))
		return verifyView{}, false
	}
	v := verifyView{Flow: q.s.Get(kFlow), Method: q.s.Get(kMethod), Account: q.s.Get(kMethod) == "account"}
	if c, err := q.h.o.Desk.Customer(q.r.Context(), q.inst, q.s.Get(kCustomer)); err == nil {
		v.Masked = c.View().Phone
	}
	return v, true
}

func (h *Handler) confirmForm(q *req) {
	v, ok := q.confirmView()
	if !ok {
		return
	}
	q.render(http.StatusOK, "confirm", q.page("confirm.title", v))
}

func (h *Handler) confirmPost(q *req) {
	v, ok := q.confirmView()
	if !ok {
		return
	}
	ctx := q.r.Context()
	var (
		vv  center.VerificationView
		err error
	)
	if v.Account {
		vv, err = h.o.Desk.StartVerification(ctx, q.inst, q.s.Get(kCustomer), "account", center.Evidence{
			AccountNumber: q.r.PostFormValue("account"), AccountPIN: q.r.PostFormValue("pin")})
		if err == nil && vv.Status != "verified" {
			err = errs.New(errs.VerificationFailed, "")
		}
	} else {
		code := strings.TrimSpace(q.r.PostFormValue("code"))
		if len(code) != 6 || strings.Trim(code, "0123456789") != "" {
			p := q.page("confirm.title", v)
			p.Errors = []web.FieldError{{Field: "code", Message: q.l.T("confirm.err_code")}}
			q.render(http.StatusBadRequest, "confirm", p)
			return
		}
		vv, err = h.o.Desk.ConfirmVerification(ctx, q.inst, q.s.Get(kVerif), center.Evidence{Code: code})
	}
	if err != nil {
		switch {
		case isCode(err, errs.OTPInvalid), isCode(err, errs.VerificationFailed):
			t := q.l.Err(err)
			field := "code"
			if v.Account {
				field = "account"
			}
			p := q.page("confirm.title", v)
			p.Errors = []web.FieldError{{Field: field, Message: t.Message + " " + t.Hint}}
			q.render(errs.Status(err), "confirm", p)
		default:
			q.fail(err)
		}
		return
	}
	q.s.Set(kVerified, vv.ID)
	q.s.Set(kVerAt, strconv.FormatInt(h.o.Now().Unix(), 10))
	if err := q.save(); err != nil {
		q.fail(err)
		return
	}
	switch q.s.Get(kFlow) {
	case "issue":
		q.redirect(q.base() + "issue/kind")
	case "resume":
		q.redirect(q.base() + "resume/choose")
	case "fincert":
		q.redirect(q.base() + "fincert/enroll")
	default:
		q.redirect(q.base() + "register/list")
	}
}
