package console_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/apptest"
	"github.com/certcenter/certcenter/internal/center"
	"github.com/certcenter/certcenter/internal/config"
	"github.com/certcenter/certcenter/internal/model"
)

// verifyInPerson checks the customer's resident card on the page (a driver's licence
// for a business's representative, whose record holds the business number), as a
// teller does.
func verifyInPerson(t testing.TB, c *client, customerID, idn string) {
	t.Helper()
	c.get("/console/customers/" + customerID)
	card := url.Values{"idtype": {"resident"}, "idnumber": {idn}}
	if len(idn) == 10 {
		card = url.Values{"idtype": {"driver"}, "idnumber": {"11-22-333333-44"}}
	}
	if st, body, _ := c.post("/console/customers/"+customerID+"/verify", card); st != http.StatusSeeOther {
		t.Fatalf("in-person check: %d %s", st, problem(body))
	}
	c.get("/console/customers/" + customerID)
}

// enrollIssue enrolls the customer (of the client's institution inst) for kind and
// usage at the counter and redeems the slip; it returns the serial.
func enrollIssue(t testing.TB, srv *apptest.Server, c *client, inst, customerID, kind string) string {
	t.Helper()
	return enrollIssueFor(t, srv, c, inst, customerID, kind, "banking", "")
}

// enrollIssueFor is enrollIssue for a usage, and a reissue when replaces is set.
func enrollIssueFor(t testing.TB, srv *apptest.Server, c *client, inst, customerID, kind, usage, replaces string) string {
	t.Helper()
	in, _ := srv.App.Store.Institution(t.Context(), inst)
	rec, err := srv.App.Desk.Customer(t.Context(), in, customerID)
	if err != nil {
		t.Fatal(err)
	}
	verifyInPerson(t, c, customerID, rec.IDN)
	if st, body, _ := c.post("/console/customers/"+customerID+"/enroll", url.Values{"kind": {kind}, "usage": {usage}, "replaces": {replaces}}); st != http.StatusSeeOther {
		t.Fatalf("enroll: %d %s", st, problem(body))
	}
	_, body := c.get("/console/slip")
	ref, code := slipRef.FindStringSubmatch(body), slipCode.FindStringSubmatch(body)
	if ref == nil || code == nil {
		t.Fatalf("no slip: %s", problem(body))
	}
	return issueWithSlip(t, srv, ref[1], code[1])
}

// supervisorEnv is an institution 901 with a teller, two supervisors and the demo
// customer with a certificate.
type supervisorEnv struct {
	srv          *apptest.Server
	teller       account
	sup1, sup2   account
	tc           *client
	customer     string
	serial       string
	customerInst model.Institution
	idn          string
}

const (
	corpName = "데모상사"
	corpIDN  = "1208147521"
)

// relogin signs a in again 30 seconds later (a TOTP code is good once).
func relogin(t testing.TB, srv *apptest.Server, a account) *client {
	srv.Clock.Advance(31 * time.Second)
	return login(t, srv, a)
}

func newSupervisorEnv(t *testing.T, kind string) *supervisorEnv {
	return newSupervisorEnvOn(t, "sqlite", kind)
}

// startOn is start on a database driver ("sqlite", or "postgres", which skips when
// PostgreSQL is missing).
func startOn(t testing.TB, driver string, adjust ...func(*config.Config)) *apptest.Server {
	o := apptest.Options{Driver: driver}
	for _, a := range adjust {
		o.Adjust = a
	}
	srv := apptest.Start(t, o)
	if err := srv.App.SeedDemoCustomers(t.Context()); err != nil {
		t.Fatal(err)
	}
	return srv
}

// noApprovals lets tellers do everything alone.
func noApprovals(c *config.Config) { c.Console.Approvals = []string{} }

func newSupervisorEnvOn(t *testing.T, driver, kind string) *supervisorEnv {
	srv := startOn(t, driver)
	inst, _ := srv.App.Store.Institution(t.Context(), "901")
	cust, err := srv.App.Desk.FindCustomer(t.Context(), inst, demoName, demoIDN)
	if err != nil {
		t.Fatal(err)
	}
	e := &supervisorEnv{srv: srv, customerInst: inst,
		teller: addStaff(t, srv, "901", "teller", model.RoleTeller),
		sup1:   addStaff(t, srv, "901", "sup1", model.RoleSupervisor),
		sup2:   addStaff(t, srv, "901", "sup2", model.RoleSupervisor)}
	e.tc = login(t, srv, e.teller)
	e.customer, e.idn = cust.ID, demoIDN
	if kind == "corporate" {
		// A business (its registration number as identity number), served through
		// its representative.
		c, err := srv.App.Desk.CreateCustomer(t.Context(), inst, center.NewCustomer{Name: corpName, IDN: corpIDN, Phone: "01099998888"})
		if err != nil {
			t.Fatal(err)
		}
		e.customer, e.idn = c.ID, corpIDN
	}
	e.serial = enrollIssue(t, srv, e.tc, "901", e.customer, kind)
	return e
}

