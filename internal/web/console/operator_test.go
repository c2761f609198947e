package console_test

import (
	"context"
	"crypto/x509"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/apptest"
	"github.com/certcenter/certcenter/internal/center"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/notify"
	"github.com/certcenter/certcenter/internal/web/console"
)

// printSlip checks the customer's resident card, enrolls and returns the slip's
// reference number and code as the slip page shows them.
func printSlip(t testing.TB, srv *apptest.Server, c *client, customerID string) (string, string) {
	t.Helper()
	inst, _ := srv.App.Store.Institution(t.Context(), "901")
	rec, err := srv.App.Desk.Customer(t.Context(), inst, customerID)
	if err != nil {
		t.Fatal(err)
	}
	c.get("/console/customers/" + customerID)
	if st, body, _ := c.post("/console/customers/"+customerID+"/verify", url.Values{"idtype": {"resident"}, "idnumber": {rec.IDN}}); st != http.StatusSeeOther {
		t.Fatalf("in-person check: %d %s", st, problem(body))
	}
	c.get("/console/customers/" + customerID)
	if st, body, _ := c.post("/console/customers/"+customerID+"/enroll", url.Values{"kind": {"personal"}, "usage": {"banking"}}); st != http.StatusSeeOther {
		t.Fatalf("enroll: %d %s", st, problem(body))
	}
	st, body := c.get("/console/slip")
	ref, code := slipRef.FindStringSubmatch(body), slipCode.FindStringSubmatch(body)
	if st != 200 || ref == nil || code == nil {
		t.Fatalf("slip: %d %s", st, problem(body))
	}
	return ref[1], code[1]
}

// apiKeyWorks reports whether the institutions' API accepts key.
func apiKeyWorks(t testing.TB, srv *apptest.Server, key string) bool {
	t.Helper()
	req, _ := http.NewRequest("GET", srv.URL+"/api/v1/billing", nil)
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 && resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("billing: %d", resp.StatusCode)
	}
	return resp.StatusCode == 200
}

var formCode = regexp.MustCompile(`id="inst-form" data-code="([A-Z_]*)"`)

