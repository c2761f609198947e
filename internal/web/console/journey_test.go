package console_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/certcenter/certcenter/internal/apptest"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/web/webtest"
)

// browserLogin signs a in through the pages (with the authenticator code when the
// role needs one).
func browserLogin(t *testing.T, b *webtest.Browser, srv *apptest.Server, a account, lang string) {
	t.Helper()
	b.Go(srv.URL + "/console/login?lang=" + lang)
	b.Shot("login")
	b.Type("#scope", a.Scope)
	b.Type("#name", a.Name)
	b.Type("#password", a.Password)
	b.Click("#login")
	if a.Secret != nil {
		b.WaitPath("/console/login/totp", 10*time.Second)
		b.Shot("totp")
		b.Type("#code", totpNow(srv, a))
		b.Click("#totp-next")
	}
	b.WaitPath("/console/", 10*time.Second)
}

// TestTellerJourney: in chromium, a teller signs in, finds the customer by name and
// birth date, checks the ID card (a wrong resident number is refused), enrolls and
// prints the slip; the slip's code issues a certificate through the JSON API; the
// teller finds the customer again by the certificate's serial, sees it valid,
// suspends and resumes it, and revokes it with a reason, which the page and the
// server show. Korean on a desktop, English on a phone.
func TestTellerJourney(t *testing.T) {
	for _, tc := range []struct {
		lang string
		vp   webtest.Viewport
		want map[string]string
	}{
		{"ko", webtest.Desktop, map[string]string{"valid": "정상", "suspended": "효력정지", "revoked": "폐기됨", "reason": "키 유출", "found": "1명"}},
		{"en", webtest.Phone, map[string]string{"valid": "Valid", "suspended": "Suspended", "revoked": "Revoked", "reason": "Key compromised", "found": "Customers found: 1"}},
	} {
		t.Run(tc.lang+"-"+tc.vp.Name, func(t *testing.T) {
			srv := startOn(t, "sqlite", noApprovals) // the teller revokes alone ([console] approvals = [])
			teller := addStaff(t, srv, "901", "teller", model.RoleTeller)
			b := webtest.New(t, tc.vp)
			browserLogin(t, b, srv, teller, tc.lang)
			b.Shot("home")

			b.Click("#menu-console\\.menu_customers")
			b.WaitPath("/console/customers", 10*time.Second)
			b.Type("#name", demoName)
			b.Type("#birth", "800101")
			b.Click("#search")
			b.WaitText("h2", tc.want["found"], 10*time.Second)
			b.Shot("search-results")
			b.Click("#results a")
			b.WaitText("h1", demoName, 10*time.Second)
			b.Shot("customer")

			// A resident card whose number is not the customer's is refused.
			b.Type("#idnumber", "8001012234567")
			b.Click("#verify")
			b.WaitText("#error-summary", map[string]string{"ko": "신분증", "en": "ID card"}[tc.lang], 10*time.Second)
			b.Shot("id-refused")
			b.Type("#idnumber", demoIDN)
			b.Click("#verify")
			b.WaitText("#verified", map[string]string{"ko": "확인했습니다", "en": "checked"}[tc.lang], 10*time.Second)
			b.Shot("verified")
			b.Click("#enroll")
			b.WaitPath("/console/slip", 10*time.Second)
			b.Shot("slip")
			ref, code := b.Text("#slip-ref"), b.Text("#slip-code")
			if len(ref) != 10 || len(code) != 16 {
				t.Fatalf("slip: ref %q code %q", ref, code)
			}
			// The print stylesheet hides the menu and the buttons.
			hidden := webtest.Eval[bool](b, `(() => { for (const s of document.styleSheets) for (const r of s.cssRules)
  if (r.media && r.media.mediaText === 'print' && r.cssText.includes('.console-nav')) return true; return false })()`)
			if !hidden {
				t.Error("no print rule for the slip")
			}
			serial := issueWithSlip(t, srv, ref, code)
			// The slip is shown once.
			b.Go(srv.URL + "/console/slip")
			b.WaitText("#problem-code", "CONSOLE_NOT_FOUND", 10*time.Second)

			b.Go(srv.URL + "/console/customers?mode=serial&serial=" + serial)
			b.Click("#results a")
			b.WaitText("#status-"+serial, tc.want["valid"], 10*time.Second)
			b.Shot("customer-with-certificate")

			b.Click("#suspend-open-" + serial)
			b.Type("#suspend-note-"+serial, "lost phone")
			b.Click("#suspend-" + serial)
			b.WaitText("#status-"+serial, tc.want["suspended"], 10*time.Second)
			b.Shot("suspended")
			b.Click("#resume-open-" + serial)
			b.Type("#resume-note-"+serial, "found it")
			b.Click("#resume-" + serial)
			b.WaitText("#status-"+serial, tc.want["valid"], 10*time.Second)

			b.Click("#revoke-open-" + serial)
			webtest.Eval[bool](b, `(document.getElementById('revoke-reason-`+serial+`').value = 'keyCompromise') !== ''`)
			b.Type("#revoke-note-"+serial, "key leaked")
			b.Shot("revoke-form")
			b.Click("#revoke-" + serial)
			b.WaitText("#status-"+serial, tc.want["revoked"], 10*time.Second)
			b.WaitText("#reason-"+serial, tc.want["reason"], 10*time.Second)
			b.Shot("revoked")
			c, err := srv.App.Store.Certificate(t.Context(), mustSerial(t, serial))
			if err != nil || c.Status != model.StatusRevoked || c.Reason == nil || *c.Reason != model.ReasonKeyCompromise {
				t.Fatalf("server: %+v %v", c.Status, err)
			}
			// Every step is audited with the teller as actor; the note is not.
			types := map[string]bool{}
			srv.App.Store.WalkAudit(t.Context(), func(e model.AuditEntry) error {
				if e.Event.Actor == "staff:"+teller.ID {
					types[e.Event.Type] = true
					for _, v := range e.Event.Details {
						if strings.Contains(v, "leaked") || strings.Contains(v, demoIDN) {
							t.Errorf("audit %s carries %q", e.Event.Type, v)
						}
					}
				}
				if e.Event.Type == "certificate.revoked" && e.Event.Actor != "staff:"+teller.ID {
					t.Errorf("revocation audited as %q", e.Event.Actor)
				}
				return nil
			})
			for _, want := range []string{"console.login", "console.search", "console.id_check_failed", "console.verified_in_person",
				"console.enrolled", "console.slip_printed", "console.suspend", "console.resume", "console.revoke"} {
				if !types[want] {
					t.Errorf("no %s by the teller in the audit chain (have %v)", want, types)
				}
			}
		})
	}
}

