package console_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/apptest"
	"github.com/certcenter/certcenter/internal/center"
	"github.com/certcenter/certcenter/internal/cloudcert"
	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/model"
)

// lockAccountCheck answers the customer's account check wrongly until it locks.
func lockAccountCheck(t testing.TB, srv *apptest.Server, inst model.Institution, customerID string) {
	t.Helper()
	for i := 0; i < center.MaxAccountFailures; i++ {
		_, err := srv.App.Desk.StartVerification(t.Context(), inst, customerID, "account", center.Evidence{AccountNumber: "110000000000", AccountPIN: "0000"})
		if errs.CodeOf(err) != errs.VerificationFailed {
			t.Fatalf("wrong account answer %d: %v", i, err)
		}
	}
	if _, err := srv.App.Desk.StartVerification(t.Context(), inst, customerID, "account", center.Evidence{AccountNumber: "110000000000", AccountPIN: "0000"}); errs.CodeOf(err) != errs.AccountCheckLocked {
		t.Fatalf("after %d wrong answers: %v", center.MaxAccountFailures, err)
	}
}

// TestCounterUnlockVerification: a customer's account check locked after 5 wrong
// answers is unlocked at the counter only after their ID card is checked again; a
// teller's unlock needs a reason and a supervisor's approval; once approved the
// customer can verify again (a wrong answer is a plain failure, not the lock), and the
// next 5 wrong answers lock it again. A supervisor unlocks without approval; with
// nothing locked the unlock is COUNTER_NOTHING_LOCKED.
func TestCounterUnlockVerification(t *testing.T) {
	e := newSupervisorEnv(t, "personal")
	lockAccountCheck(t, e.srv, e.customerInst, e.customer)
	c := e.tc
	_, page := c.get("/console/customers/" + e.customer)
	if !strings.Contains(page, `id="account-locked"`) {
		t.Fatal("the customer's page does not show the lock")
	}
	// A new session: no ID check yet.
	fresh := relogin(t, e.srv, e.teller)
	fresh.get("/console/customers/" + e.customer)
	if st, body, _ := fresh.post("/console/customers/"+e.customer+"/unlock", url.Values{"what": {"verification"}, "approval_reason": {"x"}}); st != http.StatusConflict || problem(body) != "CONSOLE_NOT_VERIFIED" {
		t.Fatalf("unlock without the ID check: %d %s", st, problem(body))
	}
	verifyInPerson(t, c, e.customer, demoIDN)
	if st, body, _ := c.post("/console/customers/"+e.customer+"/unlock", url.Values{"what": {"verification"}}); st != http.StatusBadRequest || !strings.Contains(body, `href="#unlock-reason"`) {
		t.Fatalf("unlock request without a reason: %d %s", st, problem(body))
	}
	if st, body, _ := c.post("/console/customers/"+e.customer+"/unlock", url.Values{"what": {"verification"}, "approval_reason": {"forgot the account PIN"}}); st != http.StatusSeeOther {
		t.Fatalf("unlock request: %d %s", st, problem(body))
	}
	if locked, _, _ := e.srv.App.Desk.Throttled(t.Context(), e.customerInst, e.customer); !locked {
		t.Fatal("unlocked before the approval")
	}
	s1 := login(t, e.srv, e.sup1)
	ids := pending(t, s1)
	if len(ids) != 1 {
		t.Fatalf("queue %v", ids)
	}
	if st, body, _ := s1.post("/console/approvals/"+ids[0]+"/approve", nil); st != http.StatusSeeOther {
		t.Fatalf("approve: %d %s", st, problem(body))
	}
	if a, _ := e.srv.App.Store.Approval(t.Context(), ids[0]); a.Status != model.ApprovalApproved {
		t.Fatalf("request %s (%s)", a.Status, a.Outcome)
	}
	e.srv.Clock.Advance(time.Second)
	_, err := e.srv.App.Desk.StartVerification(t.Context(), e.customerInst, e.customer, "account", center.Evidence{AccountNumber: "110000000000", AccountPIN: "0000"})
	if errs.CodeOf(err) != errs.VerificationFailed {
		t.Fatalf("a wrong answer after the unlock: %v", err)
	}
	if v, err := e.srv.App.Desk.StartVerification(t.Context(), e.customerInst, e.customer, "account", center.Evidence{AccountNumber: "110123456789", AccountPIN: "1234"}); err != nil || v.Status != "verified" {
		t.Fatalf("the right answer after the unlock: %v %v", v.Status, err)
	}
	resets := auditOf(t, e.srv, "verification.throttle_reset")
	if len(resets) != 1 || resets[0].Actor != "staff:"+e.sup1.ID {
		t.Fatalf("reset audited as %+v", resets)
	}
	// 4 more wrong answers (5 since the reset) lock it again.
	for i := 0; i < center.MaxAccountFailures-1; i++ {
		e.srv.App.Desk.StartVerification(t.Context(), e.customerInst, e.customer, "account", center.Evidence{AccountNumber: "1", AccountPIN: "0"})
	}
	if locked, _, _ := e.srv.App.Desk.Throttled(t.Context(), e.customerInst, e.customer); !locked {
		t.Fatal("5 wrong answers after the reset do not lock")
	}
	// The supervisor unlocks without approval; then nothing is locked.
	e.srv.Clock.Advance(time.Second)
	verifyInPerson(t, s1, e.customer, demoIDN)
	if st, body, _ := s1.post("/console/customers/"+e.customer+"/unlock", url.Values{"what": {"verification"}}); st != http.StatusSeeOther {
		t.Fatalf("supervisor's unlock: %d %s", st, problem(body))
	}
	if locked, _, _ := e.srv.App.Desk.Throttled(t.Context(), e.customerInst, e.customer); locked {
		t.Fatal("still locked after the supervisor's unlock")
	}
	if st, body, _ := s1.post("/console/customers/"+e.customer+"/unlock", url.Values{"what": {"verification"}}); st != http.StatusConflict || problem(body) != "COUNTER_NOTHING_LOCKED" {
		t.Fatalf("unlocking what is not locked: %d %s", st, problem(body))
	}
	// A teller's request when nothing is locked is refused at once, not queued.
	if st, body, _ := c.post("/console/customers/"+e.customer+"/unlock", url.Values{"what": {"verification"}, "approval_reason": {"again"}}); st != http.StatusConflict || problem(body) != "COUNTER_NOTHING_LOCKED" {
		t.Fatalf("a teller's unlock of what is not locked: %d %s", st, problem(body))
	}
	if n := len(auditOf(t, e.srv, "console.approval_requested")); n != 1 {
		t.Fatalf("%d requests (the supervisor's own unlock asks no one)", n)
	}
}

