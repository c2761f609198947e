package centerweb

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"net/http"
	"time"

	"github.com/certcenter/certcenter/internal/ca"
	"github.com/certcenter/certcenter/internal/center"
	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/web"
)

// 발급/재발급, the banks' wizard: terms → identity → kind → key and password (in the
// browser) → where to keep it → done. The enrollment's reference number and code never
// reach the browser: the session holds them (sealed) between the kind step and the
// browser's CSR.

type termsView struct{ Kind string }

func (h *Handler) issueTerms(q *req) {
	if q.session() == nil {
		q.fail(errs.New(errs.Internal, "no session"))
		return
	}
	q.render(http.StatusOK, "terms", q.page("terms.title", termsView{Kind: "personal"}))
}

func (h *Handler) issueTermsPost(q *req) {
	kind := q.r.PostFormValue("kind")
	var fe []web.FieldError
	if q.r.PostFormValue("agree") != "yes" {
		fe = append(fe, web.FieldError{Field: "agree", Message: q.l.Err(errs.New(errs.WebTermsRequired, "")).Message})
	}
	if kind != string(model.Personal) && kind != string(model.Corporate) {
		fe = append(fe, web.FieldError{Field: "kind-personal", Message: q.l.T("terms.err_kind")})
		kind = string(model.Personal)
	}
	if len(fe) > 0 {
		p := q.page("terms.title", termsView{Kind: kind})
		p.Errors = fe
		q.render(http.StatusBadRequest, "terms", p)
		return
	}
	q.s.Clear()
	q.s.Set(kFlow, "issue")
	q.s.Set(kKind, kind)
	if err := q.save(); err != nil {
		q.fail(err)
		return
	}
	q.redirect(q.base() + "verify")
}

type certRow struct {
	Serial    string
	Name      string
	Kind      string
	Usage     string
	NotBefore time.Time
	NotAfter  time.Time
	Status    string
	DaysLeft  int
}

func (q *req) row(c model.Certificate) certRow {
	days := int(time.Until(c.NotAfter).Hours() / 24)
	if d := c.NotAfter.Sub(q.h.o.Now()); d > 0 {
		days = int(d.Hours() / 24)
	} else {
		days = 0
	}
	status := string(c.Status)
	if c.Status == model.StatusValid && !q.h.o.Now().Before(c.NotAfter) {
		status = "expired"
	}
	return certRow{Serial: c.Serial.String(), Name: c.CommonName, Kind: string(c.Kind), Usage: string(c.Usage),
		NotBefore: c.NotBefore, NotAfter: c.NotAfter, Status: status, DaysLeft: days}
}

type kindView struct {
	Kind      string
	Usage     string
	FeeKRW    int64
	Replaces  *certRow
	Confirmed bool
	Demo      bool
	Short     bool
	ShortDays int
}

// current returns the verified customer's certificate of this institution that a new
// one would supersede (valid or suspended, newest), if any.
func (q *req) current(customerID string) (*model.Certificate, error) {
	list, err := q.h.o.Desk.CustomerCertificates(q.r.Context(), q.inst, customerID)
	if err != nil {
		return nil, err
	}
	for _, c := range list {
		if (c.Status == model.StatusValid || c.Status == model.StatusSuspended) && q.h.o.Now().Before(c.NotAfter) {
			return &c, nil
		}
	}
	return nil, nil
}

func (q *req) kindView(customerID string) (kindView, error) {
	kind := model.Kind(q.s.Get(kKind))
	v := kindView{Kind: string(kind), Usage: string(model.Banking), FeeKRW: q.h.o.Fees.Annual(kind, model.Universal),
		Demo: q.h.o.Demo, ShortDays: DemoValidityDays}
	cur, err := q.current(customerID)
	if err != nil {
		return v, err
	}
	if cur != nil {
		r := q.row(*cur)
		v.Replaces = &r
	}
	return v, nil
}

func (h *Handler) kindForm(q *req) {
	cust, ok := q.verified("issue")
	if !ok {
		return
	}
	v, err := q.kindView(cust)
	if err != nil {
		q.fail(err)
		return
	}
	q.render(http.StatusOK, "kind", q.page("kind.title", v))
}

func (h *Handler) kindPost(q *req) {
	cust, ok := q.verified("issue")
	if !ok {
		return
	}
	v, err := q.kindView(cust)
	if err != nil {
		q.fail(err)
		return
	}
	usage := model.Usage(q.r.PostFormValue("usage"))
	v.Usage = string(usage)
	var fe []web.FieldError
	if !usage.Valid() {
		fe = append(fe, web.FieldError{Field: "usage-banking", Message: q.l.T("kind.err_usage")})
		v.Usage = string(model.Banking)
	}
	if v.Replaces != nil && q.r.PostFormValue("reissue") != "yes" {
		fe = append(fe, web.FieldError{Field: "reissue", Message: q.l.Err(errs.New(errs.WebReissueConfirm, "")).Message})
	}
	if len(fe) > 0 {
		p := q.page("kind.title", v)
		p.Errors = fe
		q.render(http.StatusBadRequest, "kind", p)
		return
	}
	req := center.VerifiedEnrollment{VerificationID: q.s.Get(kVerified), Kind: model.Kind(v.Kind), Usage: usage}
	if v.Replaces != nil {
		if req.Replaces, err = model.ParseSerial(v.Replaces.Serial); err != nil {
			q.fail(err)
			return
		}
	}
	e, err := h.o.Desk.EnrollVerified(q.r.Context(), q.inst, req)
	if err != nil {
		q.fail(err)
		return
	}
	q.s.Set(kRef, e.Reference)
	q.s.Set(kCode, e.AuthCode)
	if q.h.o.Demo && q.r.PostFormValue("short") == "yes" {
		q.s.Set(kShort, "yes")
	}
	if v.Replaces != nil {
		q.s.Set(kReplaces, v.Replaces.Serial)
	}
	q.s.Set(kVerified, "") // the verification is used up by the enrollment
	if err := q.save(); err != nil {
		q.fail(err)
		return
	}
	q.redirect(q.base() + "issue/key")
}

