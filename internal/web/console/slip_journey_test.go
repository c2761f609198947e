package console_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/certcenter/certcenter/internal/apptest"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/web/webtest"
)

// customerPW is the certificate password the customer chooses (the Korean 10-character
// rule: letters, digits and a special character).
const customerPW = "Slip!pass2026"

// tellerSlip: in chromium, the teller (already signed in) finds the customer, checks
// the resident card, enrolls and prints the slip; the reference number and code are
// read from the rendered slip, as the customer reads them from the paper.
func tellerSlip(t *testing.T, b *webtest.Browser, srv *apptest.Server, shot string) (string, string) {
	t.Helper()
	b.Go(srv.URL + "/console/customers")
	b.Type("#name", demoName)
	b.Type("#birth", "800101")
	b.Click("#search")
	b.WaitFilled("#results a", 10*time.Second)
	b.Click("#results a")
	b.WaitText("h1", demoName, 10*time.Second)
	b.Type("#idnumber", demoIDN)
	b.Click("#verify")
	b.WaitFilled("#verified", 10*time.Second)
	b.Click("#enroll")
	b.WaitPath("/console/slip", 10*time.Second)
	b.Shot(shot)
	ref, code := b.Text("#slip-ref"), b.Text("#slip-code")
	if len(ref) != 10 || len(code) != 16 {
		t.Fatalf("slip: ref %q code %q", ref, code)
	}
	return ref, code
}