var approvalRow = regexp.MustCompile(`id="pending-(apr_[a-z0-9]+)"`)

// pending returns the ids of the queue's requests as the supervisor's page lists them.
func pending(t testing.TB, c *client) []string {
	t.Helper()
	st, body := c.get("/console/approvals")
	if st != 200 {
		t.Fatalf("approvals page: %d %s", st, problem(body))
	}
	var ids []string
	for _, m := range approvalRow.FindAllStringSubmatch(body, -1) {
		ids = append(ids, m[1])
	}
	return ids
}

func auditOf(t testing.TB, srv *apptest.Server, typ string) []model.AuditEvent {
	var out []model.AuditEvent
	srv.App.Store.WalkAudit(t.Context(), func(e model.AuditEntry) error {
		if e.Event.Type == typ {
			out = append(out, e.Event)
		}
		return nil
	})
	return out
}

// TestRevokeOnBehalfNeedsApproval: a teller's revocation is queued with its reason
// (refused without one) and the certificate stays valid; the supervisor's menu counts
// it; the supervisor approves and the certificate is revoked in the supervisor's name,
// with the teller named as asker; the teller sees the outcome on the customer's page.
func TestRevokeOnBehalfNeedsApproval(t *testing.T) {
	e := newSupervisorEnv(t, "personal")
	c := e.tc
	c.get("/console/customers/" + e.customer)
	if st, body, _ := c.post("/console/certificates/"+e.serial+"/revoke", url.Values{"reason": {"keyCompromise"}, "note": {""}}); st != http.StatusBadRequest {
		t.Fatalf("revoke request without a reason: %d %s", st, problem(body))
	}
	if st, body, h := c.post("/console/certificates/"+e.serial+"/revoke", url.Values{"reason": {"keyCompromise"}, "note": {"phone stolen"}}); st != http.StatusSeeOther || h.Get("Location") != "/console/customers/"+e.customer {
		t.Fatalf("revoke request: %d %s", st, problem(body))
	}
	if cert, _ := e.srv.App.Store.Certificate(t.Context(), mustSerial(t, e.serial)); cert.Status != model.StatusValid {
		t.Fatalf("certificate %s before the approval", cert.Status)
	}
	_, page := c.get("/console/customers/" + e.customer)
	if !strings.Contains(page, "approval-status-apr_") || !strings.Contains(page, "phone stolen") {
		t.Fatal("the customer's page does not show the waiting request")
	}
	if st, body := c.get("/console/approvals"); st != http.StatusForbidden || problem(body) != "CONSOLE_FORBIDDEN" {
		t.Fatalf("a teller's approvals page: %d %s", st, problem(body))
	}

	s1 := login(t, e.srv, e.sup1)
	_, home := s1.get("/console/")
	if !strings.Contains(home, `id="menu-count-approval.menu"`) {
		t.Fatal("no pending count in the supervisor's menu")
	}
	ids := pending(t, s1)
	if len(ids) != 1 {
		t.Fatalf("queue %v", ids)
	}
	if st, body, h := s1.post("/console/approvals/"+ids[0]+"/approve", nil); st != http.StatusSeeOther || h.Get("Location") != "/console/approvals" {
		t.Fatalf("approve: %d %s", st, problem(body))
	}
	cert, _ := e.srv.App.Store.Certificate(t.Context(), mustSerial(t, e.serial))
	if cert.Status != model.StatusRevoked || cert.Reason == nil || *cert.Reason != model.ReasonKeyCompromise {
		t.Fatalf("certificate after the approval: %s %v", cert.Status, cert.Reason)
	}
	revs := auditOf(t, e.srv, "certificate.revoked")
	if len(revs) != 1 || revs[0].Actor != "staff:"+e.sup1.ID {
		t.Fatalf("revocation audited as %+v", revs)
	}
	appr := auditOf(t, e.srv, "console.approval_approved")
	if len(appr) != 1 || appr[0].Actor != "staff:"+e.sup1.ID || appr[0].Details["askedBy"] != "staff:"+e.teller.ID {
		t.Fatalf("approval audited as %+v", appr)
	}
	if asked := auditOf(t, e.srv, "console.approval_requested"); len(asked) != 1 || asked[0].Actor != "staff:"+e.teller.ID {
		t.Fatalf("request audited as %+v", asked)
	}
	for _, ev := range append(appr, auditOf(t, e.srv, "console.approval_requested")...) {
		for _, v := range ev.Details {
			if strings.Contains(v, "stolen") {
				t.Errorf("the request's reason is in the audit chain: %v", ev.Details)
			}
		}
	}
	if ids := pending(t, s1); len(ids) != 0 {
		t.Fatalf("queue after the approval: %v", ids)
	}
	_, page = c.get("/console/customers/" + e.customer)
	if !strings.Contains(page, `id="approval-status-`) || !strings.Contains(page, ">Approved<") && !strings.Contains(page, ">승인<") {
		t.Fatal("the teller does not see the approval on the customer's page")
	}

	// A second request for the same certificate, approved after the first: the action
	// is refused (CERT_REVOKED), and the request shows as approved but refused, with
	// the code, to the teller.
	second := enrollIssue(t, e.srv, c, "901", e.customer, "personal")
	c.get("/console/customers/" + e.customer)
	for i := 0; i < 2; i++ {
		if st, body, _ := c.post("/console/certificates/"+second+"/revoke", url.Values{"reason": {"keyCompromise"}, "note": {"asked twice"}}); st != http.StatusSeeOther {
			t.Fatalf("revoke request %d: %d %s", i, st, problem(body))
		}
	}
	ids = pending(t, s1)
	if len(ids) != 2 {
		t.Fatalf("queue %v", ids)
	}
	for _, id := range ids {
		if st, body, _ := s1.post("/console/approvals/"+id+"/approve", nil); st != http.StatusSeeOther {
			t.Fatalf("approve %s: %d %s", id, st, problem(body))
		}
	}
	a, _ := e.srv.App.Store.Approval(t.Context(), ids[1])
	if a.Status != model.ApprovalFailed || a.Outcome != "CERT_REVOKED" {
		t.Fatalf("the second approval: %s %q", a.Status, a.Outcome)
	}
	_, page = c.get("/console/customers/" + e.customer)
	if !strings.Contains(page, "<code>CERT_REVOKED</code>") {
		t.Fatal("the teller does not see why the approved request was refused")
	}
	if n := len(auditOf(t, e.srv, "console.approval_failed")); n != 1 {
		t.Fatalf("%d failed approvals audited", n)
	}
}