var resetID, resetCode = regexp.MustCompile(`id="reset-id">([^<]+)<`), regexp.MustCompile(`id="reset-code">([^<]+)<`)

// TestCounterPINReset: the customer's financial certificate's PIN is reset after the
// ID check: the teller's request is approved, and the teller prints a slip with the
// reset id and code (once), which the financial certificate service holds for the
// customer's certificate; the PIN never crosses the console.
func TestCounterPINReset(t *testing.T) {
	e := newSupervisorEnv(t, "personal")
	ctx := t.Context()
	v, err := e.srv.App.Desk.StartVerification(ctx, e.customerInst, e.customer, "in-person", center.Evidence{TellerID: "staff:" + e.teller.ID})
	if err != nil {
		t.Fatal(err)
	}
	en, err := e.srv.App.Desk.EnrollVerified(ctx, e.customerInst, center.VerifiedEnrollment{VerificationID: v.ID, Kind: model.Personal, Usage: model.FinCert})
	if err != nil {
		t.Fatal(err)
	}
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	spki, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
	info, err := e.srv.App.FinCert.Issue(ctx, cloudcert.IssueRequest{RefNum: en.Reference, AuthCode: en.AuthCode, PIN: "135790",
		Phone: "01012345678", DevicePublicKey: spki, DeviceLabel: "test"})
	if err != nil {
		t.Fatal(err)
	}

	c := e.tc
	verifyInPerson(t, c, e.customer, demoIDN)
	if st, body, _ := c.post("/console/customers/"+e.customer+"/unlock", url.Values{"what": {"pin"}, "approval_reason": {"PIN locked after 5 tries"}}); st != http.StatusSeeOther {
		t.Fatalf("PIN reset request: %d %s", st, problem(body))
	}
	s1 := login(t, e.srv, e.sup1)
	ids := pending(t, s1)
	if st, body, _ := s1.post("/console/approvals/"+ids[0]+"/approve", nil); st != http.StatusSeeOther {
		t.Fatalf("approve: %d %s", st, problem(body))
	}
	st, body := c.get("/console/approvals/" + ids[0] + "/slip")
	id, code := resetID.FindStringSubmatch(body), resetCode.FindStringSubmatch(body)
	if st != 200 || id == nil || code == nil || len(code[1]) != 16 {
		t.Fatalf("PIN reset slip: %d %s", st, problem(body))
	}
	if strings.Contains(body, "135790") {
		t.Fatal("the slip shows the PIN")
	}
	p, err := e.srv.App.Store.FinCertPending(ctx, id[1])
	if err != nil || p.Kind != "pin-reset" || p.UsedAt != nil {
		t.Fatalf("the reset %s: %+v %v", id[1], p, err)
	}
	if line, err := e.srv.App.Store.FinCertLine(ctx, p.LineID); err != nil || line.Serial.String() != info.Serial || !line.Active {
		t.Fatalf("the reset is for line %s of %s, the customer's certificate is %s (%v)", p.LineID, line.Serial, info.Serial, err)
	}
	if st, _ := c.get("/console/approvals/" + ids[0] + "/slip"); st != http.StatusNotFound {
		t.Fatalf("the PIN reset slip printed twice: %d", st)
	}
	started := auditOf(t, e.srv, "console.pin_reset_started")
	if len(started) != 1 || started[0].Actor != "staff:"+e.sup1.ID || started[0].Details["requestedBy"] != "staff:"+e.teller.ID {
		t.Fatalf("PIN reset audited as %+v", started)
	}
	// Without a financial certificate there is nothing to reset.
	other, err := e.srv.App.Desk.FindCustomer(ctx, e.customerInst, "김영희", "8505052345678")
	if err != nil {
		t.Fatal(err)
	}
	verifyInPerson(t, s1, other.ID, "8505052345678")
	if st, body, _ := s1.post("/console/customers/"+other.ID+"/unlock", url.Values{"what": {"pin"}}); st != http.StatusNotFound || problem(body) != "FINCERT_NOT_FOUND" {
		t.Fatalf("PIN reset of a customer without a financial certificate: %d %s", st, problem(body))
	}
}