// TestOperatorCreatesInstitution: an operator creates institution 904; its first API
// key is shown once and works at once; the list shows its names, no certificates yet
// and an active key; the creation is audited with the operator as actor. Bad input is
// refused field by field with a stable code, and nothing is created.
func TestOperatorCreatesInstitution(t *testing.T) {
	srv := start(t)
	opAcct := addStaff(t, srv, "ca", "op", model.RoleOperator)
	op := login(t, srv, opAcct)

	for _, tc := range []struct {
		name              string
		code, inst, short string
		status            int
		want              string
	}{
		{"code too short", "90", "새은행", "SAEBANK", 400, "INSTITUTION_CODE_INVALID"},
		{"code not digits", "9a4", "새은행", "SAEBANK", 400, "INSTITUTION_CODE_INVALID"},
		{"code taken", "901", "새은행", "SAEBANK", 409, "INSTITUTION_EXISTS"},
		{"no name", "904", "", "SAEBANK", 400, "INSTITUTION_NAME_INVALID"},
		{"name too long", "904", strings.Repeat("가", 41), "SAEBANK", 400, "INSTITUTION_NAME_INVALID"},
		{"control character", "904", "새\u0007은행", "SAEBANK", 400, "INSTITUTION_NAME_INVALID"},
		{"short name lower case", "904", "새은행", "saebank", 400, "INSTITUTION_SHORT_NAME_INVALID"},
		{"short name Korean", "904", "새은행", "새은행", 400, "INSTITUTION_SHORT_NAME_INVALID"},
		{"short name too long", "904", "새은행", "ABCDEFGHIJKLMNOPQ", 400, "INSTITUTION_SHORT_NAME_INVALID"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			op.get("/console/institutions/new")
			st, body, _ := op.post("/console/institutions", url.Values{"code": {tc.code}, "name": {tc.inst}, "short": {tc.short}})
			m := formCode.FindStringSubmatch(body)
			if st != tc.status || m == nil || m[1] != tc.want {
				t.Fatalf("create %q %q %q = %d %v, want %d %s", tc.code, tc.inst, tc.short, st, m, tc.status, tc.want)
			}
			if !strings.Contains(body, `id="error-summary"`) {
				t.Error("no error summary")
			}
		})
	}
	if _, err := srv.App.Store.Institution(t.Context(), "904"); err == nil {
		t.Fatal("a refused form created 904")
	}

	op.get("/console/institutions/new")
	st, body, h := op.post("/console/institutions", url.Values{"code": {"904"}, "name": {"새은행"}, "short": {"SAEBANK"}})
	if st != http.StatusSeeOther || h.Get("Location") != "/console/institutions" {
		t.Fatalf("create 904: %d %s", st, problem(body))
	}
	_, page := op.get("/console/institutions")
	m := newKey.FindStringSubmatch(page)
	if m == nil || !strings.HasPrefix(m[1], "cc_904_") {
		t.Fatalf("the first key is not shown: %v", m)
	}
	if _, again := op.get("/console/institutions"); newKey.MatchString(again) {
		t.Fatal("the first key is shown twice")
	}
	for _, want := range []string{`id="inst-904"`, "새은행", "SAEBANK"} {
		if !strings.Contains(page, want) {
			t.Errorf("the list lacks %q", want)
		}
	}
	if !regexp.MustCompile(`id="key-904"><span class="badge ok">`).MatchString(page) {
		t.Error("904's key is not shown active")
	}
	if !apiKeyWorks(t, srv, m[1]) {
		t.Fatal("the new institution's key does not work")
	}
	in, err := srv.App.Store.Institution(t.Context(), "904")
	if err != nil || in.Name != "새은행" || in.ShortName != "SAEBANK" {
		t.Fatalf("stored: %+v %v", in, err)
	}
	if !audited(t, srv, "console.institution_created", "staff:"+opAcct.ID, "904") {
		t.Error("the creation is not in the audit chain as the operator")
	}
	// Creating it again is refused.
	op.get("/console/institutions/new")
	if st, body, _ := op.post("/console/institutions", url.Values{"code": {"904"}, "name": {"또은행"}, "short": {"DDO"}}); st != http.StatusConflict || formCode.FindStringSubmatch(body)[1] != "INSTITUTION_EXISTS" {
		t.Fatalf("create 904 again: %d", st)
	}
}

// audited reports whether the chain has an event of typ by actor about subject.
func audited(t testing.TB, srv *apptest.Server, typ, actor, subject string) bool {
	found := false
	srv.App.Store.WalkAudit(t.Context(), func(e model.AuditEntry) error {
		if e.Event.Type == typ && e.Event.Actor == actor && e.Event.Subject == subject {
			found = true
		}
		return nil
	})
	return found
}

// TestOperatorRevokesAPIKey: revoking needs the confirmation box; once revoked, the
// key and an old key still in its overlap stop at once, the list says revoked, a
// second revocation is refused; issuing a new key makes the institution work again.
func TestOperatorRevokesAPIKey(t *testing.T) {
	srv := start(t)
	opAcct := addStaff(t, srv, "ca", "op", model.RoleOperator)
	op := login(t, srv, opAcct)
	rotate := func(hours string) string {
		op.get("/console/institutions")
		if st, body, _ := op.post("/console/institutions/902/rotate", url.Values{"overlap": {hours}}); st != http.StatusSeeOther {
			t.Fatalf("rotate: %d %s", st, problem(body))
		}
		_, body := op.get("/console/institutions")
		return newKey.FindStringSubmatch(body)[1]
	}
	old := rotate("0")
	cur := rotate("24")
	if !apiKeyWorks(t, srv, old) || !apiKeyWorks(t, srv, cur) {
		t.Fatal("keys before the revocation")
	}
	op.get("/console/institutions")
	if st, body, _ := op.post("/console/institutions/902/revoke-key", nil); st != http.StatusBadRequest || problem(body) != "CONFIRMATION_REQUIRED" {
		t.Fatalf("revoke without confirmation: %d %s", st, problem(body))
	}
	if !apiKeyWorks(t, srv, cur) {
		t.Fatal("a refused revocation stopped the key")
	}
	if st, body, _ := op.post("/console/institutions/902/revoke-key", url.Values{"confirm": {"yes"}}); st != http.StatusSeeOther {
		t.Fatalf("revoke: %d %s", st, problem(body))
	}
	if apiKeyWorks(t, srv, cur) || apiKeyWorks(t, srv, old) {
		t.Fatal("a revoked key still works")
	}
	_, page := op.get("/console/institutions")
	if !regexp.MustCompile(`id="key-902"><span class="badge bad">`).MatchString(page) || strings.Contains(page, `id="revoke-key-902"`) {
		t.Error("the list does not show 902's key revoked")
	}
	if !audited(t, srv, "console.api_key_revoked", "staff:"+opAcct.ID, "902") {
		t.Error("the revocation is not audited as the operator")
	}
	if st, body, _ := op.post("/console/institutions/902/revoke-key", url.Values{"confirm": {"yes"}}); st != http.StatusConflict || problem(body) != "API_KEY_ALREADY_REVOKED" {
		t.Fatalf("revoke again: %d %s", st, problem(body))
	}
	if st, _, _ := op.post("/console/institutions/999/revoke-key", url.Values{"confirm": {"yes"}}); st != http.StatusNotFound {
		t.Errorf("unknown institution: %d", st)
	}
	fresh := rotate("0")
	if !apiKeyWorks(t, srv, fresh) || apiKeyWorks(t, srv, cur) {
		t.Fatal("a new key after the revocation")
	}
	if _, page := op.get("/console/institutions"); !regexp.MustCompile(`id="key-902"><span class="badge ok">`).MatchString(page) {
		t.Error("the new key is not shown active")
	}
}

