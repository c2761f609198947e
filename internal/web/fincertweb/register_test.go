package fincertweb_test

import (
	"strings"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/apptest"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/web/webtest"
)

// TestFinCertRegisterElsewhereJourney: 홍길동's financial certificate, issued through
// 901 and used on the demo relying party, is registered at 902's web center (타기관
// 인증서 등록) in the browser. The center's page opens certcenter's iframe through the
// SDK; on this site the browser holds no device yet, so the iframe registers it with an
// SMS code first, then signs 902's challenge with the PIN and hands back R; 902 checks
// the signature, the status and the VID, and lists the certificate as valid.
func TestFinCertRegisterElsewhereJourney(t *testing.T) {
	srv := apptest.Start(t, apptest.Options{})
	if err := srv.App.SeedDemoCustomers(t.Context()); err != nil {
		t.Fatal(err)
	}
	rp := srv.App.DemoRelyingParty()
	b := webtest.New(t, webtest.Desktop)
	issueThroughRP(t, b, srv, rp, "901", "ko", pin)
	b.WaitText("#rp-result", "발급되었습니다", 30*time.Second)
	issued := b.Text("#rp-result") // "…: CN=홍길동()0901… (serial)"
	serial := strings.TrimSuffix(issued[strings.LastIndex(issued, "(")+1:], ")")

	b.Go(srv.URL + "/902/?lang=ko")
	b.Click("#menu-register")
	b.WaitPath("/902/verify", 10*time.Second)
	b.Type("#name", name)
	b.Type("#idn", idn)
	b.Click("#next")
	b.WaitPath("/902/verify/confirm", 10*time.Second)
	b.Type("#code", smsAt(t, srv, "902"))
	b.Click("#next")
	b.WaitPath("/902/register/list", 10*time.Second)
	b.Shot("register-page")
	b.Click("#register-fincert-btn")
	f := b.Frame(srv.URL+"/fincert/v1/frame", 20*time.Second)
	// A new device on this site: the SMS registration comes first.
	registerDevice(t, b, f, srv, "인증번호")
	for i := 0; i < 200 && webtest.Eval[bool](f, `document.getElementById('fc-sign').classList.contains('hidden')`); i++ {
		time.Sleep(100 * time.Millisecond)
	}
	b.Shot("register-sign")
	f.Type("#fc-pin", pin)
	f.Click("#fc-sign-go")
	b.WaitPath("/902/register/list", 30*time.Second)
	b.WaitText("#registrations", serial, 20*time.Second)
	row := b.Text("#registrations")
	if !strings.Contains(row, "정상") {
		t.Fatalf("902's list after registering: %q, want %s valid", row, serial)
	}
	b.Shot("registered")

	// The registration is 902's and names the financial certificate.
	regs, err := srv.App.Desk.Registrations(t.Context(), institution(t, srv, "902"), customerAt(t, srv, "902"))
	if err != nil || len(regs) != 1 || regs[0].Serial != serial || regs[0].Status != string(model.StatusValid) {
		t.Fatalf("902's registrations = %+v, %v; want %s valid", regs, err, serial)
	}
}

// issueThroughRP enrolls 홍길동 at inst's web center and issues the financial
// certificate in the demo relying party's iframe with pin; the caller waits for the
// outcome (a second issuance first asks for the agreement to revoke the first).
func issueThroughRP(t testing.TB, b *webtest.Browser, srv *apptest.Server, rp, inst, lang, pin string) {
	t.Helper()
	ref, code := enrollAt(t, b, srv, inst, lang)
	b.Go(rp + "?lang=" + lang)
	b.Type("#rp-ref", ref)
	b.Type("#rp-code", code)
	b.Click("#rp-issue-btn")
	f := b.Frame(srv.URL+"/fincert/v1/frame", 20*time.Second)
	f.Type("#fc-phone", "01012345678")
	f.Type("#fc-pin1", pin)
	f.Type("#fc-pin2", pin)
	f.Click("#fc-issue-go")
}

func institution(t *testing.T, srv *apptest.Server, code string) model.Institution {
	t.Helper()
	inst, err := srv.App.Store.Institution(t.Context(), code)
	if err != nil {
		t.Fatal(err)
	}
	return inst
}

// customerAt is 홍길동's customer id at inst.
func customerAt(t *testing.T, srv *apptest.Server, inst string) string {
	t.Helper()
	c, err := srv.App.Desk.FindCustomer(t.Context(), institution(t, srv, inst), name, idn)
	if err != nil {
		t.Fatal(err)
	}
	return c.ID
}

// registerDevice answers the iframe f's device registration as 홍길동 with the SMS code
// from 901, the issuing institution; sent is the status line's word for "code sent".
func registerDevice(t testing.TB, b, f *webtest.Browser, srv *apptest.Server, sent string) {
	t.Helper()
	f.Type("#fc-r-name", name)
	f.Type("#fc-r-birth", idn[:6])
	f.Type("#fc-r-phone", "01012345678")
	f.Click("#fc-r-send")
	f.WaitText("#fc-status", sent, 20*time.Second)
	b.Shot("register-device")
	f.Type("#fc-r-code", smsAt(t, srv, "901"))
	f.Click("#fc-r-confirm")
}
