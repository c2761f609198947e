package console

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/certcenter/certcenter/internal/center"
	"github.com/certcenter/certcenter/internal/cloudcert"
	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store"
	"github.com/certcenter/certcenter/internal/web"
)

// Approvals (결재): what a teller may not do alone (Supervision.Approvals: a corporate
// certificate's reissue, a revocation on the customer's behalf, an unlock) is queued
// with who asked, when and why, for a supervisor of the same institution. The
// supervisor approves, and the action is carried out as the supervisor (both names in
// the audit chain), or rejects with a reason; the teller sees the outcome on the
// customer's page, and prints the slip of an approved reissue or PIN reset there once.
// Decisions are conditional writes: of two supervisors approving at once, one wins
// and the other is told APPROVAL_ALREADY_DECIDED. A supervisor cannot decide their own
// request, and supervisors doing an action themselves need no approval.

// approvalsMenu is the approvals menu entry, which shows the pending count.
const approvalsMenu = "approval.menu"

// Supervision is what approvals, counter unlocks and registrations and reports need.
type Supervision struct {
	Store   SupervisionStore
	Desk    CounterDesk
	FinCert PINResetter // nil: no financial certificates here, no PIN reset
	// Approvals are the actions (model.Action*) a teller must ask a supervisor for.
	Approvals []string
}

// SupervisionStore is what supervision reads and writes (sqlstore.DB). Error contract:
// Approval returns store.ErrNotFound when absent; DecideApproval returns
// store.ErrConflict when the request is not pending, expired or the decider's own;
// FinishApproval when it is not executing; TakeApprovalResult returns
// store.ErrNotFound when there is no result for the asker.
type SupervisionStore interface {
	CreateApproval(ctx context.Context, a model.Approval, ev model.AuditEvent) error
	Approval(ctx context.Context, id string) (model.Approval, error)
	PendingApprovals(ctx context.Context, institution string, now time.Time, limit int) ([]model.Approval, error)
	CountPendingApprovals(ctx context.Context, institution string, now time.Time) (int, error)
	RecentApprovals(ctx context.Context, institution string, since time.Time, limit int) ([]model.Approval, error)
	CustomerApprovals(ctx context.Context, customerID string, since time.Time, limit int) ([]model.Approval, error)
	DecideApproval(ctx context.Context, id, status, by string, now time.Time, decision []byte, ev model.AuditEvent) error
	FinishApproval(ctx context.Context, id, status, outcome string, result []byte, ev model.AuditEvent) error
	TakeApprovalResult(ctx context.Context, id, asker string, ev model.AuditEvent) ([]byte, error)
	ReportDays(ctx context.Context, institution string, from, to time.Time) ([]model.ReportDay, error)
	ReportFees(ctx context.Context, institution string, from, to time.Time) ([]model.ReportFee, error)
}

// CounterDesk is what the counter's unlocks and registrations need (center.Desk).
type CounterDesk interface {
	Verification(ctx context.Context, inst model.Institution, id string) (center.VerificationView, error)
	Throttled(ctx context.Context, inst model.Institution, customerID string) (account, sms bool, err error)
	ResetThrottle(ctx context.Context, inst model.Institution, verificationID, actor string) error
	RegisterAtCounter(ctx context.Context, inst model.Institution, verificationID string, serial model.Serial, actor string) (center.RegistrationView, error)
	DeregisterAs(ctx context.Context, inst model.Institution, customerID, id, actor string) error
	Registrations(ctx context.Context, inst model.Institution, customerID string) ([]center.RegistrationView, error)
}

// PINResetter starts a financial certificate's PIN reset (cloudcert.Service).
type PINResetter interface {
	StartPINReset(ctx context.Context, inst model.Institution, verificationID string) (*cloudcert.PINReset, error)
}

// Requests expire at the end of the day (KST) and after at most approvalLifetime; one
// that rests on the customer's in-person check expires with it (the customer has left
// the counter by then).
const approvalLifetime = 8 * time.Hour

var kst = time.FixedZone("KST", 9*3600)

