package console

import (
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/certcenter/certcenter/internal/center"
	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/web"
)

// The teller's desk (창구): find the customer, show their certificates, check their ID
// card, enroll them and print the slip, revoke, suspend and resume.

// The search (search.go) finds the customer.

// certRow is one line of the customer's certificate table.
type certRow struct {
	Serial, Name, Kind, Usage, Institution, Status, Reason string
	NotBefore, NotAfter                                    time.Time
	DaysLeft                                               int
	CanRevoke, CanSuspend, CanResume                       bool
}

// expiringWithin is when a valid certificate shows as expiring (the renewal window).
const expiringWithin = 30 * 24 * time.Hour

func (q *req) row(c model.Certificate) certRow {
	now := q.h.o.Now()
	days := 0
	if d := c.NotAfter.Sub(now); d > 0 {
		days = int(d.Hours() / 24)
	}
	status := string(c.Status)
	live := now.Before(c.NotAfter)
	switch {
	case c.Status == model.StatusValid && !live:
		status = "expired"
	case c.Status == model.StatusValid && c.NotAfter.Sub(now) < expiringWithin:
		status = "expiring"
	}
	r := certRow{Serial: c.Serial.String(), Name: c.CommonName, Kind: string(c.Kind), Usage: string(c.Usage),
		Institution: c.InstitutionCode, Status: status, NotBefore: c.NotBefore, NotAfter: c.NotAfter, DaysLeft: days}
	if c.Status == model.StatusRevoked && c.Reason != nil {
		r.Reason = c.Reason.String()
	}
	r.CanRevoke = live && (c.Status == model.StatusValid || c.Status == model.StatusSuspended)
	r.CanSuspend = live && c.Status == model.StatusValid
	r.CanResume = live && c.Status == model.StatusSuspended
	return r
}

type customerView struct {
	Customer center.CustomerView
	Name     string
	Certs    []certRow
	Verified bool
	IDType   string
	Live     []certRow // what a reissue may replace (on this page of certificates)
	Counter  *counterView
	// CertsNext and CertsFirst link to the next and the first page of certificates.
	CertsNext, CertsFirst string
}

// customer is the customer's page: who they are (masked), their certificates, and the
// in-person check and enrollment.
func (h *Handler) customer(q *req) {
	c, err := h.o.Desk.Customer(q.r.Context(), q.inst, q.r.PathValue("id"))
	if err != nil {
		q.fail(errs.New(errs.ConsoleNotFound, ""))
		return
	}
	q.renderCustomer(c, 200, nil)
}

func (q *req) renderCustomer(c *center.CustomerRecord, status int, fe []web.FieldError) {
	// The certificates come a page at a time (certPage, newest first); ?certs= is the
	// cursor of a later page (customerpage.go).
	after := ""
	if q.r.Method == http.MethodGet {
		after = q.r.URL.Query().Get("certs")
	}
	page, err := q.h.o.Desk.CustomerCertificatesPage(q.r.Context(), q.inst, c.ID, after, certPage)
	if err != nil {
		q.fail(err)
		return
	}
	v := customerView{Customer: c.View(), Name: c.Profile.Name, Verified: q.s.Get("ver_customer") == c.ID,
		IDType: q.s.Get("ver_idtype")}
	v.CertsNext, v.CertsFirst = certPageLinks(c.ID, after, page.Next)
	for _, cert := range page.Certificates {
		r := q.row(cert)
		v.Certs = append(v.Certs, r)
		if r.CanRevoke && cert.InstitutionCode == q.inst.Code {
			v.Live = append(v.Live, r)
		}
	}
	v.Counter = q.counterView(c.ID)
	q.event("console.customer_viewed", c.ID, nil)
	p := q.page("console.customer_title", q.view(v))
	p.Errors = fe
	if n := q.s.Get("notice"); n != "" {
		p.Notice = q.l.T(n)
		q.s.Set("notice", "")
		q.h.o.Sessions.Save(q.r.Context(), q.s)
	}
	q.h.tmpl.Render(q.w, status, "customer", p)
}

// ID cards a teller checks (신분증): the resident registration card (its number is the
// customer's identity number), the driver's licence (12 digits) and the passport.
var idCards = map[string]*regexp.Regexp{
	"resident": regexp.MustCompile(`^[0-9]{13}$`),
	"driver":   regexp.MustCompile(`^[0-9]{12}$`),
	"passport": regexp.MustCompile(`^[A-Z]{1,2}[0-9]{7,8}$`),
}