// TestOperatorAndAuditorPages: an operator (with the authenticator code) and an
// auditor read the audit log, filter it and verify the chain from the page; an auditor
// has no customer search in the menu; English and Korean, phone and desktop.
func TestOperatorAndAuditorPages(t *testing.T) {
	srv := start(t)
	op := addStaff(t, srv, "ca", "op", model.RoleOperator)
	aud := addStaff(t, srv, "ca", "aud", model.RoleAuditor)
	login(t, srv, addStaff(t, srv, "901", "teller", model.RoleTeller))
	for _, tc := range []struct {
		a    account
		lang string
		vp   webtest.Viewport
	}{{op, "en", webtest.Desktop}, {aud, "ko", webtest.Phone}} {
		t.Run(tc.a.Role, func(t *testing.T) {
			b := webtest.New(t, tc.vp)
			browserLogin(t, b, srv, tc.a, tc.lang)
			b.Shot("home")
			if webtest.Eval[bool](b, `!!document.getElementById('menu-console.menu_customers')`) {
				t.Error("customer search in the menu")
			}
			b.Click("#menu-console\\.menu_audit")
			b.WaitPath("/console/audit", 10*time.Second)
			b.Type("#type", "console.login")
			b.Click("#filter")
			waitJS(t, b, `location.search.includes('type=console.login') && document.readyState === 'complete' && !!document.getElementById('verify-chain')`)
			b.WaitText("#audit-table", "console.login", 10*time.Second)
			b.Shot("audit-filtered")
			b.Click("#verify-chain")
			b.WaitPath("/console/audit/verify", 10*time.Second)
			b.WaitText("#chain-ok", map[string]string{"ko": "맞습니다", "en": "check out"}[tc.lang], 10*time.Second)
			b.Shot("chain-verified")
			if tc.a.Role == model.RoleOperator {
				b.Click("#menu-console\\.menu_staff")
				b.WaitText("#staff-table", "teller", 10*time.Second)
				b.Shot("staff")
				b.Click("#menu-console\\.menu_institutions")
				b.WaitPath("/console/institutions", 10*time.Second)
				b.Click("#rotate-901")
				b.WaitText("#new-key-box", "901", 10*time.Second)
				b.WaitText("#overlap-901", "until", 10*time.Second)
				b.Shot("api-key-rotated")
			}
		})
	}
}

func totpNow(srv *apptest.Server, a account) string { return totpAt(a, srv.Clock.Now()) }

// waitJS waits until the expression is true.
func waitJS(t *testing.T, b *webtest.Browser, expr string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if ok, err := chromedp.Run(b.Ctx, chromedp.Evaluate[bool](expr)); err == nil && ok {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.Shot("timeout-js")
	t.Fatalf("waited for %s", expr)
}
