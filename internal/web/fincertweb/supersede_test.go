package fincertweb_test

import (
	"strings"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/apptest"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/web/webtest"
)

// TestFinCertSecondIssuanceJourney: one personal financial certificate per person
// across institutions, in the browser. 홍길동 gets one through 901 and signs in with it
// on the demo relying party; then, on a phone in English, gets another through 902.
// The iframe refuses to issue until the person agrees that the first is revoked
// ("기존 인증서는 폐기되어 다른 기관에서도 이용이 불가합니다"); once agreed, the first
// certificate is revoked as superseded, and signing in uses the new one.
func TestFinCertSecondIssuanceJourney(t *testing.T) {
	srv := apptest.Start(t, apptest.Options{})
	if err := srv.App.SeedDemoCustomers(t.Context()); err != nil {
		t.Fatal(err)
	}
	rp := srv.App.DemoRelyingParty()
	b := webtest.New(t, webtest.Phone)
	issue := func(inst, lang, pin string) { t.Helper(); issueThroughRP(t, b, srv, rp, inst, lang, pin) }
	signIn := func(pin, want string) string {
		t.Helper()
		b.Click("#rp-login-btn")
		f := b.Frame(srv.URL+"/fincert/v1/frame", 20*time.Second)
		f.WaitText("#fc-text", "로그인", 20*time.Second)
		f.Type("#fc-pin", pin)
		f.Click("#fc-sign-go")
		b.WaitText("#rp-result", want, 30*time.Second)
		return rawResult(t, b).Result.CertSeqNum
	}

	issue("901", "ko", pin)
	b.WaitText("#rp-result", "발급되었습니다", 30*time.Second)
	first := signIn(pin, "로그인되었습니다")

	// At 902: the iframe asks for the agreement first, and nothing is issued without it.
	const pin2 = "720485"
	issue("902", "en", pin2)
	f := b.Frame(srv.URL+"/fincert/v1/frame", 20*time.Second)
	f.WaitText("#fc-status", "Agree to revoke", 20*time.Second)
	warn := f.Text("#fc-supersede")
	if !strings.Contains(warn, "any institution") || webtest.Eval[bool](f, `document.getElementById('fc-supersede').classList.contains('hidden')`) {
		t.Errorf("the warning %q is not shown", warn)
	}
	b.Shot("supersede-asked")
	if c := certificate(t, srv, first); c.Status != model.StatusValid {
		t.Fatalf("the first certificate is %s before the agreement (warning %q)", c.Status, warn)
	}
	f.Click("#fc-supersede-ok")
	f.Type("#fc-pin1", pin2)
	f.Type("#fc-pin2", pin2)
	f.Click("#fc-issue-go")
	b.WaitText("#rp-result", "Issued", 30*time.Second)
	b.Shot("supersede-issued")

	old := certificate(t, srv, first)
	if old.Status != model.StatusRevoked || old.Reason == nil || *old.Reason != model.ReasonSuperseded {
		t.Fatalf("the first certificate after the second issuance: %s %v, want revoked (superseded)", old.Status, old.Reason)
	}
	second := signIn(pin2, "Signed in")
	if second == first {
		t.Fatalf("signed in with %s, the revoked certificate", second)
	}
	if c := certificate(t, srv, second); c.Status != model.StatusValid || c.InstitutionCode != "902" {
		t.Fatalf("the new certificate: %s at %s, want valid at 902", c.Status, c.InstitutionCode)
	}
	b.Shot("supersede-signed-in")

	// Renewal from the relying page: refused before the window (800700), then, 10 days
	// before expiry, a new certificate running three years from the old expiry, which
	// the same PIN signs with.
	renew := func(want string) {
		t.Helper()
		b.Click("#rp-renew-btn")
		f := b.Frame(srv.URL+"/fincert/v1/frame", 20*time.Second)
		f.WaitText("#fc-text", "three more years", 20*time.Second)
		f.Type("#fc-pin", pin2)
		f.Click("#fc-sign-go")
		b.WaitText("#rp-result", want, 30*time.Second)
	}
	renew("800700")
	b.Shot("renew-too-early")
	cur := certificate(t, srv, second)
	srv.Clock.Set(cur.NotAfter.Add(-10 * 24 * time.Hour))
	renew("Renewed")
	b.Shot("renewed")
	// A transfer signed with PKCS#1: the CMS library stamps signingTime from the
	// machine's clock, which this test has moved three years back from the server's.
	b.Do("choose format", setSelect("#rp-format", "PKCS1"))
	b.Click("#rp-transfer-btn")
	f = b.Frame(srv.URL+"/fincert/v1/frame", 20*time.Second)
	f.WaitText("#fc-text", "이체 확인", 20*time.Second)
	f.Type("#fc-pin", pin2)
	f.Click("#fc-sign-go")
	b.WaitText("#rp-result", "Transfer confirmed", 30*time.Second)
	third := rawResult(t, b).Result.CertSeqNum
	next := certificate(t, srv, third)
	if third == second || !next.NotAfter.Equal(cur.NotAfter.AddDate(3, 0, 0)) || next.Status != model.StatusValid {
		t.Fatalf("after renewal signed with %s (was %s), valid until %v (%s); want a new certificate until %v",
			third, second, next.NotAfter, next.Status, cur.NotAfter.AddDate(3, 0, 0))
	}
}

func certificate(t *testing.T, srv *apptest.Server, serial string) model.Certificate {
	t.Helper()
	s, err := model.ParseSerial(serial)
	if err != nil {
		t.Fatalf("certSeqNum %q: %v", serial, err)
	}
	c, err := srv.App.Store.Certificate(t.Context(), s)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
