package console

import (
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/certcenter/certcenter/internal/audit"
	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/web"
)

// The audit log for operators and auditors: browse newest first, filter by type,
// actor, institution and date, and verify the whole chain from the page.

const auditPageSize = 200

type auditRow struct {
	Chain                             int
	Seq                               int64
	Time                              time.Time
	Type, Actor, Institution, Subject string
	Details                           string
}

type auditView struct {
	Type, Actor, Inst, From, To string
	Rows                        []auditRow
	More                        bool
	Verified                    bool
	VerifyError                 string
	Count                       int64
}

// digitRun masks long digit runs (identity or account numbers) in what the log shows,
// should any have reached it: auditors see no personal data beyond masked forms.
var digitRun = regexp.MustCompile(`[0-9]{9,}`)

func mask(s string) string {
	return digitRun.ReplaceAllStringFunc(s, func(d string) string {
		return d[:4] + strings.Repeat("*", len(d)-4)
	})
}

func (h *Handler) auditPage(q *req) {
	f := q.r.URL.Query()
	v := auditView{Type: strings.TrimSpace(f.Get("type")), Actor: strings.TrimSpace(f.Get("actor")),
		Inst: strings.TrimSpace(f.Get("inst")), From: f.Get("from"), To: f.Get("to")}
	var from, to time.Time
	var fe []web.FieldError
	if v.From != "" {
		t, err := time.ParseInLocation("2006-01-02", v.From, web.KST())
		if err != nil {
			fe = append(fe, web.FieldError{Field: "from", Message: q.l.T("console.audit_bad_date")})
		}
		from = t
	}
	if v.To != "" {
		t, err := time.ParseInLocation("2006-01-02", v.To, web.KST())
		if err != nil {
			fe = append(fe, web.FieldError{Field: "to", Message: q.l.T("console.audit_bad_date")})
		}
		to = t.Add(24 * time.Hour)
	}
	if len(fe) == 0 {
		// The newest auditPageSize matches, kept in a ring while walking the chains.
		var rows []auditRow
		err := h.o.Store.WalkAudit(q.r.Context(), func(e model.AuditEntry) error {
			ev := e.Event
			if (v.Type != "" && !strings.HasPrefix(ev.Type, v.Type)) || (v.Actor != "" && ev.Actor != v.Actor) ||
				(v.Inst != "" && ev.Institution != v.Inst) || (!from.IsZero() && e.Time.Before(from)) ||
				(!to.IsZero() && !e.Time.Before(to)) {
				return nil
			}
			keys := make([]string, 0, len(ev.Details))
			for k := range ev.Details {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			var d []string
			for _, k := range keys {
				d = append(d, k+"="+ev.Details[k])
			}
			rows = append(rows, auditRow{Chain: e.Chain, Seq: e.Seq, Time: e.Time, Type: ev.Type, Actor: ev.Actor,
				Institution: ev.Institution, Subject: mask(ev.Subject), Details: mask(strings.Join(d, " "))})
			if len(rows) > 4*auditPageSize {
				sort.SliceStable(rows, func(i, j int) bool { return rows[i].Time.After(rows[j].Time) })
				rows, v.More = rows[:auditPageSize], true
			}
			return nil
		})
		if err != nil {
			q.fail(err)
			return
		}
		sort.SliceStable(rows, func(i, j int) bool { return rows[i].Time.After(rows[j].Time) })
		if len(rows) > auditPageSize {
			rows, v.More = rows[:auditPageSize], true
		}
		v.Rows = rows
	}
	q.event("console.audit_viewed", "", nil)
	p := q.page("console.audit_title", q.view(v))
	p.Errors = fe
	status := 200
	if fe != nil {
		status = 400
	}
	q.h.tmpl.Render(q.w, status, "audit", p)
}

// auditVerify checks every chain's hashes and its stored head, as `certcenter audit
// verify` does.
func (h *Handler) auditVerify(q *req) {
	ctx := q.r.Context()
	v := audit.NewVerifier()
	var view auditView
	err := h.o.Store.WalkAudit(ctx, func(e model.AuditEntry) error { return v.Add(e) })
	if err == nil {
		var heads map[int]model.AuditHead
		if heads, err = h.o.Store.AuditHeads(ctx); err == nil {
			err = v.CheckHeads(heads)
		}
	}
	view.Count = int64(v.Count)
	if err != nil {
		view.VerifyError = err.Error()
	} else {
		view.Verified = true
	}
	q.event("console.audit_verified", "", map[string]string{"ok": boolString(err == nil), "entries": itoa(int(v.Count))})
	q.render(200, "verify", "console.verify_title", view)
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

type staffRow struct {
	ID, Name, Scope, Role string
	LastLogin             time.Time
	Locked                bool
}

type staffView struct {
	Staff []staffRow
}

// staffPage lists the staff accounts for operators (lock state, last sign-in).
func (h *Handler) staffPage(q *req) {
	list, err := h.o.Store.StaffList(q.r.Context(), "")
	if err != nil {
		q.fail(err)
		return
	}
	var v staffView
	for _, st := range list {
		r := staffRow{ID: st.ID, Name: st.Name, Scope: st.Scope, Role: st.Role, Locked: st.LockedAt != nil}
		if st.LastLoginAt != nil {
			r.LastLogin = *st.LastLoginAt
		}
		v.Staff = append(v.Staff, r)
	}
	p := q.page("console.staff_title", q.view(v))
	if n := q.s.Get("notice"); n != "" {
		p.Notice = q.l.T(n)
		q.s.Set("notice", "")
		h.o.Sessions.Save(q.r.Context(), q.s)
	}
	q.h.tmpl.Render(q.w, 200, "staff", p)
}

func (h *Handler) unlockPost(q *req) {
	id := q.r.PathValue("id")
	if err := h.o.Store.UnlockStaff(q.r.Context(), id, model.AuditEvent{Type: "console.staff_unlocked", Actor: q.actor(), Subject: id}); err != nil {
		q.fail(errs.New(errs.ConsoleNotFound, ""))
		return
	}
	q.s.Set("notice", "console.unlocked_notice")
	h.o.Sessions.Save(q.r.Context(), q.s)
	q.redirect("/console/staff")
}