// TestApprovalSelfAndDoubleApproval: a supervisor cannot decide a request they asked
// for (made here through the store: supervisors' own actions are never queued); of two
// supervisors approving at once, one wins and the other gets
// APPROVAL_ALREADY_DECIDED; the action runs once.
func TestApprovalSelfAndDoubleApproval(t *testing.T) {
	for _, driver := range []string{"sqlite", "postgres"} {
		t.Run(driver, func(t *testing.T) { testSelfAndDoubleApproval(t, driver) })
	}
}

func testSelfAndDoubleApproval(t *testing.T, driver string) {
	e := newSupervisorEnvOn(t, driver, "personal")
	now := e.srv.Clock.Now()
	seal, _ := e.srv.App.Seal.Seal("approval-reason", "apr_self", []byte("x"))
	if err := e.srv.App.Store.CreateApproval(t.Context(), model.Approval{ID: "apr_self", InstitutionCode: "901", Action: model.ActionRevokeOnBehalf,
		CustomerID: e.customer, Subject: e.serial, Params: map[string]string{"reason": "keyCompromise"}, ReasonCipher: seal,
		AskedBy: e.sup1.ID, AskedAt: now, ExpiresAt: now.Add(time.Hour), Status: model.ApprovalPending}, model.AuditEvent{Type: "test"}); err != nil {
		t.Fatal(err)
	}
	s1 := login(t, e.srv, e.sup1)
	s1.get("/console/approvals")
	if st, body, _ := s1.post("/console/approvals/apr_self/approve", nil); st != http.StatusForbidden || problem(body) != "APPROVAL_SELF" {
		t.Fatalf("approving one's own request: %d %s", st, problem(body))
	}
	if st, body, _ := s1.post("/console/approvals/apr_self/reject", url.Values{"decision": {"no"}}); st != http.StatusForbidden || problem(body) != "APPROVAL_SELF" {
		t.Fatalf("rejecting one's own request: %d %s", st, problem(body))
	}
	if cert, _ := e.srv.App.Store.Certificate(t.Context(), mustSerial(t, e.serial)); cert.Status != model.StatusValid {
		t.Fatalf("certificate %s after a self-approval", cert.Status)
	}

	// Two supervisors approve at once (sup2 may decide sup1's request).
	s2 := login(t, e.srv, e.sup2)
	s3 := relogin(t, e.srv, e.sup2)
	s2.get("/console/approvals")
	s3.get("/console/approvals")
	var wg sync.WaitGroup
	codes := make([]string, 2)
	status := make([]int, 2)
	for i, c := range []*client{s2, s3} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st, body, _ := c.post("/console/approvals/apr_self/approve", nil)
			status[i], codes[i] = st, problem(body)
		}()
	}
	wg.Wait()
	won, lost := 0, 0
	for i := range status {
		switch {
		case status[i] == http.StatusSeeOther:
			won++
		case status[i] == http.StatusConflict && codes[i] == "APPROVAL_ALREADY_DECIDED":
			lost++
		default:
			t.Errorf("approval %d: %d %s", i, status[i], codes[i])
		}
	}
	if won != 1 || lost != 1 {
		t.Fatalf("double approval: %d won, %d lost", won, lost)
	}
	if n := len(auditOf(t, e.srv, "certificate.revoked")); n != 1 {
		t.Fatalf("revoked %d times", n)
	}
	a, _ := e.srv.App.Store.Approval(t.Context(), "apr_self")
	if a.Status != model.ApprovalApproved || a.DecidedBy != e.sup2.ID {
		t.Fatalf("request %s decided by %s", a.Status, a.DecidedBy)
	}
	// And a third try afterwards.
	if st, body, _ := s2.post("/console/approvals/apr_self/approve", nil); st != http.StatusConflict || problem(body) != "APPROVAL_ALREADY_DECIDED" {
		t.Fatalf("approving again: %d %s", st, problem(body))
	}
}