// failing refuses every message to fail and accepts the others.
type failing struct{ fail map[string]bool }

func (f failing) Send(_ context.Context, m notify.Message) error {
	if f.fail[m.To] {
		return fmt.Errorf("sms gateway: 550 recipient %s refused", m.To)
	}
	return nil
}

// cell returns the text of the element with id (tags stripped).
func cell(t testing.TB, page, id string) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)id="` + regexp.QuoteMeta(id) + `"[^>]*>(.*?)</(?:dd|td|span|code|tr|p)>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no #%s on the page", id)
	}
	return strings.TrimSpace(regexp.MustCompile(`<[^>]+>`).ReplaceAllString(m[1], ""))
}

// TestOperationsPage: the operations page shows what the test made: the CA
// certificates' serials and key places, the CRL just published (its number, size and
// one entry), the pre-signed OCSP responses, a reminder due and then sent (through the
// app's notifier, whose log the counts read), a failure and its retry with the
// recipient masked.
func TestOperationsPage(t *testing.T) {
	srv := start(t)
	ctx := t.Context()
	op := login(t, srv, addStaff(t, srv, "ca", "op", model.RoleOperator))
	teller := login(t, srv, addStaff(t, srv, "901", "teller", model.RoleTeller))
	inst, _ := srv.App.Store.Institution(ctx, "901")
	cust, err := srv.App.Desk.FindCustomer(ctx, inst, demoName, demoIDN)
	if err != nil {
		t.Fatal(err)
	}

	_, page := op.get("/console/operations")
	if got := cell(t, page, "ocsp-count"); got != "0" {
		t.Errorf("OCSP responses before any: %q", got)
	}
	if got := cell(t, page, "rem-due"); got != "0" {
		t.Errorf("reminders due before any certificate: %q", got)
	}

	// Two certificates: a yearly one, revoked; a 25-day one (demo), whose 30-day
	// reminder is due.
	ref, code := printSlip(t, srv, teller, cust.ID)
	s1 := mustSerial(t, issueWithSlip(t, srv, ref, code))
	if _, err := srv.App.Center.Revoke(ctx, &inst, s1, model.ReasonKeyCompromise, nil, "test"); err != nil {
		t.Fatal(err)
	}
	ref, code = printSlip(t, srv, teller, cust.ID)
	csrPEM(t) // makes rsaKey
	if _, err := srv.App.Center.IssueWithCodeOptions(ctx, ref, code, &rsaKey.PublicKey, nil, center.IssueOptions{ValidityDays: 25}); err != nil {
		t.Fatal(err)
	}
	c1, err := srv.App.Store.Certificate(ctx, s1)
	if err != nil {
		t.Fatal(err)
	}
	crl, err := srv.App.Revocation.Publish(ctx, c1.Partition)
	if err != nil {
		t.Fatal(err)
	}
	signed, err := srv.App.Revocation.PresignAll(ctx)
	if err != nil || signed != 2 {
		t.Fatalf("PresignAll = %d, %v; want 2", signed, err)
	}
	// The notifier the app built records what it sends: a failing transport behind a
	// recorder on the same store shows a failure and its retry, recipient masked.
	rec := &notify.Recorder{Next: failing{fail: map[string]bool{"01099998888": true}}, Store: srv.App.Store, Key: srv.App.Seal.MAC, Now: srv.Clock.Now}
	msg := notify.Message{Institution: "901", Channel: notify.SMS, To: "01099998888", Body: "code 123456"}
	if err := rec.Send(ctx, msg); err == nil {
		t.Fatal("the failing transport accepted")
	}
	if err := rec.Send(ctx, msg); err == nil {
		t.Fatal("the failing transport accepted")
	}
	rec.Next = failing{}
	if err := rec.Send(ctx, msg); err != nil {
		t.Fatal(err)
	}

	_, page = op.get("/console/operations")
	row := "crl-issuing-" + fmt.Sprint(c1.Partition)
	if !strings.Contains(page, `id="`+row+`"`) {
		t.Fatalf("no row for partition %d", c1.Partition)
	}
	crlRow := regexp.MustCompile(`(?s)id="` + row + `">(.*?)</tr>`).FindStringSubmatch(page)[1]
	list, _ := x509.ParseRevocationList(crl.DER)
	for _, want := range []string{
		`class="crl-number">` + fmt.Sprint(crl.Number) + `<`,
		fmt.Sprintf("%d바이트 · %d건", len(crl.DER), len(list.RevokedCertificateEntries)),
		`badge ok`,
	} {
		if !strings.Contains(crlRow, want) {
			t.Errorf("partition %d row lacks %q: %s", c1.Partition, want, crlRow)
		}
	}
	if len(list.RevokedCertificateEntries) != 1 {
		t.Errorf("the CRL has %d entries, want the revoked certificate", len(list.RevokedCertificateEntries))
	}
	if got := cell(t, page, "ocsp-count"); got != "2" {
		t.Errorf("OCSP responses: %q, want 2", got)
	}
	if got := cell(t, page, "ocsp-stale"); got != "0" {
		t.Errorf("stale OCSP responses: %q, want 0", got)
	}
	if got := cell(t, page, "rem-due"); got != "1" {
		t.Errorf("reminders due: %q, want 1", got)
	}
	sms := regexp.MustCompile(`(?s)id="notify-sms">(.*?)</tr>`).FindStringSubmatch(page)
	if sms == nil {
		t.Fatal("no SMS row")
	}
	for class, want := range map[string]string{"n-sent": "1", "n-failed": "2", "n-retried": "2"} {
		m := regexp.MustCompile(`class="` + class + `">(?:<span[^>]*>)?([0-9]+)`).FindStringSubmatch(sms[1])
		if m == nil || m[1] != want {
			t.Errorf("SMS %s = %v, want %s", class, m, want)
		}
	}
	if !strings.Contains(page, "010-****-8888") || strings.Contains(page, "01099998888") || strings.Contains(page, "123456") {
		t.Error("the failures do not show the recipient masked (or show the body)")
	}
	issuing, _ := x509.ParseCertificate(srv.App.CA.IssuingDER())
	if got := cell(t, page, "ca-serial-issuing"); got != fmt.Sprintf("%x", issuing.SerialNumber.Bytes()) {
		t.Errorf("issuing CA serial %q", got)
	}
	if got := cell(t, page, "ca-key-issuing"); !strings.HasPrefix(got, "file: ") && !strings.HasPrefix(got, "PKCS#11: ") {
		t.Errorf("issuing CA key %q", got)
	}
	if strings.Contains(page, "PRIVATE KEY") {
		t.Error("key material on the page")
	}

	// The institutions list: 901 issued personal certificates only, 902 none.
	_, insts := op.get("/console/institutions")
	if got := cell(t, insts, "kinds-901"); got != "개인" {
		t.Errorf("kinds of 901: %q, want 개인", got)
	}
	if got := cell(t, insts, "kinds-902"); got != "없음" {
		t.Errorf("kinds of 902: %q, want 없음", got)
	}

	// No node reported (the jobs do not run here): nobody holds the publisher lock.
	if got := cell(t, page, "publisher"); !strings.Contains(got, "발행하는 노드가 없습니다") {
		t.Errorf("publisher with no node: %q", got)
	}
	// A node that held the lock and went silent 10 minutes ago is shown so.
	gone := model.Node{ID: "node_gone", Host: "h9", PID: 9, StartedAt: srv.Clock.Now().Add(-time.Hour), LastSeenAt: srv.Clock.Now().Add(-10 * time.Minute)}
	if err := srv.App.Store.NodeSeen(ctx, gone, true); err != nil {
		t.Fatal(err)
	}
	_, page = op.get("/console/operations")
	if got := cell(t, page, "publisher"); !strings.Contains(got, "node_gone") || !strings.Contains(got, "끊겼습니다") {
		t.Errorf("publisher gone silent: %q", got)
	}
	if row := regexp.MustCompile(`(?s)id="node-node_gone">(.*?)</tr>`).FindStringSubmatch(page); row == nil || !strings.Contains(row[1], "신호 없음") || strings.Contains(row[1], "badge ok") {
		t.Errorf("silent node row: %v", row)
	}

	// The reminder goes out through the app's notifier: the counts and the queue follow.
	sent, err := srv.App.Desk.NewReminders().RunOnce(ctx)
	if err != nil || sent != 1 {
		t.Fatalf("reminders: %d %v", sent, err)
	}
	_, page = op.get("/console/operations")
	if got := cell(t, page, "rem-sent"); got != "1" {
		t.Errorf("reminders sent: %q", got)
	}
	if got := cell(t, page, "rem-due"); got != "0" {
		t.Errorf("reminders due after sending: %q", got)
	}
	sms = regexp.MustCompile(`(?s)id="notify-sms">(.*?)</tr>`).FindStringSubmatch(page)
	if m := regexp.MustCompile(`class="n-sent">([0-9]+)`).FindStringSubmatch(sms[1]); m == nil || m[1] != "2" {
		t.Errorf("SMS sent after the reminder: %v, want 2", m)
	}
}