func approvalExpiry(now time.Time, verifiedAt *time.Time) time.Time {
	exp := now.Add(approvalLifetime)
	y, m, d := now.In(kst).Date()
	if eod := time.Date(y, m, d+1, 0, 0, 0, 0, kst); eod.Before(exp) {
		exp = eod
	}
	if verifiedAt != nil {
		if v := verifiedAt.Add(center.VerifiedUsableFor); v.Before(exp) {
			exp = v
		}
	}
	return exp.UTC()
}

// needsApproval says whether the signed-in member must ask a supervisor for action.
func (q *req) needsApproval(action string) bool {
	return q.staff.Role == model.RoleTeller && slices.Contains(q.h.o.Supervision.Approvals, action)
}

// requestReason is the form's reason for an approval request, or a field error.
func (q *req) requestReason(field string) (string, []web.FieldError) {
	r := strings.TrimSpace(q.r.PostFormValue("approval_reason"))
	if r == "" || len([]rune(r)) > 200 {
		e := q.l.Err(errs.New(errs.ApprovalReasonRequired, ""))
		return "", []web.FieldError{{Field: field, Message: e.Message + " " + e.Hint}}
	}
	return r, nil
}

// ask queues action for a supervisor and returns to the customer's page.
func (h *Handler) ask(q *req, action, customerID, subject, reason string, params map[string]string, verifiedAt *time.Time) {
	ctx := q.r.Context()
	now := h.o.Now()
	a := model.Approval{ID: newID("apr_"), InstitutionCode: q.inst.Code, Action: action, CustomerID: customerID, Subject: subject,
		Params: params, AskedBy: q.staff.ID, AskedAt: now, ExpiresAt: approvalExpiry(now, verifiedAt), Status: model.ApprovalPending}
	var err error
	if a.ReasonCipher, err = h.o.Seal.Seal("approval-reason", a.ID, []byte(reason)); err != nil {
		q.fail(err)
		return
	}
	ev := model.AuditEvent{Type: "console.approval_requested", Actor: q.actor(), Institution: q.inst.Code, Subject: a.ID,
		Details: map[string]string{"action": action, "customer": customerID, "target": subject}}
	if err := h.o.Supervision.Store.CreateApproval(ctx, a, ev); err != nil {
		q.fail(err)
		return
	}
	q.s.Set("notice", "approval.queued_notice")
	h.o.Sessions.Save(ctx, q.s)
	q.redirect("/console/customers/" + customerID)
}

// approvalRow is one request as the queue and the customer's page show it.
type approvalRow struct {
	ID, Action, Status, CustomerID, Customer, Target, AskedBy, DecidedBy, Reason, Decision, Outcome string
	Params                                                                                          map[string]string
	AskedAt, ExpiresAt                                                                              time.Time
	DecidedAt                                                                                       *time.Time
	Mine, CanDecide, HasSlip                                                                        bool
}

func (q *req) approvalRow(a model.Approval, names map[string]string) approvalRow {
	h := q.h
	r := approvalRow{ID: a.ID, Action: a.Action, Status: a.ShownStatus(h.o.Now()), CustomerID: a.CustomerID, Target: a.Subject,
		Params: a.Params, AskedAt: a.AskedAt, ExpiresAt: a.ExpiresAt, DecidedAt: a.DecidedAt, Outcome: a.Outcome,
		Mine: a.AskedBy == q.staff.ID, HasSlip: a.ResultCipher != nil && a.AskedBy == q.staff.ID}
	r.AskedBy, r.DecidedBy = q.staffName(a.AskedBy, names), q.staffName(a.DecidedBy, names)
	if b, err := h.o.Seal.Open("approval-reason", a.ID, a.ReasonCipher); err == nil {
		r.Reason = string(b)
	}
	if a.DecisionCipher != nil {
		if b, err := h.o.Seal.Open("approval-decision", a.ID, a.DecisionCipher); err == nil {
			r.Decision = string(b)
		}
	}
	r.CanDecide = r.Status == model.ApprovalPending && !r.Mine && q.staff.Role == model.RoleSupervisor
	return r
}

// staffName is a staff member's login name (cached in names), or the id.
func (q *req) staffName(id string, names map[string]string) string {
	if id == "" {
		return ""
	}
	if n, ok := names[id]; ok {
		return n
	}
	n := id
	if s, err := q.h.o.Store.Staff(q.r.Context(), id); err == nil {
		n = s.Name
	}
	names[id] = n
	return n
}

