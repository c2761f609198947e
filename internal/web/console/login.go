package console

import (
	"errors"
	"net/http"
	"strings"

	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store"
	"github.com/certcenter/certcenter/internal/web"
)

// MaxFailures wrong passwords or codes in a row lock an account.
const MaxFailures = 5

type loginView struct {
	Scope, Name string
}

func (h *Handler) loginForm(q *req) {
	if q.s != nil && q.s.Get("staff") != "" {
		q.redirect("/console/")
		return
	}
	q.session()
	q.render(200, "login", "console.login_title", loginView{})
}

// session returns the live session or starts one (the sign-in form needs a CSRF token).
func (q *req) session() *web.Session {
	if q.s == nil {
		s, err := q.h.o.Sessions.Start(q.w, q.r)
		if err != nil {
			q.h.o.Log.Error("start console session", "err", err)
			return nil
		}
		q.s = s
	}
	return q.s
}

// loginPost checks the password. An unknown name and a wrong password are the same
// refusal in the same time; a wrong password counts towards the lockout. A role with a
// second factor goes on to the code; the others are signed in.
func (h *Handler) loginPost(q *req) {
	ctx := q.r.Context()
	scope := strings.ToLower(strings.TrimSpace(q.r.PostFormValue("scope")))
	name := strings.TrimSpace(q.r.PostFormValue("name"))
	pw := q.r.PostFormValue("password")
	again := func(err error) {
		p := q.page("console.login_title", q.view(loginView{Scope: scope, Name: name}))
		p.Errors = []web.FieldError{{Field: "password", Message: q.l.Err(err).Message + " " + q.l.Err(err).Hint}}
		q.h.tmpl.Render(q.w, errs.Status(err), "login", p)
	}
	if scope == "" || name == "" || pw == "" || len(scope) > 8 || len(name) > 64 || len(pw) > 256 {
		again(errs.New(errs.ConsoleLoginFailed, ""))
		return
	}
	client := h.client(q.r)
	if err := h.checkSignIn(q, client); err != nil {
		again(err)
		return
	}
	st, err := h.o.Store.StaffByName(ctx, scope, name)
	if errors.Is(err, store.ErrNotFound) {
		CheckPassword(dummyHash, pw)
		h.failSignIn(q, client)
		again(errs.New(errs.ConsoleLoginFailed, ""))
		return
	}
	if err != nil {
		q.fail(err)
		return
	}
	if st.LockedAt != nil {
		again(errs.New(errs.ConsoleLocked, ""))
		return
	}
	if !CheckPassword(st.PasswordHash, pw) {
		h.failSignIn(q, client)
		_, locked, err := h.o.Store.RecordStaffLogin(ctx, st.ID, false, MaxFailures, h.o.Now(),
			model.AuditEvent{Type: "console.login_failed", Actor: "staff:" + st.ID, Institution: instOf(st), Subject: st.ID,
				Details: map[string]string{"factor": "password"}})
		if err != nil {
			q.fail(err)
			return
		}
		if locked {
			again(errs.New(errs.ConsoleLocked, ""))
			return
		}
		again(errs.New(errs.ConsoleLoginFailed, ""))
		return
	}
	// A fresh session at each sign-in step (no fixation of a token set before).
	if q.s != nil {
		h.o.Sessions.End(q.w, q.r, q.s)
		q.s = nil
	}
	s := q.session()
	if s == nil {
		q.fail(errs.New(errs.Internal, "no session"))
		return
	}
	if NeedsTOTP(st.Role) {
		s.Set("pending", st.ID)
		if err := h.o.Sessions.Save(ctx, s); err != nil {
			q.fail(err)
			return
		}
		q.redirect("/console/login/totp")
		return
	}
	h.signIn(q, st)
}

// signIn records the good login and binds the session to the member.
func (h *Handler) signIn(q *req, st model.Staff) {
	ctx := q.r.Context()
	_, locked, err := h.o.Store.RecordStaffLogin(ctx, st.ID, true, MaxFailures, h.o.Now(),
		model.AuditEvent{Type: "console.login", Actor: "staff:" + st.ID, Institution: instOf(st), Subject: st.ID,
			Details: map[string]string{"role": st.Role}})
	if err != nil {
		q.fail(err)
		return
	}
	if locked {
		q.fail(errs.New(errs.ConsoleLocked, ""))
		return
	}
	q.s.Set("pending", "")
	q.s.Set("staff", st.ID)
	if err := h.o.Sessions.Save(ctx, q.s); err != nil {
		q.fail(err)
		return
	}
	q.redirect("/console/")
}