// TestApprovalRejectAndExpiry: a rejection needs a reason, which the teller then sees;
// a rejected request cannot be approved; a request past its expiry (8 hours, the end
// of the day, or the in-person check's 30 minutes) leaves the queue and is refused
// with APPROVAL_EXPIRED; another institution's supervisor does not see or decide it.
func TestApprovalRejectAndExpiry(t *testing.T) {
	e := newSupervisorEnv(t, "personal")
	c := e.tc
	s2 := login(t, e.srv, e.sup2)
	ask := func() string {
		c.get("/console/customers/" + e.customer)
		if st, body, _ := c.post("/console/certificates/"+e.serial+"/revoke", url.Values{"reason": {"cessationOfOperation"}, "note": {"closing the account"}}); st != http.StatusSeeOther {
			t.Fatalf("revoke request: %d %s", st, problem(body))
		}
		ids := pending(t, s2)
		return ids[len(ids)-1]
	}
	id := ask()
	s1 := login(t, e.srv, e.sup1)
	s1.get("/console/approvals")
	if st, body, _ := s1.post("/console/approvals/"+id+"/reject", url.Values{"decision": {" "}}); st != http.StatusBadRequest || problem(body) != "APPROVAL_DECISION_REASON_REQUIRED" {
		t.Fatalf("rejection without a reason: %d %s", st, problem(body))
	}
	if st, body, _ := s1.post("/console/approvals/"+id+"/reject", url.Values{"decision": {"customer must come with the company seal"}}); st != http.StatusSeeOther {
		t.Fatalf("reject: %d %s", st, problem(body))
	}
	if st, body, _ := s1.post("/console/approvals/"+id+"/approve", nil); st != http.StatusConflict || problem(body) != "APPROVAL_ALREADY_DECIDED" {
		t.Fatalf("approving a rejected request: %d %s", st, problem(body))
	}
	_, page := c.get("/console/customers/" + e.customer)
	if !strings.Contains(page, `id="approval-decision-`+id+`">customer must come with the company seal<`) {
		t.Fatal("the teller does not see the rejection's reason")
	}
	if cert, _ := e.srv.App.Store.Certificate(t.Context(), mustSerial(t, e.serial)); cert.Status != model.StatusValid {
		t.Fatalf("certificate %s after a rejection", cert.Status)
	}

	// Another institution's supervisor neither sees nor decides it.
	id = ask()
	other := login(t, e.srv, addStaff(t, e.srv, "902", "sup", model.RoleSupervisor))
	if ids := pending(t, other); len(ids) != 0 {
		t.Fatalf("902's queue shows %v", ids)
	}
	if st, body, _ := other.post("/console/approvals/"+id+"/approve", nil); st != http.StatusNotFound || problem(body) != "APPROVAL_NOT_FOUND" {
		t.Fatalf("another institution's approval: %d %s", st, problem(body))
	}

	a, _ := e.srv.App.Store.Approval(t.Context(), id)
	if d := a.ExpiresAt.Sub(a.AskedAt); d > 8*time.Hour || d <= 0 {
		t.Fatalf("request lasts %v", d)
	}
	e.srv.Clock.Set(a.ExpiresAt)
	s1 = relogin(t, e.srv, e.sup1)
	if ids := pending(t, s1); len(ids) != 0 {
		t.Fatalf("expired request still queued: %v", ids)
	}
	if st, body, _ := s1.post("/console/approvals/"+id+"/approve", nil); st != http.StatusConflict || problem(body) != "APPROVAL_EXPIRED" {
		t.Fatalf("approving an expired request: %d %s", st, problem(body))
	}
	if cert, _ := e.srv.App.Store.Certificate(t.Context(), mustSerial(t, e.serial)); cert.Status != model.StatusValid {
		t.Fatalf("certificate %s after an expired approval", cert.Status)
	}
}

