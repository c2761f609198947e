package centerweb_test

import (
	"strings"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/web"
	"github.com/certcenter/certcenter/internal/web/webtest"
)

// pick chooses the browser certificate whose id ends with the serial on a picker page.
func pick(t *testing.T, b *webtest.Browser, serial string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !webtest.Eval[bool](b, `!!document.querySelector('#cert-list input[value$="`+serial+`"]')`) {
		if time.Now().After(deadline) {
			b.Shot("no-cert-to-pick")
			t.Fatalf("certificate %s not offered on %s", serial, b.Path())
		}
		time.Sleep(150 * time.Millisecond)
	}
	b.Click(`#cert-list input[value$="` + serial + `"]`)
}

// TestLifecycleJourney: issue, change the password, suspend with the key, resume after
// an account check, renew in the window (the server's clock moved 340 days), revoke;
// each step seen by the server, the status shown on the management page, and the
// customer told each time.
func TestLifecycleJourney(t *testing.T) {
	for _, tc := range []struct {
		vp   webtest.Viewport
		lang string
	}{{webtest.Desktop, "ko"}, {webtest.Phone, "en"}} {
		t.Run(tc.vp.Name+"-"+tc.lang, func(t *testing.T) { lifecycleJourney(t, tc.vp, tc.lang) })
	}
}

func lifecycleJourney(t *testing.T, vp webtest.Viewport, lang string) {
	l := web.NewLocalizer(errs.Lang(lang))
	srv, rc := start(t)
	b := webtest.New(t, vp)
	b.Go(srv.URL + "/901/?lang=" + lang)
	serial := issue(t, b, srv, "banking")

	// 비밀번호 변경, in the browser only.
	const newPW = "Second#pass77"
	b.Go(srv.URL + "/901/password")
	pick(t, b, serial)
	b.Type("#cert-password", goodPW)
	b.Type("#password", newPW)
	b.Type("#password2", newPW)
	b.Click("#password-btn")
	if s := waitStatus(t, b, "password-status"); !strings.Contains(s, l.T("js.changed")) {
		t.Fatalf("password change: %q", s)
	}
	b.Shot("password-changed")
	openKey(t, browserCerts(t, b)[0].KeyFile, newPW)
	rc.none(t, "new key-file password", []byte(newPW))

	// 효력정지 with the key.
	b.Go(srv.URL + "/901/suspend")
	pick(t, b, serial)
	b.Type("#cert-password", newPW)
	b.Click("#suspend-btn")
	if s := waitStatus(t, b, "suspend-status"); !strings.Contains(s, l.T("js.suspended")) {
		t.Fatalf("suspend: %q", s)
	}
	b.Shot("suspended")
	if c := stored(t, srv, serial); c.Status != model.StatusSuspended {
		t.Fatalf("after suspend the server says %s", c.Status)
	}
	b.Go(srv.URL + "/901/manage")
	b.WaitText(`#cert-table .badge`, l.T("js.status_suspended"), 20*time.Second)
	b.Shot("manage-suspended")

	// 효력회복 after identity verification by account.
	b.Go(srv.URL + "/901/")
	b.Click("#menu-resume")
	b.WaitPath("/901/verify", 10*time.Second)
	b.Type("#name", demoName)
	b.Type("#idn", demoIDN)
	b.Click("#method-account")
	b.Click("#next")
	b.WaitPath("/901/verify/confirm", 10*time.Second)
	b.Type("#account", "110123456789")
	b.Type("#pin", "1234")
	b.Click("#next")
	b.WaitPath("/901/resume/choose", 10*time.Second)
	b.Shot("resume-choose")
	b.Click("#resume-btn")
	b.WaitText("main", l.T("resume.done"), 10*time.Second)
	if c := stored(t, srv, serial); c.Status != model.StatusValid {
		t.Fatalf("after resume the server says %s", c.Status)
	}

	// 갱신: refused before the window, done inside it.
	b.Go(srv.URL + "/901/renew")
	pick(t, b, serial)
	b.Type("#cert-password", newPW)
	b.Click("#renew-btn")
	b.WaitText("#renew-status", l.Err(errs.New(errs.RenewalWindowNotOpen, "")).Message, 60*time.Second)
	b.Shot("renew-refused")
	if c := stored(t, srv, serial); c.Status != model.StatusValid {
		t.Fatalf("a refused renewal changed the certificate: %s", c.Status)
	}
	srv.Clock.Advance(340 * 24 * time.Hour)
	b.Go(srv.URL + "/901/renew")
	pick(t, b, serial)
	b.Type("#cert-password", newPW)
	b.Click("#renew-btn")
	b.WaitText("#renew-status", l.T("js.renewed"), 60*time.Second)
	b.Shot("renewed")
	if c := stored(t, srv, serial); c.Status != model.StatusReplaced {
		t.Fatalf("after renewal the old certificate is %s", c.Status)
	}
	certs := browserCerts(t, b)
	if len(certs) != 1 || strings.HasSuffix(certs[0].ID, serial) {
		t.Fatalf("the browser keeps %d certificates (%v) after renewal, want the new one only", len(certs), certs)
	}
	renewed := certs[0].ID[strings.LastIndex(certs[0].ID, "/")+1:]
	openKey(t, certs[0].KeyFile, newPW)

	// 폐기, with the renewed certificate's key.
	b.Go(srv.URL + "/901/revoke")
	pick(t, b, renewed)
	b.Click("#reason-key")
	b.Type("#cert-password", newPW)
	b.Click("#revoke-btn")
	if s := waitStatus(t, b, "revoke-status"); !strings.Contains(s, l.T("js.confirm_needed")) {
		t.Fatalf("revocation without the confirmation box: %q", s)
	}
	b.Click("#revoke-confirm")
	b.Click("#revoke-btn")
	b.WaitText("#revoke-status", l.T("js.revoked"), 30*time.Second)
	b.Shot("revoked")
	c := stored(t, srv, renewed)
	if c.Status != model.StatusRevoked || c.Reason == nil || *c.Reason != model.ReasonKeyCompromise {
		t.Fatalf("after revocation the server says %s %v", c.Status, c.Reason)
	}
	b.Go(srv.URL + "/901/manage")
	b.WaitText(`#cert-table .badge`, l.T("js.status_revoked"), 20*time.Second)
	b.Shot("manage-revoked")

	ob := outboxText(t, srv)
	for _, what := range []string{"발급", "효력정지", "효력회복", "갱신", "폐기"} {
		if !strings.Contains(ob, "인증서 "+what+" 완료") {
			t.Errorf("the customer was not told of the %s", what)
		}
	}
}