// TestCounterRegistration: after the ID check, a teller registers the customer's
// certificate from another institution of this CA by its serial; a certificate of
// someone else (VID_MISMATCH), this institution's own (COUNTER_REGISTER_OWN), an
// unknown serial (COUNTER_REGISTER_FOREIGN_CA), a second registration
// (REGISTRATION_EXISTS) and a registration without the ID check are refused; the
// teller removes it again.
func TestCounterRegistration(t *testing.T) {
	e := newSupervisorEnv(t, "personal")
	ctx := t.Context()
	inst902, _ := e.srv.App.Store.Institution(ctx, "902")
	t902 := login(t, e.srv, addStaff(t, e.srv, "902", "teller", model.RoleTeller))
	hong902, err := e.srv.App.Desk.FindCustomer(ctx, inst902, demoName, demoIDN)
	if err != nil {
		t.Fatal(err)
	}
	kim902, err := e.srv.App.Desk.FindCustomer(ctx, inst902, "김영희", "8505052345678")
	if err != nil {
		t.Fatal(err)
	}
	theirs := enrollIssue(t, e.srv, t902, "902", hong902.ID, "personal")
	someoneElse := enrollIssue(t, e.srv, t902, "902", kim902.ID, "personal")

	c := e.tc
	c.get("/console/customers/" + e.customer)
	if st, body, _ := c.post("/console/customers/"+e.customer+"/registrations", url.Values{"serial": {theirs}}); st != http.StatusConflict || problem(body) != "CONSOLE_NOT_VERIFIED" {
		t.Fatalf("registration without the ID check: %d %s", st, problem(body))
	}
	verifyInPerson(t, c, e.customer, demoIDN)
	for _, tc := range []struct {
		serial string
		status int
		text   string
	}{
		{someoneElse, http.StatusForbidden, "VID"},
		{e.serial, http.StatusConflict, "need no registration"},
		{"abcdef0123456789", http.StatusUnprocessableEntity, "not issued by this CA"},
		{"not-hex", http.StatusBadRequest, "hexadecimal"},
	} {
		st, body, _ := c.post("/console/customers/"+e.customer+"/registrations?lang=en", url.Values{"serial": {tc.serial}})
		if st != tc.status || !strings.Contains(body, tc.text) {
			t.Errorf("register %s: %d, want %d with %q", tc.serial, st, tc.status, tc.text)
		}
	}
	if st, body, _ := c.post("/console/customers/"+e.customer+"/registrations", url.Values{"serial": {strings.ToUpper(theirs)}}); st != http.StatusSeeOther {
		t.Fatalf("register: %d %s", st, problem(body))
	}
	regs, err := e.srv.App.Desk.Registrations(ctx, e.customerInst, e.customer)
	if err != nil || len(regs) != 1 || regs[0].Serial != theirs || regs[0].Institution != "902" || regs[0].Status != "valid" {
		t.Fatalf("registrations %+v %v", regs, err)
	}
	if st, _, _ := c.post("/console/customers/"+e.customer+"/registrations?lang=en", url.Values{"serial": {theirs}}); st != http.StatusConflict {
		t.Fatalf("registering twice: %d", st)
	}
	_, page := c.get("/console/customers/" + e.customer)
	if !strings.Contains(page, `id="reg-`+theirs+`"`) {
		t.Fatal("the registration is not on the customer's page")
	}
	created := auditOf(t, e.srv, "registration.created")
	if len(created) != 1 || created[0].Actor != "staff:"+e.teller.ID || created[0].Details["counter"] != "true" {
		t.Fatalf("registration audited as %+v", created)
	}
	if st, body, _ := c.post("/console/customers/"+e.customer+"/registrations/"+regs[0].ID+"/delete", nil); st != http.StatusSeeOther {
		t.Fatalf("deregister: %d %s", st, problem(body))
	}
	if regs, _ := e.srv.App.Desk.Registrations(ctx, e.customerInst, e.customer); len(regs) != 0 {
		t.Fatalf("after deregistration: %+v", regs)
	}
	if st, body, _ := c.post("/console/customers/"+e.customer+"/registrations/"+regs0(regs)+"/delete", nil); st != http.StatusNotFound {
		t.Fatalf("deregistering again: %d %s", st, problem(body))
	}
}

func regs0(r []center.RegistrationView) string {
	if len(r) > 0 {
		return r[0].ID
	}
	return "reg_gone"
}