type approvalsView struct {
	Pending, Recent []approvalRow
}

// approvalsPage is the supervisor's queue: pending requests, oldest first, and today's
// decided and expired ones. Customers are shown by name with their identity number
// masked.
func (h *Handler) approvalsPage(q *req) {
	ctx := q.r.Context()
	now := h.o.Now()
	st := h.o.Supervision.Store
	pending, err := st.PendingApprovals(ctx, q.inst.Code, now, 200)
	if err != nil {
		q.fail(err)
		return
	}
	recent, err := st.RecentApprovals(ctx, q.inst.Code, now.Add(-24*time.Hour), 200)
	if err != nil {
		q.fail(err)
		return
	}
	names := map[string]string{}
	customers := map[string]string{}
	customer := func(id string) string {
		if n, ok := customers[id]; ok {
			return n
		}
		n := ""
		if c, err := h.o.Desk.Customer(ctx, q.inst, id); err == nil {
			n = c.Profile.Name + " (" + c.View().IDN + ")"
		}
		customers[id] = n
		return n
	}
	var v approvalsView
	for _, a := range pending {
		r := q.approvalRow(a, names)
		r.Customer = customer(a.CustomerID)
		v.Pending = append(v.Pending, r)
	}
	for _, a := range recent {
		if a.Status == model.ApprovalPending && a.ShownStatus(now) == model.ApprovalPending {
			continue
		}
		r := q.approvalRow(a, names)
		r.Customer = customer(a.CustomerID)
		v.Recent = append(v.Recent, r)
	}
	p := q.page("approval.title", q.view(v))
	if n := q.s.Get("notice"); n != "" {
		p.Notice = q.l.T(n)
		q.s.Set("notice", "")
		h.o.Sessions.Save(ctx, q.s)
	}
	h.tmpl.Render(q.w, 200, "approvals", p)
}

// approval loads the request of the path, if it is of the member's institution.
func (q *req) approval() (model.Approval, error) {
	a, err := q.h.o.Supervision.Store.Approval(q.r.Context(), q.r.PathValue("id"))
	if err != nil || a.InstitutionCode != q.inst.Code || q.inst.Code == "" {
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return a, err
		}
		return a, errs.New(errs.ApprovalNotFound, "")
	}
	return a, nil
}

// whyNot explains why a decision on a could not be recorded.
func (q *req) whyNot(a model.Approval) error {
	switch {
	case a.AskedBy == q.staff.ID:
		return errs.New(errs.ApprovalSelf, "approval %s", a.ID)
	case a.Status != model.ApprovalPending:
		return errs.New(errs.ApprovalDecided, "approval %s is %s", a.ID, a.Status)
	case a.ShownStatus(q.h.o.Now()) == model.ApprovalExpired:
		return errs.New(errs.ApprovalExpired, "approval %s expired at %s", a.ID, a.ExpiresAt)
	}
	return nil
}

// decide records the decision; on a lost race it reloads and says why.
func (q *req) decide(a model.Approval, status string, decision []byte, ev model.AuditEvent) error {
	if err := q.whyNot(a); err != nil {
		return err
	}
	err := q.h.o.Supervision.Store.DecideApproval(q.r.Context(), a.ID, status, q.staff.ID, q.h.o.Now(), decision, ev)
	if errors.Is(err, store.ErrConflict) {
		cur, err2 := q.h.o.Supervision.Store.Approval(q.r.Context(), a.ID)
		if err2 != nil {
			return err2
		}
		if why := q.whyNot(cur); why != nil {
			return why
		}
		return errs.New(errs.ApprovalDecided, "approval %s", a.ID)
	}
	return err
}

