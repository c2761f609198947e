// Package console is the staff console at /console/: an institution's tellers (창구)
// and supervisors serve customers in the branch (search, the customer's certificates,
// in-person identity verification and enrollment with a printed slip, revocation,
// suspension and resumption), and the CA's operators and auditors read and verify the
// audit log.
//
// Every route declares the roles that may use it (routes below): the menus are built
// from the same table, and wrap refuses anything else with CONSOLE_FORBIDDEN, so that
// hiding a link is never the only guard. Every staff action is appended to the audit
// chain with the actor "staff:<id>". The console never logs form values.
package console

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/certcenter/certcenter/internal/center"
	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/sealer"
	"github.com/certcenter/certcenter/internal/store"
	"github.com/certcenter/certcenter/internal/web"
)

// Store is what the console reads and writes directly (sqlstore.DB).
type Store interface {
	Staff(ctx context.Context, id string) (model.Staff, error)
	StaffByName(ctx context.Context, scope, name string) (model.Staff, error)
	StaffList(ctx context.Context, scope string) ([]model.Staff, error)
	RecordStaffLogin(ctx context.Context, id string, ok bool, max int, now time.Time, ev model.AuditEvent) (int, bool, error)
	UnlockStaff(ctx context.Context, id string, ev model.AuditEvent) error
	UseTOTPStep(ctx context.Context, id string, step int64) (bool, error)
	RotateAPIKey(ctx context.Context, code string, newHash []byte, overlap time.Duration, ev model.AuditEvent) error
	EndAPIKeyOverlap(ctx context.Context, code string, ev model.AuditEvent) error
	APIKeyOverlap(ctx context.Context, code string) (time.Time, error)
	CertificatesByCommonName(ctx context.Context, institution, cn string, limit int) ([]model.Certificate, error)
	Certificate(ctx context.Context, serial model.Serial) (model.Certificate, error)
	EnrollmentCustomer(ctx context.Context, ref string) (string, error)
	AppendAudit(ctx context.Context, ev model.AuditEvent) error
	WalkAudit(ctx context.Context, fn func(model.AuditEntry) error) error
	AuditHeads(ctx context.Context) (map[int]model.AuditHead, error)
}

// Desk is what the teller's pages need from the certificate desk (center.Desk).
type Desk interface {
	Customer(ctx context.Context, inst model.Institution, id string) (*center.CustomerRecord, error)
	FindCustomers(ctx context.Context, inst model.Institution, q center.SearchQuery, after string, limit int) (center.SearchPage, error)
	StartVerification(ctx context.Context, inst model.Institution, customerID, method string, ev center.Evidence) (center.VerificationView, error)
	EnrollVerified(ctx context.Context, inst model.Institution, req center.VerifiedEnrollment) (*center.Enrolled, error)
	CustomerCertificates(ctx context.Context, inst model.Institution, customerID string) ([]model.Certificate, error)
	CustomerCertificatesPage(ctx context.Context, inst model.Institution, customerID, after string, limit int) (center.CertificatesPage, error)
	CertificateOf(ctx context.Context, inst model.Institution, customerID string, serial model.Serial) (model.Certificate, error)
}

// Service is what the teller's pages need from the center's core (center.Service).
type Service interface {
	Revoke(ctx context.Context, inst *model.Institution, serial model.Serial, reason model.RevocationReason, invalidity *time.Time, actor string) (model.Certificate, error)
	Suspend(ctx context.Context, inst *model.Institution, serial model.Serial, actor string) (model.Certificate, error)
	Resume(ctx context.Context, inst *model.Institution, serial model.Serial, actor string) (model.Certificate, error)
}

// Directory finds institutions.
type Directory interface {
	Institution(ctx context.Context, code string) (model.Institution, error)
	Institutions(ctx context.Context) ([]model.Institution, error)
}

// Options configure the console.
type Options struct {
	Store     Store
	Desk      Desk
	Service   Service
	Directory Directory
	Ops       OpsOptions    // the operator's institutions and operations pages (operator.go)
	Sessions  *web.Sessions // of kind "console"
	Seal      *sealer.Sealer
	Demo      bool
	BaseURL   string // the server's public URL, for the slip
	Log       *slog.Logger
	Now       func() time.Time
	// SignIn limits wrong sign-ins (names, passwords, codes) per client address over
	// all accounts (ratelimit.Guesses' per-client rule; nil: none): the lockout after
	// MaxFailures stops guessing at one account, this stops one address trying many
	// (password spraying).
	SignIn Guesses
	// Client is the request's client address for SignIn (httpapi.ClientAddr).
	Client func(*http.Request) string
	// Supervision: approvals, the counter's unlocks and registrations, reports
	// (approvals.go, counter.go, reports.go).
	Supervision Supervision
}

// Handler serves the console.
type Handler struct {
	o    Options
	tmpl *web.Templates
}

