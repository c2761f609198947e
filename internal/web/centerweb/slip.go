package centerweb

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"strings"

	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store"
	"github.com/certcenter/certcenter/internal/web"
)

// 접수증으로 발급: a customer who enrolled at the branch (the teller checked their ID
// card and printed a slip with a reference number and an authorization code) issues
// online with the slip's two values, as banks let them: terms and the slip → key and
// password (in the browser) → where to keep it → done. The identity was verified in
// person, so the wizard's identity and kind steps are skipped: the kind and usage are
// the enrollment's. Wrong codes count towards the same limits as the API's
// POST /api/v1/certificates (5 per reference and address, then a wait) and towards the
// enrollment's lock.

// SlipCodes checks a slip's values without claiming the enrollment (center.Service).
type SlipCodes interface {
	CheckCode(ctx context.Context, ref, code string) (model.Enrollment, error)
}

// SlipCustomers finds the customer an in-person enrollment was made for (sqlstore.DB),
// for the notice after issuance; store.ErrNotFound when it was made without one.
type SlipCustomers interface {
	EnrollmentCustomer(ctx context.Context, ref string) (string, error)
}

// Guesses limits wrong codes per address and reference (ratelimit.Guesses).
type Guesses interface {
	Check(ctx context.Context, client, target string) error
	Fail(ctx context.Context, client, target string)
}

// SlipOptions configure the slip entry; with Codes nil it is not offered.
type SlipOptions struct {
	Codes     SlipCodes
	Customers SlipCustomers
	Guesses   Guesses                    // nil: no limits (tests)
	Client    func(*http.Request) string // the client's address for the limits
}

type slipView struct {
	Ref, Code string
	Agree     bool
	ErrCode   string // the code of a refusal by the server (also in the error summary)
}

var (
	slipRefPattern  = regexp.MustCompile(`^[0-9]{10}$`)
	slipCodePattern = regexp.MustCompile(`^[0-9A-Z]{16}$`)
)

// normalize drops what people type between groups (spaces, hyphens) and upper-cases.
func normalize(s string) string {
	return strings.ToUpper(strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\t' {
			return -1
		}
		return r
	}, s))
}

func (h *Handler) slipForm(q *req) {
	if h.o.Slip.Codes == nil {
		q.fail(errs.New(errs.NotFound, "no slip entry"))
		return
	}
	if q.session() == nil {
		q.fail(errs.New(errs.Internal, "no session"))
		return
	}
	q.render(http.StatusOK, "slip", q.page("slip.title", slipView{}))
}

func (h *Handler) slipPost(q *req) {
	if h.o.Slip.Codes == nil {
		q.fail(errs.New(errs.NotFound, "no slip entry"))
		return
	}
	ctx := q.r.Context()
	v := slipView{Ref: normalize(q.r.PostFormValue("ref")), Code: normalize(q.r.PostFormValue("code")), Agree: q.r.PostFormValue("agree") == "yes"}
	var fe []web.FieldError
	if !v.Agree {
		fe = append(fe, web.FieldError{Field: "agree", Message: q.l.Err(errs.New(errs.WebTermsRequired, "")).Message})
	}
	if !slipRefPattern.MatchString(v.Ref) {
		fe = append(fe, web.FieldError{Field: "ref", Message: q.l.T("slip.err_ref")})
	}
	if !slipCodePattern.MatchString(v.Code) {
		fe = append(fe, web.FieldError{Field: "code", Message: q.l.T("slip.err_code")})
	}
	if len(fe) == 0 {
		e, err := h.checkSlip(q, v)
		if err != nil {
			t := q.l.Err(err)
			if errs.CodeOf(err) == errs.Internal || errs.CodeOf(err) == errs.ServiceUnavailable {
				q.fail(err)
				return
			}
			// The slip's values are not kept on the refused page: the code is a secret.
			v.Code, v.ErrCode = "", string(errs.CodeOf(err))
			p := q.page("slip.title", v)
			p.Errors = []web.FieldError{{Field: "ref", Message: t.Message + " " + t.Hint}}
			q.render(errs.Status(err), "slip", p)
			return
		}
		q.s.Clear()
		q.s.Set(kFlow, "issue")
		q.s.Set(kKind, string(e.Kind))
		q.s.Set(kRef, e.Reference)
		q.s.Set(kCode, v.Code)
		q.s.Set(kSlip, "yes")
		if len(e.Replaces) > 0 {
			q.s.Set(kReplaces, e.Replaces.String())
		}
		if h.o.Slip.Customers != nil {
			if id, err := h.o.Slip.Customers.EnrollmentCustomer(ctx, e.Reference); err == nil {
				q.s.Set(kCustomer, id)
			} else if !errors.Is(err, store.ErrNotFound) {
				q.fail(err)
				return
			}
		}
		if err := q.save(); err != nil {
			q.fail(err)
			return
		}
		q.redirect(q.base() + "issue/key")
		return
	}
	v.Code, v.ErrCode = "", string(errs.WebSlipInvalid)
	p := q.page("slip.title", v)
	p.Errors = fe
	q.render(http.StatusBadRequest, "slip", p)
}

// checkSlip checks the slip's values against the limits, the enrollment and this
// institution.
func (h *Handler) checkSlip(q *req, v slipView) (model.Enrollment, error) {
	ctx := q.r.Context()
	var client string
	if h.o.Slip.Client != nil {
		client = h.o.Slip.Client(q.r)
	}
	if g := h.o.Slip.Guesses; g != nil {
		if err := g.Check(ctx, client, v.Ref); err != nil {
			return model.Enrollment{}, err
		}
	}
	e, err := h.o.Slip.Codes.CheckCode(ctx, v.Ref, v.Code)
	if errors.Is(err, errs.Sentinel(errs.AuthCodeInvalid)) && h.o.Slip.Guesses != nil {
		h.o.Slip.Guesses.Fail(ctx, client, v.Ref)
	}
	if err != nil {
		return e, err
	}
	if e.InstitutionCode != q.inst.Code {
		return model.Enrollment{}, errs.New(errs.SlipOtherInstitution, "reference %s is of %s", e.Reference, e.InstitutionCode)
	}
	if e.Usage == model.FinCert {
		// A financial certificate's key is made in certcenter's iframe, not here.
		return model.Enrollment{}, errs.New(errs.WebSlipFinCert, "reference %s", e.Reference)
	}
	return e, nil
}