func (h *Handler) rejectPost(q *req) {
	a, err := q.approval()
	if err != nil {
		q.fail(err)
		return
	}
	why := strings.TrimSpace(q.r.PostFormValue("decision"))
	if why == "" || len([]rune(why)) > 200 {
		q.fail(errs.New(errs.ApprovalDecisionRequired, ""))
		return
	}
	sealed, err := h.o.Seal.Seal("approval-decision", a.ID, []byte(why))
	if err != nil {
		q.fail(err)
		return
	}
	ev := model.AuditEvent{Type: "console.approval_rejected", Actor: q.actor(), Institution: q.inst.Code, Subject: a.ID,
		Details: map[string]string{"action": a.Action, "customer": a.CustomerID, "askedBy": "staff:" + a.AskedBy}}
	if err := q.decide(a, model.ApprovalRejected, sealed, ev); err != nil {
		q.fail(err)
		return
	}
	q.s.Set("notice", "approval.rejected_notice")
	h.o.Sessions.Save(q.r.Context(), q.s)
	q.redirect("/console/approvals")
}

// approvePost approves and carries the action out as the supervisor. The outcome (done,
// or refused with the refusal's code, e.g. the certificate was revoked meanwhile) is
// recorded on the request for the teller.
func (h *Handler) approvePost(q *req) {
	a, err := q.approval()
	if err != nil {
		q.fail(err)
		return
	}
	ev := model.AuditEvent{Type: "console.approval_approved", Actor: q.actor(), Institution: q.inst.Code, Subject: a.ID,
		Details: map[string]string{"action": a.Action, "customer": a.CustomerID, "askedBy": "staff:" + a.AskedBy}}
	if err := q.decide(a, model.ApprovalExecuting, nil, ev); err != nil {
		q.fail(err)
		return
	}
	ctx := context.WithoutCancel(q.r.Context()) // the request is claimed: finish it even if the browser leaves
	outcome, result, execErr := h.execute(ctx, q, a)
	status, notice := model.ApprovalApproved, "approval.approved_notice"
	if execErr != nil {
		status, notice, outcome, result = model.ApprovalFailed, "approval.failed_notice", string(errs.CodeOf(execErr)), nil
		if errs.CodeOf(execErr) == errs.Internal {
			h.o.Log.Error("console approval", "approval", a.ID, "err", execErr)
		}
	}
	var sealed []byte
	if result != nil {
		if sealed, err = h.o.Seal.Seal("approval-result", a.ID, result); err != nil {
			q.fail(err)
			return
		}
	}
	fin := model.AuditEvent{Type: "console.approval_" + status, Actor: q.actor(), Institution: q.inst.Code, Subject: a.ID,
		Details: map[string]string{"action": a.Action, "outcome": outcome, "askedBy": "staff:" + a.AskedBy}}
	if status == model.ApprovalApproved {
		fin.Type = "console.approval_done"
	}
	if err := h.o.Supervision.Store.FinishApproval(ctx, a.ID, status, outcome, sealed, fin); err != nil {
		q.fail(err)
		return
	}
	q.s.Set("notice", notice)
	h.o.Sessions.Save(ctx, q.s)
	q.redirect("/console/approvals")
}

// slipData is an approved action's slip: an enrollment's reference and code, or a PIN
// reset's id and code.
type slipData struct {
	Kind      string    `json:"kind"` // "enrollment" or "pin-reset"
	Reference string    `json:"reference"`
	Code      string    `json:"code"`
	ExpiresAt time.Time `json:"expiresAt"`
	CertKind  string    `json:"certKind,omitempty"`
	Usage     string    `json:"usage,omitempty"`
}

