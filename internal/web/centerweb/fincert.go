package centerweb

import (
	"net/http"

	"github.com/certcenter/certcenter/internal/center"
	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/model"
)

// 금융인증서 발급 at the institution: after identity verification the customer gets the
// reference number and authorization code of a financial certificate enrollment, which
// any site with the financial certificate SDK redeems (FinCert.issue), where the
// customer chooses the PIN in certcenter's iframe. The demo links its relying party.

type fincertView struct {
	Reference, AuthCode, RelyingParty string
}

func (h *Handler) fincertEnroll(q *req) {
	if _, ok := q.verified("fincert"); !ok {
		return
	}
	e, err := h.o.Desk.EnrollVerified(q.r.Context(), q.inst, center.VerifiedEnrollment{
		VerificationID: q.s.Get(kVerified), Kind: model.Personal, Usage: model.FinCert})
	if err != nil {
		q.fail(err)
		return
	}
	q.s.Clear()
	q.save()
	q.render(http.StatusOK, "fincert", q.page("fincert.title", fincertView{Reference: e.Reference, AuthCode: e.AuthCode, RelyingParty: h.o.DemoRelyingParty}))
}

type pinResetView struct {
	ResetID, ResetCode, RelyingParty string
}

// pinResetPage: after identity verification here, the customer gets a reset id and code
// which the financial certificate's iframe redeems (FinCert.resetPIN) on a registered
// device: browsers partition an iframe's storage by the top-level site, so the device
// key lives where the customer uses the certificate, not on this page.
func (h *Handler) pinResetPage(q *req) {
	if _, ok := q.verified("pinreset"); !ok {
		return
	}
	if h.o.FinCert == nil {
		q.fail(errs.New(errs.NotFound, "no financial certificate service"))
		return
	}
	r, err := h.o.FinCert.StartPINReset(q.r.Context(), q.inst, q.s.Get(kVerified))
	if err != nil {
		q.fail(err)
		return
	}
	q.s.Clear()
	q.save()
	q.render(http.StatusOK, "pinreset", q.page("pinreset.title", pinResetView{ResetID: r.ID, ResetCode: r.Code, RelyingParty: h.o.DemoRelyingParty}))
}