// verifyPost records an in-person verification: the teller saw the ID card, chose
// its type and typed its number. Only the type and the number's last 4 digits are
// recorded.
func (h *Handler) verifyPost(q *req) {
	ctx := q.r.Context()
	c, err := h.o.Desk.Customer(ctx, q.inst, q.r.PathValue("id"))
	if err != nil {
		q.fail(errs.New(errs.ConsoleNotFound, ""))
		return
	}
	typ := q.r.PostFormValue("idtype")
	num := strings.ToUpper(strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' {
			return -1
		}
		return r
	}, q.r.PostFormValue("idnumber")))
	re, ok := idCards[typ]
	if !ok || !re.MatchString(num) || (typ == "resident" && num != c.IDN) {
		q.event("console.id_check_failed", c.ID, map[string]string{"idType": typ})
		err := errs.New(errs.ConsoleIDCardInvalid, "")
		q.renderCustomer(c, 400, []web.FieldError{{Field: "idnumber", Message: q.l.Err(err).Message + " " + q.l.Err(err).Hint}})
		return
	}
	ver, err := h.o.Desk.StartVerification(ctx, q.inst, c.ID, "in-person", center.Evidence{TellerID: q.actor()})
	if err != nil {
		q.fail(err)
		return
	}
	q.event("console.verified_in_person", c.ID, map[string]string{"verification": ver.ID, "idType": typ, "idLast4": num[len(num)-4:]})
	q.s.Set("ver_customer", c.ID)
	q.s.Set("ver_id", ver.ID)
	q.s.Set("ver_idtype", typ)
	q.s.Set("notice", "console.verified_notice")
	if err := h.o.Sessions.Save(ctx, q.s); err != nil {
		q.fail(err)
		return
	}
	q.redirect("/console/customers/" + c.ID)
}

// enrollPost creates the enrollment of the verified customer and shows the slip once.
func (h *Handler) enrollPost(q *req) {
	ctx := q.r.Context()
	id := q.r.PathValue("id")
	if q.s.Get("ver_customer") != id || q.s.Get("ver_id") == "" {
		q.fail(errs.New(errs.ConsoleNotVerified, ""))
		return
	}
	kind, usage := model.Kind(q.r.PostFormValue("kind")), model.Usage(q.r.PostFormValue("usage"))
	if (kind != model.Personal && kind != model.Corporate) || (usage != model.Banking && usage != model.Universal) {
		q.fail(errs.New(errs.ConsoleBadInput, "kind %q usage %q", kind, usage))
		return
	}
	req := center.VerifiedEnrollment{VerificationID: q.s.Get("ver_id"), Kind: kind, Usage: usage}
	if r := q.r.PostFormValue("replaces"); r != "" {
		// A reissue (재발급) on the customer's behalf: the desk checks that the
		// certificate is this institution's and the same person's.
		s, err := model.ParseSerial(strings.ToLower(r))
		if err != nil {
			q.fail(errs.New(errs.ConsoleBadInput, "replaces"))
			return
		}
		old, err := h.o.Desk.CertificateOf(ctx, q.inst, id, s)
		if err != nil {
			q.fail(errs.New(errs.ConsoleNotFound, ""))
			return
		}
		req.Replaces = s
		if h.queueReissue(q, id, req, old) {
			return
		}
	}
	out, err := h.o.Desk.EnrollVerified(ctx, q.inst, req)
	if err != nil {
		q.fail(err)
		return
	}
	details := map[string]string{"customer": id, "kind": string(kind), "usage": string(usage)}
	if req.Replaces != nil {
		details["replaces"] = req.Replaces.String()
	}
	q.event("console.enrolled", out.Reference, details)
	q.s.Set("ver_customer", "")
	q.s.Set("ver_id", "")
	q.s.Set("ver_idtype", "")
	q.s.Set("slip_ref", out.Reference)
	q.s.Set("slip_code", out.AuthCode)
	q.s.Set("slip_expires", out.ExpiresAt.Format(time.RFC3339))
	q.s.Set("slip_kind", string(kind))
	q.s.Set("slip_usage", string(usage))
	q.s.Set("slip_customer", id)
	if err := h.o.Sessions.Save(ctx, q.s); err != nil {
		q.fail(err)
		return
	}
	q.redirect("/console/slip")
}

type slipView struct {
	Reference, AuthCode, Kind, Usage, CustomerID, Name string
	ExpiresAt                                          time.Time
	CenterURL                                          string
}