// execute carries out an approved request as the signed-in supervisor.
func (h *Handler) execute(ctx context.Context, q *req, a model.Approval) (string, []byte, error) {
	by := map[string]string{"approval": a.ID, "requestedBy": "staff:" + a.AskedBy, "customer": a.CustomerID}
	event := func(typ string, extra map[string]string) {
		for k, v := range extra {
			by[k] = v
		}
		h.audit(ctx, model.AuditEvent{Type: typ, Actor: q.actor(), Institution: q.inst.Code, Subject: a.Subject, Details: by})
	}
	switch a.Action {
	case model.ActionRevokeOnBehalf:
		s, err := model.ParseSerial(a.Subject)
		if err != nil {
			return "", nil, err
		}
		reason, ok := staffReasons[a.Params["reason"]]
		if !ok {
			return "", nil, errs.New(errs.ConsoleBadInput, "reason %q", a.Params["reason"])
		}
		if _, err := h.o.Service.Revoke(ctx, &q.inst, s, reason, nil, q.actor()); err != nil {
			return "", nil, err
		}
		event("console.revoke", map[string]string{"reason": a.Params["reason"]})
		return "", nil, nil
	case model.ActionCorporateReissue:
		s, err := model.ParseSerial(a.Subject)
		if err != nil {
			return "", nil, err
		}
		kind, usage := model.Kind(a.Params["kind"]), model.Usage(a.Params["usage"])
		out, err := h.o.Desk.EnrollVerified(ctx, q.inst, center.VerifiedEnrollment{VerificationID: a.Params["verification"],
			Kind: kind, Usage: usage, Replaces: s})
		if err != nil {
			return "", nil, err
		}
		event("console.enrolled", map[string]string{"kind": string(kind), "usage": string(usage), "replaces": s.String(), "reference": out.Reference})
		b, err := json.Marshal(slipData{Kind: "enrollment", Reference: out.Reference, Code: out.AuthCode, ExpiresAt: out.ExpiresAt,
			CertKind: string(kind), Usage: string(usage)})
		return out.Reference, b, err
	case model.ActionUnlock:
		return h.unlock(ctx, q, a.Params["what"], a.Params["verification"], by)
	}
	return "", nil, errs.New(errs.ConsoleBadInput, "action %q", a.Action)
}

// approvalSlip prints the slip of the asker's approved request, once.
func (h *Handler) approvalSlip(q *req) {
	a, err := q.approval()
	if err != nil {
		q.fail(err)
		return
	}
	ctx := q.r.Context()
	sealed, err := h.o.Supervision.Store.TakeApprovalResult(ctx, a.ID, q.staff.ID, model.AuditEvent{Type: "console.slip_printed",
		Actor: q.actor(), Institution: q.inst.Code, Subject: a.ID, Details: map[string]string{"approval": a.ID, "customer": a.CustomerID}})
	if errors.Is(err, store.ErrNotFound) {
		q.fail(errs.New(errs.ConsoleNotFound, ""))
		return
	} else if err != nil {
		q.fail(err)
		return
	}
	b, err := h.o.Seal.Open("approval-result", a.ID, sealed)
	if err != nil {
		q.fail(err)
		return
	}
	var d slipData
	if err := json.Unmarshal(b, &d); err != nil {
		q.fail(err)
		return
	}
	h.renderSlip(q, a.CustomerID, d)
}

// renderSlip shows an enrollment's or a PIN reset's slip.
func (h *Handler) renderSlip(q *req, customerID string, d slipData) {
	name := ""
	if c, err := h.o.Desk.Customer(q.r.Context(), q.inst, customerID); err == nil {
		name = c.Profile.Name
	}
	if d.Kind == "pin-reset" {
		q.render(200, "pinslip", "counter.pinslip_title", pinSlipView{ResetID: d.Reference, ResetCode: d.Code, ExpiresAt: d.ExpiresAt,
			CustomerID: customerID, Name: name})
		return
	}
	q.render(200, "slip", "console.slip_title", slipView{Reference: d.Reference, AuthCode: d.Code, Kind: d.CertKind, Usage: d.Usage,
		CustomerID: customerID, Name: name, ExpiresAt: d.ExpiresAt, CenterURL: baseURL(q)})
}

type pinSlipView struct {
	ResetID, ResetCode, CustomerID, Name string
	ExpiresAt                            time.Time
}

// pendingCount is the number in the approvals menu entry.
func (q *req) pendingCount() int {
	st := q.h.o.Supervision.Store
	if st == nil || q.inst.Code == "" {
		return 0
	}
	n, err := st.CountPendingApprovals(q.r.Context(), q.inst.Code, q.h.o.Now())
	if err != nil {
		return 0
	}
	return n
}

// customerApprovals are the customer's requests of the last day, for their page.
func (q *req) customerApprovals(customerID string) []approvalRow {
	st := q.h.o.Supervision.Store
	if st == nil {
		return nil
	}
	list, err := st.CustomerApprovals(q.r.Context(), customerID, q.h.o.Now().Add(-24*time.Hour), 20)
	if err != nil {
		return nil
	}
	names := map[string]string{}
	var out []approvalRow
	for _, a := range list {
		if a.InstitutionCode == q.inst.Code {
			out = append(out, q.approvalRow(a, names))
		}
	}
	return out
}
