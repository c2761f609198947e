package fincertweb_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/certcenter/certcenter/internal/apptest"
	"github.com/certcenter/certcenter/internal/testenv"
	"github.com/certcenter/certcenter/internal/web/webtest"
)

const (
	name = "홍길동"
	idn  = "8001011234567"
	pin  = "580193"
)

var otp = regexp.MustCompile(`\[([0-9]{6})\]`)

// TestFinCertSDKJourney: from the demo relying party's origin (localhost, while
// certcenter is 127.0.0.1), a customer issues a financial certificate with the bank's
// reference number and code and chooses a PIN in certcenter's iframe, signs in
// (signType 01, CMS) and confirms a transfer (02, PKCS#1 and PSS); the relying party's
// server verifies each; the CMS verifies with openssl cms; a wrong PIN is refused in the
// iframe; a second browser needs the SMS code before it may sign.
func TestFinCertSDKJourney(t *testing.T) {
	openssl := testenv.OpenSSL(t)
	srv := apptest.Start(t, apptest.Options{})
	if err := srv.App.SeedDemoCustomers(t.Context()); err != nil {
		t.Fatal(err)
	}
	rp := srv.App.DemoRelyingParty()
	if !strings.HasPrefix(rp, "http://localhost:") {
		t.Fatalf("demo relying party at %q, want another origin", rp)
	}
	// At 901's web center: identity by SMS, then the reference number and code.
	b := webtest.New(t, webtest.Desktop)
	ref, code := enrollAt(t, b, srv, "901", "ko")
	b.Click("#fc-rp-link")
	b.WaitPath("/demo/rp/", 10*time.Second)
	b.Shot("rp")
	b.Type("#rp-ref", ref)
	b.Type("#rp-code", code)
	b.Click("#rp-issue-btn")
	f := b.Frame(srv.URL+"/fincert/v1/frame", 20*time.Second)
	f.Type("#fc-phone", "01012345678")
	f.Type("#fc-pin1", "123456")
	f.Type("#fc-pin2", "123456")
	f.Click("#fc-issue-go")
	weak := f.WaitText("#fc-status", "", 20*time.Second)
	for i := 0; i < 100 && !strings.Contains(weak, "비밀번호"); i++ {
		time.Sleep(100 * time.Millisecond)
		weak = f.Text("#fc-status")
	}
	if !strings.Contains(weak, "비밀번호") {
		t.Fatalf("a run-of-digits PIN was not refused in the iframe: %q", weak)
	}
	b.Shot("weak-pin")
	f.Type("#fc-pin1", pin)
	f.Type("#fc-pin2", pin)
	f.Click("#fc-issue-go")
	b.WaitText("#rp-result", "발급되었습니다", 30*time.Second)
	b.Shot("issued")

	// Sign in (01): CMS, verified by the relying party's server, and by openssl.
	b.Click("#rp-login-btn")
	f = b.Frame(srv.URL+"/fincert/v1/frame", 20*time.Second)
	f.WaitText("#fc-text", "로그인", 20*time.Second)
	b.Shot("login-frame")
	f.Type("#fc-pin", "000000")
	f.Click("#fc-sign-go")
	f.WaitFilled("#fc-status", 10*time.Second)
	time.Sleep(500 * time.Millisecond)
	f.Type("#fc-pin", pin)
	f.Click("#fc-sign-go")
	b.WaitText("#rp-result", "로그인되었습니다", 30*time.Second)
	b.Shot("logged-in")
	raw := rawResult(t, b)
	cms, _ := base64.StdEncoding.DecodeString(raw.Result.SignedVals[0])
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "login.p7s"), cms, 0o600)
	root, _ := http.Get(srv.URL + "/pki/root.pem")
	rootPEM, _ := io.ReadAll(root.Body)
	root.Body.Close()
	ca, _ := http.Get(srv.URL + "/pki/ca.pem")
	caPEM, _ := io.ReadAll(ca.Body)
	ca.Body.Close()
	os.WriteFile(filepath.Join(dir, "chain.pem"), append(rootPEM, caPEM...), 0o600)
	out, err := exec.Command(openssl, "cms", "-verify", "-inform", "DER", "-in", filepath.Join(dir, "login.p7s"), "-CAfile", filepath.Join(dir, "chain.pem"),
		"-purpose", "any").CombinedOutput()
	if err != nil || !bytes.Contains(out, []byte(raw.Request.Text)) {
		t.Fatalf("openssl cms -verify: %v\n%s", err, out)
	}

	// Confirm a transfer (02) with PKCS#1 v1.5 and with PSS.
	for _, format := range []string{"PKCS1", "PSS"} {
		b.Do("choose format", setSelect("#rp-format", format))
		b.Click("#rp-transfer-btn")
		f = b.Frame(srv.URL+"/fincert/v1/frame", 20*time.Second)
		f.WaitText("#fc-text", "이체 확인", 20*time.Second)
		b.Shot("transfer-" + format)
		f.Type("#fc-pin", pin)
		f.Click("#fc-sign-go")
		b.WaitText("#rp-result", "이체가 확인되었습니다", 30*time.Second)
	}

	// A second browser: no device yet, so the iframe registers it with an SMS code.
	b2 := webtest.New(t, webtest.Phone)
	b2.Go(rp + "?lang=en")
	b2.Click("#rp-login-btn")
	f2 := b2.Frame(srv.URL+"/fincert/v1/frame", 20*time.Second)
	registerDevice(t, b2, f2, srv, "code")
	f2.WaitText("#fc-text", "로그인", 20*time.Second)
	f2.Type("#fc-pin", pin)
	f2.Click("#fc-sign-go")
	b2.WaitText("#rp-result", "Signed in", 30*time.Second)
	b2.Shot("second-device-signed-in")

	// The first browser lists the devices and disconnects the second, which is then
	// refused (asked to register again) when it tries to sign.
	b.Click("#rp-manage-btn")
	f = b.Frame(srv.URL+"/fincert/v1/frame", 20*time.Second)
	f.WaitText("#fc-devices", "이 기기", 20*time.Second)
	b.Shot("devices")
	f.Click(".fc-disconnect")
	f.WaitText("#fc-status", "해제했습니다", 20*time.Second)
	n := 0
	for i := 0; i < 100; i++ { // the list is drawn again after the status line
		if n = webtest.Eval[int](f, `document.querySelectorAll('#fc-devices li').length`); n == 1 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if n != 1 {
		t.Fatalf("%d devices after the disconnection, want 1", n)
	}
	f.Click("#fc-info-ok")
	b2.Click("#rp-login-btn")
	f2 = b2.Frame(srv.URL+"/fincert/v1/frame", 20*time.Second)
	f2.WaitText("#fc-text", "로그인", 20*time.Second)
	f2.Type("#fc-pin", pin)
	f2.Click("#fc-sign-go")
	for i := 0; i < 100 && webtest.Eval[bool](f2, `document.getElementById('fc-register').classList.contains('hidden')`); i++ {
		time.Sleep(100 * time.Millisecond)
	}
	if webtest.Eval[bool](f2, `document.getElementById('fc-register').classList.contains('hidden')`) {
		b2.Shot("disconnected-not-refused")
		t.Fatal("a disconnected device was not refused")
	}
	b2.Shot("disconnected-refused")

	// Five wrong PINs lock the certificate: the relying page gets 800300.
	b.Click("#rp-login-btn")
	f = b.Frame(srv.URL+"/fincert/v1/frame", 20*time.Second)
	f.WaitText("#fc-text", "로그인", 20*time.Second)
	frameOpen := func() bool { return webtest.Eval[bool](b, `!!document.getElementById('fincert-frame')`) }
	for i := 0; i < 6 && frameOpen(); i++ {
		f.Type("#fc-pin", "246801")
		f.Click("#fc-sign-go")
		for j := 0; j < 50 && frameOpen(); j++ {
			v, err := chromedp.Run(f.Ctx, chromedp.Evaluate[string](`document.getElementById('fc-pin').value`))
			if err != nil || v == "" { // the frame clears the field when the answer comes, or it closed
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		time.Sleep(300 * time.Millisecond)
	}
	b.WaitText("#rp-result", "800300", 30*time.Second)
	b.Shot("pin-locked")

	// Reset at 901 after identity verification again, on this (registered) browser; the
	// new PIN works at the relying party and the old one does not.
	const newPIN = "302718"
	b.Go(srv.URL + "/901/")
	b.Click("#menu-pinreset")
	b.WaitPath("/901/verify", 10*time.Second)
	b.Type("#name", name)
	b.Type("#idn", idn)
	b.Click("#next")
	b.WaitPath("/901/verify/confirm", 10*time.Second)
	b.Type("#code", latestSMS(t, srv))
	b.Click("#next")
	b.WaitPath("/901/fincert/pin/new", 10*time.Second)
	resetID, resetCode := b.Text("#reset-id"), b.Text("#reset-code")
	b.Shot("pin-reset-codes")
	b.Go(rp + "?lang=ko")
	b.Type("#rp-reset-id", resetID)
	b.Type("#rp-reset-code", resetCode)
	b.Click("#rp-reset-btn")
	f = b.Frame(srv.URL+"/fincert/v1/frame", 20*time.Second)
	f.Type("#fc-rpin1", newPIN)
	f.Type("#fc-rpin2", newPIN)
	f.Click("#fc-reset-go")
	b.WaitText("#rp-result", "비밀번호를 바꿨습니다", 20*time.Second)
	b.Shot("pin-reset")
	b.Click("#rp-login-btn")
	f = b.Frame(srv.URL+"/fincert/v1/frame", 20*time.Second)
	f.WaitText("#fc-text", "로그인", 20*time.Second)
	f.Type("#fc-pin", newPIN)
	f.Click("#fc-sign-go")
	b.WaitText("#rp-result", "로그인되었습니다", 30*time.Second)
	b.Shot("signed-in-after-reset")
}

type rawRP struct {
	Request struct {
		Text string `json:"text"`
	} `json:"request"`
	Result struct {
		SignedVals []string `json:"signedVals"`
		CertSeqNum string   `json:"certSeqNum"`
	} `json:"result"`
}

// enrollAt verifies 홍길동 by SMS at inst's web center (in lang) and returns the
// financial certificate's reference number and authorization code from the page.
func enrollAt(t testing.TB, b *webtest.Browser, srv *apptest.Server, inst, lang string) (ref, code string) {
	t.Helper()
	b.Go(srv.URL + "/" + inst + "/?lang=" + lang)
	b.Click("#menu-fincert")
	b.WaitPath("/"+inst+"/verify", 10*time.Second)
	b.Type("#name", name)
	b.Type("#idn", idn)
	b.Click("#next")
	b.WaitPath("/"+inst+"/verify/confirm", 10*time.Second)
	b.Type("#code", smsAt(t, srv, inst))
	b.Click("#next")
	b.WaitPath("/"+inst+"/fincert/enroll", 10*time.Second)
	ref, code = b.Text("#fc-reference"), b.Text("#fc-authcode")
	b.Shot("center-enrolled-" + inst)
	return ref, code
}

func rawResult(t *testing.T, b *webtest.Browser) rawRP {
	t.Helper()
	var r rawRP
	if err := json.Unmarshal([]byte(b.Text("#rp-raw")), &r); err != nil || len(r.Result.SignedVals) == 0 {
		t.Fatalf("no result on the relying page: %v", err)
	}
	return r
}

func latestSMS(t testing.TB, srv *apptest.Server) string {
	t.Helper()
	return smsAt(t, srv, "901")
}

// smsAt returns the newest one-time code in inst's outbox.
func smsAt(t testing.TB, srv *apptest.Server, inst string) string {
	t.Helper()
	list, err := srv.App.Store.Outbox(t.Context(), inst, 5)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range list {
		if s := otp.FindStringSubmatch(m.Body); s != nil {
			return s[1]
		}
	}
	t.Fatal("no SMS code in the outbox")
	return ""
}
