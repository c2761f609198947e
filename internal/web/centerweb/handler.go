// Package centerweb is each institution's web certificate center (인증센터) at /{code}/:
// the pages a bank customer uses on a PC or a phone to verify their identity, issue and
// reissue, renew, revoke, suspend and resume, register other institutions'
// certificates, change a key-file password, manage and copy certificates, with no
// plug-in. Keys are made and kept by the browser (ui/static/js and the npki
// WebAssembly module); the server sees CSRs, signatures and certificates only.
//
// Handlers are thin: they parse a form or a JSON body, call internal/center (the same
// desk the institution API uses), and render a page or redirect (POST-redirect-GET).
// Every rule the scripts apply is applied again here or in center. centerweb never logs
// form values.
package centerweb

import (
	"context"
	"crypto"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"time"

	"github.com/certcenter/certcenter/internal/ca"
	"github.com/certcenter/certcenter/internal/center"
	"github.com/certcenter/certcenter/internal/cloudcert"
	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/web"
)

// Desk is what the pages need from the certificate desk (center.Desk).
type Desk interface {
	FindCustomer(ctx context.Context, inst model.Institution, name, idn string) (*center.CustomerRecord, error)
	Customer(ctx context.Context, inst model.Institution, id string) (*center.CustomerRecord, error)
	StartVerification(ctx context.Context, inst model.Institution, customerID, method string, ev center.Evidence) (center.VerificationView, error)
	ConfirmVerification(ctx context.Context, inst model.Institution, id string, ev center.Evidence) (center.VerificationView, error)
	Verification(ctx context.Context, inst model.Institution, id string) (center.VerificationView, error)
	EnrollVerified(ctx context.Context, inst model.Institution, req center.VerifiedEnrollment) (*center.Enrolled, error)
	CustomerCertificates(ctx context.Context, inst model.Institution, customerID string) ([]model.Certificate, error)
	CertificateOf(ctx context.Context, inst model.Institution, customerID string, serial model.Serial) (model.Certificate, error)
	NotifyResult(ctx context.Context, inst model.Institution, customerID, event string, serial model.Serial) error
	RenewSigned(ctx context.Context, inst *model.Institution, serial model.Serial, csrDER []byte, pub crypto.PublicKey, sig, r []byte) (*ca.Issued, error)
	RevokeSigned(ctx context.Context, serial model.Serial, reason model.RevocationReason, invalidity *time.Time, sig []byte) (model.Certificate, error)
	SuspendSigned(ctx context.Context, serial model.Serial, sig []byte) (model.Certificate, error)
	RegistrationChallenge(ctx context.Context, inst model.Institution, customerID string) (center.VerificationView, error)
	Register(ctx context.Context, inst model.Institution, req center.RegisterRequest) (center.RegistrationView, error)
	Registrations(ctx context.Context, inst model.Institution, customerID string) ([]center.RegistrationView, error)
	Deregister(ctx context.Context, inst model.Institution, id string) error
}

// FinCertResets is what the pages need from the financial certificate: the PIN reset,
// and the sign request through which a financial certificate signs a registration
// challenge (타기관 인증서 등록).
type FinCertResets interface {
	StartPINReset(ctx context.Context, inst model.Institution, verificationID string) (*cloudcert.PINReset, error)
	CreateSignRequest(ctx context.Context, inst model.Institution, r cloudcert.SignRequest) (*cloudcert.Created, error)
}

// Service is what the pages need from the certificate center's core (center.Service).
type Service interface {
	IssueWithCodeOptions(ctx context.Context, ref, code string, pub crypto.PublicKey, r []byte, o center.IssueOptions) (*ca.Issued, error)
	Suspend(ctx context.Context, inst *model.Institution, serial model.Serial, actor string) (model.Certificate, error)
	Resume(ctx context.Context, inst *model.Institution, serial model.Serial, actor string) (model.Certificate, error)
}

// Directory finds institutions and certificates.
type Directory interface {
	Institution(ctx context.Context, code string) (model.Institution, error)
	Institutions(ctx context.Context) ([]model.Institution, error)
	Certificate(ctx context.Context, serial model.Serial) (model.Certificate, error)
	Outbox(ctx context.Context, institution string, limit int) ([]model.OutboxMessage, error)
}

// Options configure the web center.
type Options struct {
	Desk      Desk
	Service   Service
	Directory Directory
	Sessions  *web.Sessions
	Fees      center.Fees
	Demo      bool // the index of institutions and the demo outbox
	// FinCert starts financial certificate PIN resets (cloudcert.Service); nil: no
	// financial certificate here.
	FinCert FinCertResets
	// DemoRelyingParty is the demo relying party's URL, linked after a financial
	// certificate enrollment (demo mode).
	DemoRelyingParty string
	// Slip redeems the slip of an enrollment made at the branch (slip.go).
	Slip SlipOptions
	Log  *slog.Logger
	Now  func() time.Time
}

