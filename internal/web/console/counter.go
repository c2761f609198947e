package console

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/certcenter/certcenter/internal/center"
	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/web"
)

// The counter's unlocks and other-institution registrations (issue 16), on the
// customer's page, after the customer's ID card was checked again in this session:
//   - a locked identity check (the account check after 5 wrong answers in a day, text
//     codes after 5 in an hour) is reset; the customer can verify again at once;
//   - a financial certificate's PIN is reset: the console prints a slip with a reset id
//     and code, and the customer sets the new PIN themselves on their device; the
//     teller never sets or sees a PIN;
//   - a certificate this CA issued through another institution is registered for the
//     customer (center.Desk.RegisterAtCounter says how it is checked), or a
//     registration removed.
// Unlocks go through approvals when "unlock" is configured.

// counterView is the customer page's part for unlocks, registrations and approvals.
type counterView struct {
	AccountLocked, SMSLocked bool
	PINReset                 bool // the financial certificate service is here
	UnlockNeedsApproval      bool
	Registrations            []center.RegistrationView
	Approvals                []approvalRow
	ReissueNeedsApproval     bool
	RevokeNeedsApproval      bool
}

func (q *req) counterView(customerID string) *counterView {
	sup := q.h.o.Supervision
	if sup.Desk == nil {
		return nil
	}
	ctx := q.r.Context()
	v := &counterView{PINReset: sup.FinCert != nil, UnlockNeedsApproval: q.needsApproval(model.ActionUnlock),
		ReissueNeedsApproval: q.needsApproval(model.ActionCorporateReissue), RevokeNeedsApproval: q.needsApproval(model.ActionRevokeOnBehalf)}
	v.AccountLocked, v.SMSLocked, _ = sup.Desk.Throttled(ctx, q.inst, customerID)
	v.Registrations, _ = sup.Desk.Registrations(ctx, q.inst, customerID)
	v.Approvals = q.customerApprovals(customerID)
	return v
}

// verifiedFor returns the session's in-person verification of the customer, or fails
// the request with CONSOLE_NOT_VERIFIED.
func (q *req) verifiedFor(customerID string) (string, bool) {
	if q.s.Get("ver_customer") != customerID || q.s.Get("ver_id") == "" {
		q.fail(errs.New(errs.ConsoleNotVerified, ""))
		return "", false
	}
	return q.s.Get("ver_id"), true
}

// fieldError shows the customer's page again with one field's error.
func (q *req) fieldError(customerID string, status int, fe []web.FieldError) {
	c, err := q.h.o.Desk.Customer(q.r.Context(), q.inst, customerID)
	if err != nil {
		q.fail(errs.New(errs.ConsoleNotFound, ""))
		return
	}
	q.renderCustomer(c, status, fe)
}

// customerUnlockPost resets a locked identity check (what=verification) or starts a PIN reset
// (what=pin) for the verified customer, or asks a supervisor to.
func (h *Handler) customerUnlockPost(q *req) {
	id := q.r.PathValue("id")
	if _, err := h.o.Desk.Customer(q.r.Context(), q.inst, id); err != nil {
		q.fail(errs.New(errs.ConsoleNotFound, ""))
		return
	}
	what := q.r.PostFormValue("what")
	if what != "verification" && what != "pin" {
		q.fail(errs.New(errs.ConsoleBadInput, "what %q", what))
		return
	}
	ver, ok := q.verifiedFor(id)
	if !ok {
		return
	}
	if what == "verification" {
		// Nothing to ask a supervisor for when nothing is locked.
		account, sms, err := h.o.Supervision.Desk.Throttled(q.r.Context(), q.inst, id)
		if err != nil {
			q.fail(err)
			return
		}
		if !account && !sms {
			q.fail(errs.New(errs.CounterNothingLocked, "customer %s", id))
			return
		}
	}
	if q.needsApproval(model.ActionUnlock) {
		reason, fe := q.requestReason("unlock-reason")
		if fe != nil {
			q.fieldError(id, 400, fe)
			return
		}
		v, err := h.o.Supervision.Desk.Verification(q.r.Context(), q.inst, ver)
		if err != nil {
			q.fail(err)
			return
		}
		h.ask(q, model.ActionUnlock, id, id, reason, map[string]string{"what": what, "verification": ver}, v.VerifiedAt)
		return
	}
	_, result, err := h.unlock(q.r.Context(), q, what, ver, map[string]string{"customer": id})
	if err != nil {
		q.fail(err)
		return
	}
	if result != nil {
		var d slipData
		if err := json.Unmarshal(result, &d); err != nil {
			q.fail(err)
			return
		}
		h.renderSlip(q, id, d)
		return
	}
	q.s.Set("notice", "counter.unlocked_notice")
	h.o.Sessions.Save(q.r.Context(), q.s)
	q.redirect("/console/customers/" + id)
}