// TestCorporateReissueApproval: a teller's reissue of a corporate certificate is
// queued (a reason required); the supervisor approves; the teller prints the slip
// once from the customer's page (no one else can), and the slip's code issues the new
// certificate, which supersedes the old. A personal reissue needs no approval
// (TestTellerReissue).
func TestCorporateReissueApproval(t *testing.T) {
	e := newSupervisorEnv(t, "corporate")
	c := e.tc
	verifyInPerson(t, c, e.customer, e.idn)
	form := url.Values{"kind": {"corporate"}, "usage": {"banking"}, "replaces": {e.serial}}
	if st, body, _ := c.post("/console/customers/"+e.customer+"/enroll", form); st != http.StatusBadRequest || !strings.Contains(body, `href="#reissue-reason"`) {
		t.Fatalf("reissue request without a reason: %d %s", st, problem(body))
	}
	form.Set("approval_reason", "token lost")
	if st, body, h := c.post("/console/customers/"+e.customer+"/enroll", form); st != http.StatusSeeOther || h.Get("Location") != "/console/customers/"+e.customer {
		t.Fatalf("reissue request: %d %s", st, problem(body))
	}
	if st, body := c.get("/console/slip"); st != http.StatusNotFound {
		t.Fatalf("a slip before the approval: %d %s", st, problem(body))
	}
	s1 := login(t, e.srv, e.sup1)
	ids := pending(t, s1)
	if len(ids) != 1 {
		t.Fatalf("queue %v", ids)
	}
	if st, body, _ := s1.post("/console/approvals/"+ids[0]+"/approve", nil); st != http.StatusSeeOther {
		t.Fatalf("approve: %d %s", st, problem(body))
	}
	// Only the asker prints the slip.
	if st, body := s1.get("/console/approvals/" + ids[0] + "/slip"); st != http.StatusNotFound {
		t.Fatalf("the supervisor printing the teller's slip: %d %s", st, problem(body))
	}
	_, page := c.get("/console/customers/" + e.customer)
	if !strings.Contains(page, `id="approval-slip-`+ids[0]+`"`) {
		t.Fatal("no slip link on the customer's page")
	}
	st, body := c.get("/console/approvals/" + ids[0] + "/slip")
	ref, code := slipRef.FindStringSubmatch(body), slipCode.FindStringSubmatch(body)
	if st != 200 || ref == nil || code == nil {
		t.Fatalf("slip: %d %s", st, problem(body))
	}
	if st, _ := c.get("/console/approvals/" + ids[0] + "/slip"); st != http.StatusNotFound {
		t.Fatalf("the slip printed twice: %d", st)
	}
	fresh := issueWithSlip(t, e.srv, ref[1], code[1])
	o, _ := e.srv.App.CA.Certificate(t.Context(), mustSerial(t, e.serial))
	n, _ := e.srv.App.CA.Certificate(t.Context(), mustSerial(t, fresh))
	if o.Status != model.StatusRevoked || n.Kind != model.Corporate || n.Replaces.String() != e.serial {
		t.Fatalf("after the reissue: old %s, new %s replacing %s", o.Status, n.Kind, n.Replaces)
	}
	var last model.AuditEvent
	for _, ev := range auditOf(t, e.srv, "console.enrolled") {
		if ev.Details["approval"] == ids[0] {
			last = ev
		}
	}
	if last.Actor != "staff:"+e.sup1.ID || last.Details["requestedBy"] != "staff:"+e.teller.ID || last.Details["replaces"] != e.serial {
		t.Fatalf("reissue audited as %+v", last)
	}
}