// Handler serves the certificate centers.
type Handler struct {
	o    Options
	tmpl *web.Templates
}

// New parses the templates and returns the handler.
func New(o Options) (*Handler, error) {
	t, err := web.LoadTemplates("center", o.Log)
	if err != nil {
		return nil, err
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Handler{o: o, tmpl: t}, nil
}

// Mounter is where routes go (httpapi.Server's Handle, or a ServeMux).
type Mounter interface {
	Handle(pattern string, h http.HandlerFunc)
}

// Mount adds the routes: the centers live under /{code}/, behind one pattern so that
// they never overlap the API's and the PKI files' routes; a first segment that is not
// an institution code goes to notFound (the API's problem document).
func (h *Handler) Mount(m Mounter, notFound http.HandlerFunc) {
	m.Handle("GET /assets/{hash}/{name...}", web.ServeAsset)
	if h.o.Demo {
		m.Handle("GET /{$}", h.index)
		m.Handle("GET /demo/outbox", h.outbox)
	}
	inner := http.NewServeMux()
	h.routes(inner)
	m.Handle("/{inst}/", func(w http.ResponseWriter, r *http.Request) {
		if !instCode.MatchString(r.PathValue("inst")) {
			notFound(w, r)
			return
		}
		inner.ServeHTTP(w, r)
	})
}

func (h *Handler) routes(m *http.ServeMux) {
	page := func(pattern string, fn func(*req)) { m.Handle(pattern, h.wrap(fn, false)) }
	api := func(pattern string, fn func(*req)) { m.Handle(pattern, h.wrap(fn, true)) }
	page("GET /{inst}/{$}", h.home)
	page("GET /{inst}/theme.css", h.theme)
	page("GET /{inst}/manifest.webmanifest", h.manifest)
	page("POST /{inst}/session/extend", h.extend)
	page("POST /{inst}/logout", h.logout)

	page("GET /{inst}/issue", h.issueTerms)
	page("POST /{inst}/issue", h.issueTermsPost)
	page("GET /{inst}/verify", h.verifyForm)
	page("POST /{inst}/verify", h.verifyPost)
	page("GET /{inst}/verify/confirm", h.confirmForm)
	page("POST /{inst}/verify/confirm", h.confirmPost)
	page("GET /{inst}/issue/kind", h.kindForm)
	page("POST /{inst}/issue/kind", h.kindPost)
	page("GET /{inst}/issue/key", h.keyPage)
	api("POST /{inst}/api/issue", h.apiIssue)
	page("GET /{inst}/issue/done", h.issueDone)
	page("GET /{inst}/issue/slip", h.slipForm) // the slip of an in-person enrollment (slip.go)
	page("POST /{inst}/issue/slip", h.slipPost)

	page("GET /{inst}/manage", h.managePage)
	page("GET /{inst}/password", h.passwordPage)
	page("GET /{inst}/renew", h.renewPage)
	api("POST /{inst}/api/renew", h.apiRenew)
	page("GET /{inst}/revoke", h.revokePage)
	api("POST /{inst}/api/revoke", h.apiRevoke)
	page("GET /{inst}/suspend", h.suspendPage)
	api("POST /{inst}/api/suspend", h.apiSuspend)
	page("GET /{inst}/resume", h.resumeStart)
	page("GET /{inst}/resume/choose", h.resumeForm)
	page("POST /{inst}/resume/choose", h.resumePost)
	page("GET /{inst}/register", h.registerStart)
	page("GET /{inst}/register/list", h.registerPage)
	api("POST /{inst}/api/register/challenge", h.apiRegisterChallenge)
	api("POST /{inst}/api/register", h.apiRegister)
	api("POST /{inst}/api/register/fincert", h.apiRegisterFinCert)
	page("POST /{inst}/register/delete", h.deregisterPost)
	page("GET /{inst}/copy", h.copyPage)
	page("GET /{inst}/fincert", h.fincertStart)
	page("GET /{inst}/fincert/enroll", h.fincertEnroll)
	page("GET /{inst}/fincert/pin", h.pinResetStart)
	page("GET /{inst}/fincert/pin/new", h.pinResetPage)
	api("GET /{inst}/api/status", h.apiStatus)
}

// req is one request to a center page.
type req struct {
	w    http.ResponseWriter
	r    *http.Request
	inst model.Institution
	l    *web.Localizer
	s    *web.Session // nil when the browser has no live session
	h    *Handler
	api  bool
}

var instCode = regexp.MustCompile(`^[0-9]{3}$`)

// wrap resolves the institution, the language and the session; refuses a
// state-changing request without a live session (SESSION_EXPIRED) or without its CSRF
// token (CSRF_INVALID); and records the request as session activity.
func (h *Handler) wrap(fn func(*req), api bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q := &req{w: w, r: r, h: h, api: api, l: web.NewLocalizer(web.RequestLang(w, r))}
		code := r.PathValue("inst")
		if !instCode.MatchString(code) {
			q.fail(errs.New(errs.WebNoInstitution, "%q", code))
			return
		}
		inst, err := h.o.Directory.Institution(r.Context(), code)
		if err != nil {
			q.fail(errs.New(errs.WebNoInstitution, "%q", code))
			return
		}
		q.inst = inst
		if q.s, err = h.o.Sessions.Load(r); err != nil {
			q.fail(err)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			r.Body = http.MaxBytesReader(w, r.Body, 256<<10)
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
		fn(q)
	}
}

// session returns the live session or starts one.
func (q *req) session() *web.Session {
	if q.s == nil {
		s, err := q.h.o.Sessions.Start(q.w, q.r)
		if err != nil {
			q.h.o.Log.Error("start web session", "err", err)
			return nil
		}
		q.s = s
	}
	return q.s
}

// save writes the session's changed values.
func (q *req) save() error {
	if q.s == nil {
		return errs.New(errs.SessionExpired, "")
	}
	return q.h.o.Sessions.Save(q.r.Context(), q.s)
}

func (q *req) base() string { return "/" + q.inst.Code + "/" }

// page builds the common page data.
func (q *req) page(title string, data any, scripts ...string) *web.Page {
	p := &web.Page{L: q.l, Title: title, Area: "center", Home: q.base(), Path: q.r.URL.RequestURI(),
		Brand: q.l.F("center.brand", "name", q.inst.Name), ThemeCSS: q.base() + "theme.css",
		Manifest: q.base() + "manifest.webmanifest", Demo: q.h.o.Demo, Data: data,
		Scripts: append([]string{"js/session.js"}, scripts...)}
	if q.s != nil {
		p.CSRF, p.ExpiresAt = q.s.CSRF, q.s.ExpiresAt
	}
	return p
}

func (q *req) render(status int, name string, p *web.Page) { q.h.tmpl.Render(q.w, status, name, p) }

func (q *req) redirect(path string) {
	http.Redirect(q.w, q.r, path, http.StatusSeeOther)
}

// fail answers err: a problem document for scripts, else a page that says what
// happened and what to do next. Internal errors are logged with a reference and
// shown without detail.
func (q *req) fail(err error) {
	code := errs.CodeOf(err)
	status := errs.Status(err)
	text := q.l.Err(err)
	var ref string
	if code == errs.Internal {
		ref = newRef()
		q.h.o.Log.Error("web center", "ref", ref, "path", q.r.URL.Path, "err", err)
	}
	if q.api {
		web.WriteProblem(q.w, status, string(code), text.Message, text.Hint, ref, q.l.Lang)
		return
	}
	p := &web.Page{L: q.l, Title: "error.title", Area: "center", Home: "/", Path: q.r.URL.RequestURI(), Brand: "certcenter",
		Demo: q.h.o.Demo, Data: errorView{Code: string(code), Message: text.Message, Hint: text.Hint, Ref: ref}}
	if q.inst.Code != "" {
		p.Home, p.Brand, p.ThemeCSS = q.base(), q.l.F("center.brand", "name", q.inst.Name), q.base()+"theme.css"
		p.Scripts = []string{"js/session.js"}
		if q.s != nil {
			p.CSRF, p.ExpiresAt = q.s.CSRF, q.s.ExpiresAt
		}
	}
	if code == errs.SessionExpired {
		p.ExpiresAt = time.Time{}
	}
	q.render(status, "error", p)
}

type errorView struct{ Code, Message, Hint, Ref string }

func newRef() string {
	var b [6]byte
	randRead(b[:])
	return url.PathEscape(hexString(b[:]))
}

// isCode reports whether err carries code.
func isCode(err error, code errs.Code) bool { return errors.Is(err, &errs.Error{Code: code}) }

// readJSON decodes a script's body into v, answering the refusal itself.
func (q *req) readJSON(v any) bool {
	if err := web.ReadJSON(q.r, v); err != nil {
		q.fail(err)
		return false
	}
	return true
}

// notify tells the customer what was done (center.Desk.NotifyResult); a failed send is
// logged, the change itself stands.
func (q *req) notify(customerID, event string, serial model.Serial) {
	if err := q.h.o.Desk.NotifyResult(q.r.Context(), q.inst, customerID, event, serial); err != nil {
		q.h.o.Log.Warn("web center: result notice", "event", event, "err", err)
	}
}