// TestCALevel: a CA certificate is shown in the warning colour under 90 days left and
// as expired after notAfter.
func TestCALevel(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		notAfter time.Time
		days     int
		level    string
	}{
		{now.Add(400 * 24 * time.Hour), 400, "ok"},
		{now.Add(90 * 24 * time.Hour), 90, "ok"},
		{now.Add(89*24*time.Hour + time.Hour), 89, "warn"},
		{now.Add(time.Hour), 0, "warn"},
		{now, 0, "bad"},
		{now.Add(-time.Hour), 0, "bad"},
	} {
		if days, level := console.CALevel(tc.notAfter, now); days != tc.days || level != tc.level {
			t.Errorf("CALevel(%v) = %d %s, want %d %s", tc.notAfter.Sub(now), days, level, tc.days, tc.level)
		}
	}
}

// TestOperationsNodes: with the background jobs running, the node's heartbeat is in
// the nodes table and the page names it as the publisher lock's holder.
func TestOperationsNodes(t *testing.T) {
	srv := apptest.Start(t, apptest.Options{Jobs: true})
	op := login(t, srv, addStaff(t, srv, "ca", "op", model.RoleOperator))
	var node model.Node
	deadline := time.Now().Add(30 * time.Second)
	for {
		nodes, err := srv.App.Store.Nodes(t.Context(), srv.Clock.Now().Add(-time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if len(nodes) == 1 && nodes[0].PublisherSince != nil {
			node = nodes[0]
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no publishing node recorded: %+v", nodes)
		}
		time.Sleep(200 * time.Millisecond)
	}
	_, page := op.get("/console/operations")
	if !strings.Contains(page, `id="node-`+node.ID+`"`) {
		t.Fatalf("the page does not list node %s", node.ID)
	}
	if got := cell(t, page, "publisher"); !strings.Contains(got, node.ID) || !strings.Contains(got, node.Host) {
		t.Errorf("publisher: %q, want %s on %s", got, node.ID, node.Host)
	}
}