// New parses the templates and returns the handler.
func New(o Options) (*Handler, error) {
	t, err := web.LoadTemplates("console", o.Log)
	if err != nil {
		return nil, err
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Handler{o: o, tmpl: t}, nil
}

// Guesses limits wrong guesses (ratelimit.Guesses).
type Guesses interface {
	Check(ctx context.Context, client, target string) error
	Fail(ctx context.Context, client, target string)
}

// Mounter is where routes go (httpapi.Server's Pages, or a ServeMux).
type Mounter interface {
	Handle(pattern string, h http.HandlerFunc)
}

// Roles of a route: who may use it. public routes need no sign-in.
var (
	public   []string
	anyStaff = []string{model.RoleTeller, model.RoleSupervisor, model.RoleOperator, model.RoleAuditor}
	desk     = []string{model.RoleTeller, model.RoleSupervisor}
	auditors = []string{model.RoleOperator, model.RoleAuditor}
	ops      = []string{model.RoleOperator}
	sups     = []string{model.RoleSupervisor}
	reports  = []string{model.RoleSupervisor, model.RoleAuditor}
)

// Route is one console route: its pattern and the roles that may use it (nil: no
// sign-in needed). Menu is the catalogue key of its menu entry, if it has one.
type Route struct {
	Pattern string
	Roles   []string
	Menu    string
	fn      func(*req)
}

// Routes lists every console route with its roles (the authorization table, tested
// route by route and role by role).
func (h *Handler) Routes() []Route {
	return []Route{
		{"GET /console/login", public, "", h.loginForm},
		{"POST /console/login", public, "", h.loginPost},
		{"GET /console/login/totp", public, "", h.totpForm},
		{"POST /console/login/totp", public, "", h.totpPost},
		{"GET /console/{$}", anyStaff, "", h.home},
		{"POST /console/logout", anyStaff, "", h.logout},
		{"POST /console/session/extend", anyStaff, "", h.extend},

		{"GET /console/customers", desk, "console.menu_customers", h.search},
		{"GET /console/customers/{id}", desk, "", h.customer},
		{"POST /console/customers/{id}/verify", desk, "", h.verifyPost},
		{"POST /console/customers/{id}/enroll", desk, "", h.enrollPost},
		{"GET /console/slip", desk, "", h.slip},
		{"POST /console/certificates/{serial}/revoke", desk, "", h.revokePost},
		{"POST /console/certificates/{serial}/suspend", desk, "", h.suspendPost},
		{"POST /console/certificates/{serial}/resume", desk, "", h.resumePost},

		{"GET /console/audit", auditors, "console.menu_audit", h.auditPage},
		{"GET /console/audit/verify", auditors, "", h.auditVerify},
		{"GET /console/institutions", ops, "console.menu_institutions", h.institutionsPage},
		{"POST /console/institutions/{code}/rotate", ops, "", h.rotatePost},
		{"POST /console/institutions/{code}/end-overlap", ops, "", h.endOverlapPost},
		{"GET /console/staff", ops, "console.menu_staff", h.staffPage},
		{"POST /console/staff/{id}/unlock", ops, "", h.unlockPost},

		{"GET /console/approvals", sups, approvalsMenu, h.approvalsPage},
		{"POST /console/approvals/{id}/approve", sups, "", h.approvePost},
		{"POST /console/approvals/{id}/reject", sups, "", h.rejectPost},
		{"GET /console/approvals/{id}/slip", desk, "", h.approvalSlip},
		{"POST /console/customers/{id}/unlock", desk, "", h.customerUnlockPost},
		{"POST /console/customers/{id}/registrations", desk, "", h.registerPost},
		{"POST /console/customers/{id}/registrations/{reg}/delete", desk, "", h.deregisterPost},
		{"GET /console/reports", reports, "report.menu", h.reportsPage},
		{"GET /console/reports/csv", reports, "", h.reportsCSV},

		// The CA operator's institutions and operations (operator.go).
		{"GET /console/institutions/new", ops, "", h.newInstitutionForm},
		{"POST /console/institutions", ops, "", h.createInstitutionPost},
		{"POST /console/institutions/{code}/revoke-key", ops, "", h.revokeKeyPost},
		{"GET /console/operations", ops, "console.menu_operations", h.operationsPage},
	}
}

// Mount adds the console's routes under /console/ (more specific than the web
// centers' /{inst}/, and "console" is not an institution code anyway).
func (h *Handler) Mount(m Mounter) {
	for _, rt := range h.Routes() {
		m.Handle(rt.Pattern, h.wrap(rt))
	}
}

// req is one request to a console page.
type req struct {
	w     http.ResponseWriter
	r     *http.Request
	l     *web.Localizer
	s     *web.Session
	h     *Handler
	staff *model.Staff
	inst  model.Institution // the staff member's institution (tellers, supervisors)
}

func (q *req) actor() string { return "staff:" + q.staff.ID }

// wrap resolves language, session and staff member; refuses a state-changing request
// without a live session or CSRF token, a signed-in route without a signed-in staff
// member, and a route outside the member's role.
func (h *Handler) wrap(rt Route) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q := &req{w: w, r: r, h: h, l: web.NewLocalizer(web.RequestLang(w, r))}
		var err error
		if q.s, err = h.o.Sessions.Load(r); err != nil {
			q.fail(err)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
			if q.s == nil {
				q.fail(errs.New(errs.SessionExpired, ""))
				return
			}
			if !web.CheckCSRF(r, q.s) {
				q.fail(errs.New(errs.CSRFInvalid, ""))
				return
			}
		}
		if q.s != nil {
			if err := h.o.Sessions.Save(r.Context(), q.s); err != nil {
				q.s = nil
			}
		}
		if rt.Roles != nil {
			if q.s == nil || q.s.Get("staff") == "" {
				if r.Method == http.MethodGet {
					q.redirect("/console/login")
					return
				}
				q.fail(errs.New(errs.ConsoleSignIn, ""))
				return
			}
			st, err := h.o.Store.Staff(r.Context(), q.s.Get("staff"))
			if err != nil || st.LockedAt != nil {
				// Gone or locked since sign-in: the session ends here.
				h.o.Sessions.End(w, r, q.s)
				q.s = nil
				q.fail(errs.New(errs.ConsoleSignIn, ""))
				return
			}
			q.staff = &st
			if !allowed(rt.Roles, st.Role) {
				h.audit(r.Context(), model.AuditEvent{Type: "console.refused", Actor: q.actor(), Subject: rt.Pattern,
					Details: map[string]string{"role": st.Role}})
				q.fail(errs.New(errs.ConsoleForbidden, "%s may not %s", st.Role, rt.Pattern))
				return
			}
			if st.Scope != model.StaffScopeCA {
				if q.inst, err = h.o.Directory.Institution(r.Context(), st.Scope); err != nil {
					q.fail(err)
					return
				}
			}
		}
		rt.fn(q)
	}
}