type keyView struct {
	Reissue string
	Slip    bool // from a branch slip: the steps are slip, password, done
}

func (h *Handler) keyPage(q *req) {
	if !q.needFlow("issue") {
		return
	}
	if q.s.Get(kRef) == "" {
		q.fail(errs.New(errs.WebStep, "no enrollment"))
		return
	}
	q.render(http.StatusOK, "key", q.page("key.title", keyView{Reissue: q.s.Get(kReplaces), Slip: q.s.Get(kSlip) != ""}, "js/issue.js"))
}

// issueRequest is the browser's CSR (base64 DER in JSON) and the identity random R
// (hex), which the CA needs once to compute the VID (KOREAN-PKI.md sections 5 and 7).
type issueRequest struct {
	CSR       []byte `json:"csr"`
	RandomNum string `json:"randomNum"`
}

type issuedJSON struct {
	Serial      string   `json:"serial"`
	Certificate []byte   `json:"certificate"`
	Chain       [][]byte `json:"chain"`
}

// parseCSR checks a browser's CSR: RSA-2048, SHA-256, self-signed.
func parseCSR(der []byte) (*x509.CertificateRequest, error) {
	csr, err := x509.ParseCertificateRequest(der)
	if err != nil {
		return nil, errs.New(errs.CSRInvalid, "%v", err)
	}
	if err := csr.CheckSignature(); err != nil {
		return nil, errs.New(errs.CSRSignatureInvalid, "%v", err)
	}
	k, ok := csr.PublicKey.(*rsa.PublicKey)
	if !ok || k.N.BitLen() != 2048 || csr.SignatureAlgorithm != x509.SHA256WithRSA {
		return nil, errs.New(errs.CSRInvalid, "an RSA-2048 key signed with SHA-256 is required")
	}
	return csr, nil
}

func parseR(s string) ([]byte, error) {
	r, err := hex.DecodeString(s)
	if err != nil || len(r) < 16 || len(r) > 64 {
		return nil, errs.New(errs.BadRequest, "randomNum must be 16 to 64 bytes in hex")
	}
	return r, nil
}

func (h *Handler) apiIssue(q *req) {
	if !q.needFlow("issue") {
		return
	}
	ref, code := q.s.Get(kRef), q.s.Get(kCode)
	if ref == "" {
		q.fail(errs.New(errs.WebStep, "no enrollment in this session"))
		return
	}
	var in issueRequest
	if !q.readJSON(&in) {
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
	var opts center.IssueOptions
	if h.o.Demo && q.s.Get(kShort) == "yes" {
		opts.ValidityDays = DemoValidityDays
	}
	issued, err := h.o.Service.IssueWithCodeOptions(q.r.Context(), ref, code, csr.PublicKey, r, opts)
	if err != nil {
		q.fail(err)
		return
	}
	event := center.NoticeIssued
	if q.s.Get(kReplaces) != "" {
		event = center.NoticeReissued
	}
	q.s.Set(kRef, "")
	q.s.Set(kCode, "")
	q.s.Set(kIssued, issued.Record.Serial.String())
	if err := q.save(); err != nil {
		h.o.Log.Warn("web center: session after issuance", "err", err)
	}
	q.notify(q.s.Get(kCustomer), event, issued.Record.Serial)
	web.WriteJSON(q.w, http.StatusCreated, issuedJSONOf(issued))
}

func issuedJSONOf(issued *ca.Issued) issuedJSON {
	return issuedJSON{Serial: issued.Record.Serial.String(), Certificate: issued.Record.DER, Chain: issued.Chain}
}

type doneView struct {
	Row      certRow
	Reissued string
	Slip     bool
}

func (h *Handler) issueDone(q *req) {
	if !q.needFlow("issue") {
		return
	}
	s, err := model.ParseSerial(q.s.Get(kIssued))
	if err != nil {
		q.fail(errs.New(errs.WebStep, "nothing issued in this session"))
		return
	}
	c, err := h.o.Directory.Certificate(q.r.Context(), s)
	if err != nil {
		q.fail(err)
		return
	}
	q.render(http.StatusOK, "done", q.page("done.title", doneView{Row: q.row(c), Reissued: q.s.Get(kReplaces), Slip: q.s.Get(kSlip) != ""}))
}