// slip shows the enrollment slip (참조번호 and 인가코드) once, to print and hand over; the
// code then leaves the session.
func (h *Handler) slip(q *req) {
	if q.s.Get("slip_ref") == "" {
		q.fail(errs.New(errs.ConsoleNotFound, ""))
		return
	}
	exp, _ := time.Parse(time.RFC3339, q.s.Get("slip_expires"))
	v := slipView{Reference: q.s.Get("slip_ref"), AuthCode: q.s.Get("slip_code"), Kind: q.s.Get("slip_kind"),
		Usage: q.s.Get("slip_usage"), CustomerID: q.s.Get("slip_customer"), ExpiresAt: exp, CenterURL: baseURL(q)}
	if c, err := h.o.Desk.Customer(q.r.Context(), q.inst, v.CustomerID); err == nil {
		v.Name = c.Profile.Name
	}
	for _, k := range []string{"slip_ref", "slip_code", "slip_expires", "slip_kind", "slip_usage", "slip_customer"} {
		q.s.Set(k, "")
	}
	if err := h.o.Sessions.Save(q.r.Context(), q.s); err != nil {
		q.fail(err)
		return
	}
	q.event("console.slip_printed", v.Reference, nil)
	q.render(200, "slip", "console.slip_title", v)
}

// certificateOf returns the certificate of the path if it is a customer's of the
// member's institution, with the customer's id.
func (q *req) certificateOf() (model.Certificate, string, error) {
	s, err := model.ParseSerial(strings.ToLower(q.r.PathValue("serial")))
	if err != nil {
		return model.Certificate{}, "", errs.New(errs.ConsoleNotFound, "")
	}
	ctx := q.r.Context()
	c, err := q.h.o.Store.Certificate(ctx, s)
	if err != nil || c.InstitutionCode != q.inst.Code {
		return model.Certificate{}, "", errs.New(errs.ConsoleNotFound, "")
	}
	cust, err := q.h.o.Store.EnrollmentCustomer(ctx, c.EnrollmentRef)
	if err != nil || cust == "" {
		return model.Certificate{}, "", errs.New(errs.ConsoleNotFound, "")
	}
	return c, cust, nil
}

// changeStatus runs a revoke, suspend or resume on a certificate of the member's
// institution, audits it and returns to the customer's page.
func (h *Handler) changeStatus(q *req, what string, fn func(model.Certificate) (model.Certificate, error)) {
	c, cust, err := q.certificateOf()
	if err != nil {
		q.fail(err)
		return
	}
	note := strings.TrimSpace(q.r.PostFormValue("note"))
	if note == "" || len(note) > 200 {
		cr, err := h.o.Desk.Customer(q.r.Context(), q.inst, cust)
		if err != nil {
			q.fail(err)
			return
		}
		e := errs.New(errs.ConsoleBadInput, "")
		q.renderCustomer(cr, 400, []web.FieldError{{Field: what + "-note-" + c.Serial.String(), Message: q.l.T("console.note_required")}})
		_ = e
		return
	}
	if _, err := fn(c); err != nil {
		q.fail(err)
		return
	}
	// The note is free text a teller types: it stays out of the audit chain (it may
	// hold personal data); its length says one was given.
	q.event("console."+what, c.Serial.String(), map[string]string{"customer": cust, "reason": q.r.PostFormValue("reason")})
	q.s.Set("notice", "console."+what+"_done")
	h.o.Sessions.Save(q.r.Context(), q.s)
	q.redirect("/console/customers/" + cust)
}

var staffReasons = map[string]model.RevocationReason{
	"keyCompromise":        model.ReasonKeyCompromise,
	"affiliationChanged":   model.ReasonAffiliationChanged,
	"cessationOfOperation": model.ReasonCessationOfOperation,
	"privilegeWithdrawn":   model.ReasonPrivilegeWithdrawn,
}

func (h *Handler) revokePost(q *req) {
	reason, ok := staffReasons[q.r.PostFormValue("reason")]
	if !ok {
		q.fail(errs.New(errs.ConsoleBadInput, "reason"))
		return
	}
	if h.queueRevoke(q, q.r.PostFormValue("reason")) {
		return
	}
	h.changeStatus(q, "revoke", func(c model.Certificate) (model.Certificate, error) {
		return h.o.Service.Revoke(q.r.Context(), &q.inst, c.Serial, reason, nil, q.actor())
	})
}

func (h *Handler) suspendPost(q *req) {
	h.changeStatus(q, "suspend", func(c model.Certificate) (model.Certificate, error) {
		return h.o.Service.Suspend(q.r.Context(), &q.inst, c.Serial, q.actor())
	})
}

func (h *Handler) resumePost(q *req) {
	h.changeStatus(q, "resume", func(c model.Certificate) (model.Certificate, error) {
		return h.o.Service.Resume(q.r.Context(), &q.inst, c.Serial, q.actor())
	})
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

// baseURL is the server's public URL (the slip names it), else as the teller's
// browser reached it.
func baseURL(q *req) string {
	if q.h.o.BaseURL != "" {
		return q.h.o.BaseURL
	}
	scheme := "http"
	if q.r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + q.r.Host
}
