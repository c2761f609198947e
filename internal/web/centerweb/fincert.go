package centerweb

import (
	"net/http"

	"github.com/certcenter/certcenter/internal/center"
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