func instOf(st model.Staff) string {
	if st.Scope == model.StaffScopeCA {
		return ""
	}
	return st.Scope
}

// pending is the member who gave the right password and owes the code.
func (q *req) pending() (model.Staff, bool) {
	if q.s == nil || q.s.Get("pending") == "" {
		return model.Staff{}, false
	}
	st, err := q.h.o.Store.Staff(q.r.Context(), q.s.Get("pending"))
	if err != nil {
		return model.Staff{}, false
	}
	return st, true
}

func (h *Handler) totpForm(q *req) {
	if _, ok := q.pending(); !ok {
		q.redirect("/console/login")
		return
	}
	q.render(200, "totp", "console.totp_title", nil)
}

func (h *Handler) totpPost(q *req) {
	st, ok := q.pending()
	if !ok {
		q.fail(errs.New(errs.ConsoleSignIn, ""))
		return
	}
	again := func(err error) {
		p := q.page("console.totp_title", q.view(nil))
		p.Errors = []web.FieldError{{Field: "code", Message: q.l.Err(err).Message + " " + q.l.Err(err).Hint}}
		q.h.tmpl.Render(q.w, errs.Status(err), "totp", p)
	}
	if st.LockedAt != nil {
		q.s.Set("pending", "")
		h.o.Sessions.Save(q.r.Context(), q.s)
		again(errs.New(errs.ConsoleLocked, ""))
		return
	}
	client := h.client(q.r)
	if err := h.checkSignIn(q, client); err != nil {
		again(err)
		return
	}
	secret, err := h.o.Seal.Open("staff-totp", totpBinding(st.ID), st.TOTPCipher)
	if err != nil || len(st.TOTPCipher) == 0 {
		q.fail(errs.Wrap(errs.Internal, errors.New("staff TOTP secret does not open"), "staff %s", st.ID))
		return
	}
	step, ok := MatchTOTP(secret, q.r.PostFormValue("code"), h.o.Now())
	if ok {
		// A code is good once (RFC 6238 section 5.2): a code seen over a shoulder or
		// replayed from a proxy log is a wrong code.
		fresh, err := h.o.Store.UseTOTPStep(q.r.Context(), st.ID, step)
		if err != nil {
			q.fail(err)
			return
		}
		ok = fresh
	}
	if !ok {
		h.failSignIn(q, client)
		_, locked, err := h.o.Store.RecordStaffLogin(q.r.Context(), st.ID, false, MaxFailures, h.o.Now(),
			model.AuditEvent{Type: "console.login_failed", Actor: "staff:" + st.ID, Institution: instOf(st), Subject: st.ID,
				Details: map[string]string{"factor": "totp"}})
		if err != nil {
			q.fail(err)
			return
		}
		if locked {
			q.s.Set("pending", "")
			h.o.Sessions.Save(q.r.Context(), q.s)
			again(errs.New(errs.ConsoleLocked, ""))
			return
		}
		again(errs.New(errs.ConsoleTOTPInvalid, ""))
		return
	}
	h.signIn(q, st)
}

func (h *Handler) logout(q *req) {
	q.event("console.logout", q.staff.ID, nil)
	h.o.Sessions.End(q.w, q.r, q.s)
	q.redirect("/console/login")
}

// extend answers the countdown's button: wrap already recorded the activity.
func (h *Handler) extend(q *req) {
	web.WriteJSON(q.w, http.StatusOK, map[string]any{"expiresAt": q.s.ExpiresAt.UnixMilli()})
}

func (h *Handler) home(q *req) {
	q.render(200, "home", "console.home_title", nil)
}

// client is the request's address for the sign-in limits ("" without a resolver).
func (h *Handler) client(r *http.Request) string {
	if h.o.Client == nil {
		return ""
	}
	return h.o.Client(r)
}

// checkSignIn refuses (RATE_LIMITED, 429 with Retry-After) an address that has missed
// too often, over all accounts, before any password or code is checked. One account is
// guarded by its lockout after MaxFailures, which an operator lifts; a limit per
// account as well would keep its owner waiting after the unlock.
func (h *Handler) checkSignIn(q *req, client string) error {
	if h.o.SignIn == nil {
		return nil
	}
	err := h.o.SignIn.Check(q.r.Context(), client, "")
	var e *errs.Error
	if errors.As(err, &e) && e.Params["wait"] != "" {
		q.w.Header().Set("Retry-After", e.Params["wait"])
	}
	return err
}

// failSignIn counts a wrong name, password or code from client.
func (h *Handler) failSignIn(q *req, client string) {
	if h.o.SignIn != nil {
		h.o.SignIn.Fail(q.r.Context(), client, "")
	}
}
