package centerweb_test

import (
	"strings"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/web/webtest"
)

// TestReissueAndRegisterJourney: a certificate issued at 902 (another institution) is
// registered at 901 after identity verification, listed with its status and
// deregistered; then a second issuance at 901 is a reissue that revokes the first.
func TestReissueAndRegisterJourney(t *testing.T) {
	srv, rc := start(t)
	b := webtest.New(t, webtest.Phone)
	b.Go(srv.URL + "/902/?lang=ko")
	serial902 := issueAt(t, b, srv, "902", "banking")

	// 타기관 인증서 등록 at 901.
	b.Go(srv.URL + "/901/")
	b.Click("#menu-register")
	b.WaitPath("/901/verify", 10*time.Second)
	b.Type("#name", demoName)
	b.Type("#idn", demoIDN)
	b.Click("#method-sms")
	b.Click("#next")
	b.WaitPath("/901/verify/confirm", 10*time.Second)
	b.Type("#code", latestOTP(t, srv))
	b.Click("#next")
	b.WaitPath("/901/register/list", 10*time.Second)
	b.Shot("register-empty")
	pick(t, b, serial902)
	b.Type("#cert-password", goodPW)
	b.Click("#register-btn")
	b.WaitText("#registrations", serial902, 30*time.Second)
	b.Shot("registered")
	if !strings.Contains(b.Text("#registrations"), "정상") {
		t.Errorf("the registration's status is not shown as valid: %q", b.Text("#registrations"))
	}
	certs := browserCerts(t, b)
	_, r := openKey(t, certs[0].KeyFile, goodPW)
	rc.none(t, "identity random R", r, "/902/api/issue", "/901/api/register")
	b.Click(`#registrations button[type="submit"]`)
	b.WaitText("main", "해제했습니다", 10*time.Second)
	b.Shot("deregistered")

	// 재발급 at 902: the wizard warns, and the first certificate is revoked (superseded).
	serial2 := issueAt(t, b, srv, "902", "banking")
	if serial2 == serial902 {
		t.Fatal("the reissue returned the same serial")
	}
	old := stored(t, srv, serial902)
	if old.Status != model.StatusRevoked || old.Reason == nil || *old.Reason != model.ReasonSuperseded {
		t.Fatalf("after reissue the first certificate is %s %v", old.Status, old.Reason)
	}
	if !strings.Contains(outboxText(t, srv), "인증서 재발급 완료") || !strings.Contains(outboxText(t, srv), "타기관 인증서 등록 완료") {
		t.Errorf("no reissue or registration notice in the outbox")
	}
}