func allowed(roles []string, role string) bool {
	for _, r := range roles {
		if r == role {
			return true
		}
	}
	return false
}

// audit appends a console event; a failure is logged (the action already happened or
// was refused).
func (h *Handler) audit(ctx context.Context, ev model.AuditEvent) {
	if err := h.o.Store.AppendAudit(ctx, ev); err != nil {
		h.o.Log.Error("console audit", "type", ev.Type, "err", err)
	}
}

// event is an audit event of the signed-in staff member.
func (q *req) event(typ, subject string, details map[string]string) {
	ev := model.AuditEvent{Type: typ, Actor: q.actor(), Institution: q.inst.Code, Subject: subject, Details: details}
	q.h.audit(q.r.Context(), ev)
}

// menuItem is one entry of the console's menu.
type menuItem struct {
	Key, Href string
	Current   bool
	Count     int // pending approvals, for the approvals entry
}

// page builds the common page data, with the menu of the member's role.
func (q *req) page(title string, data any) *web.Page {
	p := &web.Page{L: q.l, Title: title, Area: "console", Home: "/console/", Path: q.r.URL.RequestURI(),
		Brand: q.l.T("console.brand"), Demo: q.h.o.Demo, Data: data, Scripts: []string{"js/session.js"}}
	if q.s != nil {
		p.CSRF = q.s.CSRF
		if q.staff != nil {
			p.ExpiresAt = q.s.ExpiresAt
		}
	}
	return p
}

// view wraps a page's data with the signed-in member and the menu.
type view struct {
	Staff *model.Staff
	Inst  model.Institution
	Menu  []menuItem
	D     any
}

func (q *req) view(d any) view {
	v := view{Staff: q.staff, Inst: q.inst, D: d}
	if q.staff != nil {
		for _, rt := range q.h.Routes() {
			if rt.Menu != "" && allowed(rt.Roles, q.staff.Role) {
				href := strings.TrimPrefix(rt.Pattern, "GET ")
				item := menuItem{Key: rt.Menu, Href: href, Current: strings.HasPrefix(q.r.URL.Path, href)}
				if rt.Menu == approvalsMenu {
					item.Count = q.pendingCount()
				}
				v.Menu = append(v.Menu, item)
			}
		}
	}
	return v
}

func (q *req) render(status int, name, title string, d any) {
	q.h.tmpl.Render(q.w, status, name, q.page(title, q.view(d)))
}

func (q *req) redirect(path string) { http.Redirect(q.w, q.r, path, http.StatusSeeOther) }

// fail answers err with a page that says what happened and what to do next. Internal
// errors are logged with a reference and shown without detail.
func (q *req) fail(err error) {
	if errors.Is(err, store.ErrNotFound) && errs.CodeOf(err) == errs.Internal {
		err = errs.New(errs.ConsoleNotFound, "")
	}
	code := errs.CodeOf(err)
	text := q.l.Err(err)
	var ref string
	if code == errs.Internal {
		ref = newID("")
		q.h.o.Log.Error("console", "ref", ref, "path", q.r.URL.Path, "err", err)
	}
	p := q.page("error.title", q.view(errorView{Code: string(code), Message: text.Message, Hint: text.Hint, Ref: ref}))
	if code == errs.SessionExpired || code == errs.ConsoleSignIn {
		p.ExpiresAt = time.Time{}
	}
	q.h.tmpl.Render(q.w, errs.Status(err), "error", p)
}

type errorView struct{ Code, Message, Hint, Ref string }