// unlock carries out an unlock as the signed-in member; a PIN reset's slip is the
// result.
func (h *Handler) unlock(ctx context.Context, q *req, what, verification string, details map[string]string) (string, []byte, error) {
	sup := h.o.Supervision
	ev := func(typ string) {
		details["what"] = what
		h.audit(ctx, model.AuditEvent{Type: typ, Actor: q.actor(), Institution: q.inst.Code, Subject: details["customer"], Details: details})
	}
	switch what {
	case "verification":
		if err := sup.Desk.ResetThrottle(ctx, q.inst, verification, q.actor()); err != nil {
			return "", nil, err
		}
		ev("console.unlocked")
		return "", nil, nil
	case "pin":
		if sup.FinCert == nil {
			return "", nil, errs.New(errs.ConsoleNotFound, "no financial certificate service")
		}
		r, err := sup.FinCert.StartPINReset(ctx, q.inst, verification)
		if err != nil {
			return "", nil, err
		}
		details["reset"] = r.ID
		ev("console.pin_reset_started")
		b, err := json.Marshal(slipData{Kind: "pin-reset", Reference: r.ID, Code: r.Code, ExpiresAt: r.ExpiresAt})
		return r.ID, b, err
	}
	return "", nil, errs.New(errs.ConsoleBadInput, "what %q", what)
}

// registerPost registers another institution's certificate of this CA for the verified
// customer, by its serial.
func (h *Handler) registerPost(q *req) {
	id := q.r.PathValue("id")
	if _, err := h.o.Desk.Customer(q.r.Context(), q.inst, id); err != nil {
		q.fail(errs.New(errs.ConsoleNotFound, ""))
		return
	}
	raw := strings.ToLower(strings.TrimSpace(q.r.PostFormValue("serial")))
	s, err := model.ParseSerial(raw)
	if err != nil || !serialRe.MatchString(raw) {
		q.fieldError(id, 400, []web.FieldError{{Field: "register-serial", Message: q.l.T("counter.serial_invalid")}})
		return
	}
	ver, ok := q.verifiedFor(id)
	if !ok {
		return
	}
	if _, err := h.o.Supervision.Desk.RegisterAtCounter(q.r.Context(), q.inst, ver, s, q.actor()); err != nil {
		if code := errs.CodeOf(err); code != errs.Internal && errs.Status(err) < 500 {
			t := q.l.Err(err)
			q.fieldError(id, errs.Status(err), []web.FieldError{{Field: "register-serial", Message: t.Message + " " + t.Hint}})
			return
		}
		q.fail(err)
		return
	}
	q.s.Set("notice", "counter.registered_notice")
	h.o.Sessions.Save(q.r.Context(), q.s)
	q.redirect("/console/customers/" + id)
}

// deregisterPost removes a registration of the verified customer.
func (h *Handler) deregisterPost(q *req) {
	id := q.r.PathValue("id")
	if _, err := h.o.Desk.Customer(q.r.Context(), q.inst, id); err != nil {
		q.fail(errs.New(errs.ConsoleNotFound, ""))
		return
	}
	if _, ok := q.verifiedFor(id); !ok {
		return
	}
	if err := h.o.Supervision.Desk.DeregisterAs(q.r.Context(), q.inst, id, q.r.PathValue("reg"), q.actor()); err != nil {
		q.fail(err)
		return
	}
	q.s.Set("notice", "counter.deregistered_notice")
	h.o.Sessions.Save(q.r.Context(), q.s)
	q.redirect("/console/customers/" + id)
}

// queueReissue asks a supervisor for a teller's reissue of a corporate certificate,
// and reports whether it did (or answered the request with an error).
func (h *Handler) queueReissue(q *req, customerID string, r center.VerifiedEnrollment, old model.Certificate) bool {
	if old.Kind != model.Corporate && r.Kind != model.Corporate {
		return false
	}
	if !q.needsApproval(model.ActionCorporateReissue) {
		return false
	}
	reason, fe := q.requestReason("reissue-reason")
	if fe != nil {
		q.fieldError(customerID, 400, fe)
		return true
	}
	v, err := h.o.Supervision.Desk.Verification(q.r.Context(), q.inst, r.VerificationID)
	if err != nil {
		q.fail(err)
		return true
	}
	// The verification is now the request's: the teller checks the ID card again for
	// anything else.
	q.s.Set("ver_customer", "")
	q.s.Set("ver_id", "")
	q.s.Set("ver_idtype", "")
	h.ask(q, model.ActionCorporateReissue, customerID, r.Replaces.String(), reason,
		map[string]string{"kind": string(r.Kind), "usage": string(r.Usage), "verification": r.VerificationID}, v.VerifiedAt)
	return true
}

// queueRevoke asks a supervisor for a teller's revocation, and reports whether it did
// (or answered the request with an error).
func (h *Handler) queueRevoke(q *req, reason string) bool {
	if !q.needsApproval(model.ActionRevokeOnBehalf) {
		return false
	}
	c, cust, err := q.certificateOf()
	if err != nil {
		q.fail(err)
		return true
	}
	note := strings.TrimSpace(q.r.PostFormValue("note"))
	if note == "" || len([]rune(note)) > 200 {
		q.fieldError(cust, 400, []web.FieldError{{Field: "revoke-note-" + c.Serial.String(), Message: q.l.T("console.note_required")}})
		return true
	}
	h.ask(q, model.ActionRevokeOnBehalf, cust, c.Serial.String(), note, map[string]string{"reason": reason}, nil)
	return true
}