// TestSlipRedeemedInWebCenterAndCertctl (issue 16's first required test): a teller
// enrolls a customer in person in the console and prints the slip; (a) the customer
// types the slip's reference number and code into the web center's issue wizard
// (/901/, "issue with the slip"), makes the key and password in the browser and gets a
// certificate; (b) for a second enrollment, certctl issues with the slip's values over
// CMP. Both certificates are stored valid, for the customer's name, from the slips'
// enrollments, and the teller's actions are audited.
func TestSlipRedeemedInWebCenterAndCertctl(t *testing.T) {
	srv := start(t)
	teller := addStaff(t, srv, "901", "teller", model.RoleTeller)
	desk := webtest.New(t, webtest.Desktop)
	browserLogin(t, desk, srv, teller, "ko")

	// (a) The web center's wizard, on the customer's phone, in English.
	ref, code := tellerSlip(t, desk, srv, "slip-for-web")
	sentBefore := notices(t, srv)
	phone := webtest.New(t, webtest.Phone)
	phone.Go(srv.URL + "/901/?lang=en")
	phone.Click("#menu-issue")
	phone.WaitPath("/901/issue", 10*time.Second)
	phone.Shot("terms-with-slip-offer")
	phone.Click("#slip-link")
	phone.WaitPath("/901/issue/slip", 10*time.Second)
	// A mistyped code first: refused on the page, nothing issued.
	phone.Type("#ref", ref)
	phone.Type("#code", "22222222"+code[8:])
	phone.Click("#agree")
	phone.Shot("slip-entry")
	phone.Click("#slip-next")
	phone.WaitText("#error-summary", "wrong", 10*time.Second)
	phone.Shot("slip-wrong-code")
	// As printed, with the group separator people type.
	webtest.Eval[bool](phone, `(document.getElementById('ref').value = '') === ''`)
	phone.Type("#ref", ref)
	phone.Type("#code", code[:8]+"-"+code[8:])
	if !webtest.Eval[bool](phone, `document.getElementById('agree').checked`) {
		phone.Click("#agree")
	}
	phone.Click("#slip-next")
	phone.WaitPath("/901/issue/key", 10*time.Second)
	phone.Do("key page", chromedp.WaitReady(chromedp.CSS("#issue-btn")))
	deadline := time.Now().Add(60 * time.Second)
	for webtest.Eval[bool](phone, `document.getElementById('issue-btn').disabled`) {
		if time.Now().After(deadline) {
			phone.Shot("keygen-timeout")
			t.Fatal("key generation did not finish")
		}
		time.Sleep(200 * time.Millisecond)
	}
	phone.Type("#password", customerPW)
	phone.Type("#password2", customerPW)
	phone.Shot("slip-key")
	phone.Click("#issue-btn")
	phone.WaitPath("/901/issue/done", 60*time.Second)
	phone.Shot("slip-issued")
	webSerial := phone.Text("#detail-serial")
	c, err := srv.App.Store.Certificate(t.Context(), mustSerial(t, webSerial))
	if err != nil || c.Status != model.StatusValid || c.EnrollmentRef != ref || c.InstitutionCode != "901" {
		t.Fatalf("web certificate %s: %+v %v, want valid from enrollment %s", webSerial, c.Status, err, ref)
	}
	if e, err := srv.App.Store.Enrollment(t.Context(), ref); err != nil || e.UsedAt == nil || e.Verification != "in-person" {
		t.Fatalf("enrollment %s after the web issuance: %+v %v", ref, e, err)
	}

	// The customer found by the slip's enrollment got the issuance notice (the app's
	// notification log, which the operator's page reads).
	if n := notices(t, srv); n <= sentBefore {
		t.Errorf("no notice after the slip's issuance: %d sent before, %d after", sentBefore, n)
	}

	// (b) certctl, with the second slip's values.
	ref2, code2 := tellerSlip(t, desk, srv, "slip-for-certctl")
	bin := filepath.Join(t.TempDir(), "certctl")
	if out, err := exec.Command("go", "build", "-o", bin, "../../../cmd/certctl").CombinedOutput(); err != nil {
		t.Fatalf("build certctl: %v\n%s", err, out)
	}
	pwFile := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(pwFile, []byte(customerPW+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "issue", "--server", srv.URL, "--ref", ref2, "--code", code2, "--new-password-file", pwFile, "--json")
	cmd.Env = append(os.Environ(), "CERTCTL_NPKI_DIR="+t.TempDir(), "CERTCTL_CACHE_DIR="+t.TempDir(), "LANG=en_US.UTF-8")
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("certctl issue: %v\n%s", err, stderr)
	}
	var issued struct {
		Issued      bool `json:"issued"`
		Certificate struct {
			Serial string `json:"serial"`
		} `json:"certificate"`
	}
	if err := json.Unmarshal(out, &issued); err != nil || !issued.Issued {
		t.Fatalf("certctl output %s: %v", out, err)
	}
	c2, err := srv.App.Store.Certificate(t.Context(), mustSerial(t, issued.Certificate.Serial))
	if err != nil || c2.Status != model.StatusValid || c2.EnrollmentRef != ref2 || c2.InstitutionCode != "901" {
		t.Fatalf("certctl certificate: %+v %v, want valid from enrollment %s", c2.Status, err, ref2)
	}
	// The teller finds both on the customer's page.
	desk.Go(srv.URL + "/console/customers?mode=serial&serial=" + c2.Serial.String())
	desk.Click("#results a")
	desk.WaitFilled("#status-"+c2.Serial.String(), 10*time.Second)
	desk.WaitFilled("#status-"+c.Serial.String(), 10*time.Second)
	desk.Shot("customer-with-both")
	if !auditedType(t, srv, "console.enrolled", "staff:"+teller.ID, 2) {
		t.Error("the two enrollments are not audited as the teller")
	}
}

// auditedType reports whether the chain has at least n events of typ by actor.
func auditedType(t testing.TB, srv *apptest.Server, typ, actor string, n int) bool {
	count := 0
	srv.App.Store.WalkAudit(t.Context(), func(e model.AuditEntry) error {
		if e.Event.Type == typ && e.Event.Actor == actor {
			count++
		}
		return nil
	})
	return count >= n
}

// notices counts the messages sent in the last hour, every channel.
func notices(t testing.TB, srv *apptest.Server) int64 {
	stats, err := srv.App.Store.NotificationStats(t.Context(), srv.Clock.Now().Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, s := range stats {
		n += s.Sent
	}
	return n
}
