package app_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/app"
	"github.com/certcenter/certcenter/internal/audit"
	"github.com/certcenter/certcenter/internal/model"
)

// Reminders at 30, 7 and 1 days before expiry go out exactly once with two nodes
// running the scheduler on one database, and a reminder claimed by a node that died
// mid-run is sent by another after the lease.
func TestCenterRemindersTwoNodes(t *testing.T) {
	drivers(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		ctx := context.Background()
		second, err := app.Open(ctx, e.cfg, app.Options{Now: e.clock.Now, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatalf("second node: %v", err)
		}
		defer second.Close()
		c := e.customer("901", "홍길동", idnHong)
		cert := e.record(e.issueFor("901", c.ID, subscriberKey(t), nil).Serial)
		// A certificate without a customer (counter enrollment) gets no reminder.
		e.issueOne("901")

		nodes := []interface {
			RunOnce(context.Context) (int, error)
		}{e.app.Desk.NewReminders(), second.Desk.NewReminders()}
		runBoth := func() int {
			var wg sync.WaitGroup
			var mu sync.Mutex
			total := 0
			for _, n := range nodes {
				wg.Add(1)
				go func() {
					defer wg.Done()
					sent, err := n.RunOnce(ctx)
					if err != nil {
						t.Errorf("RunOnce = %v", err)
					}
					mu.Lock()
					total += sent
					mu.Unlock()
				}()
			}
			wg.Wait()
			return total
		}
		// Each run is an hour after a threshold instant (notAfter, 23:59:59 KST, minus
		// whole days): the next calendar day in Korea, which the message counts from.
		label := map[int]string{30: "(D-29)", 7: "(D-6)", 1: "(D-day)"}
		count := func(days int) int {
			n := 0
			for _, m := range e.outbox("901").Messages {
				if strings.Contains(m.Body, label[days]) {
					n++
				}
			}
			return n
		}
		defer e.at(cert.NotAfter.Add(-31 * 24 * time.Hour))()
		if n := runBoth(); n != 0 {
			t.Errorf("31 days before: %d reminders sent", n)
		}
		for _, days := range []int{30, 7} {
			e.at(cert.NotAfter.Add(-time.Duration(days)*24*time.Hour + time.Hour))
			if n := runBoth(); n != 1 {
				t.Errorf("%d days before: %d reminders sent by two nodes, want 1", days, n)
			}
			runBoth() // again: nothing new
			if n := count(days); n != 2 {
				t.Errorf("%d days before: %d messages in the outbox, want 2 (e-mail and SMS)", days, n)
			}
		}
		// One day before, a node claims the reminder and dies before sending.
		now := cert.NotAfter.Add(-24*time.Hour + time.Hour)
		e.at(now)
		if ok, err := e.app.Store.ClaimReminder(ctx, cert.Serial, 1, "node_dead", now, now.Add(-5*time.Minute)); !ok || err != nil {
			t.Fatalf("ClaimReminder = %v, %v", ok, err)
		}
		if n := runBoth(); n != 0 {
			t.Errorf("a claim held by a live-looking node was taken: %d sent", n)
		}
		e.clock.Add(5*time.Minute + time.Second)
		if n := runBoth(); n != 1 || count(1) != 2 {
			t.Errorf("after the lease: %d sent, %d messages, want 1 and 2", n, count(1))
		}
		runBoth()
		if count(30)+count(7)+count(1) != 6 {
			t.Errorf("outbox holds %d reminders, want 6", count(30)+count(7)+count(1))
		}
		if m := e.outbox("901").Messages[0]; strings.Contains(m.To, "5678") && strings.Contains(m.To, "1234") {
			t.Errorf("outbox recipient not masked: %q", m.To)
		}
	})
}

// Reminders state the real days left (a certificate 10 days from expiry got "D-30"),
// show the random tail of the serial (the first bytes are the time of drawing, shared by
// every certificate drawn in the same second), and reach certificates enrolled at the
// counter through the customer record with the same identity number and name; a
// counter enrollment of someone with no record says so in its answer.
func TestCenterRemindersDaysSerialCounter(t *testing.T) {
	e := newEnv(t, "sqlite")
	ctx := context.Background()
	// Not a demo customer (democustomers.go), so the test creates the record itself.
	const idnPark = "7503031234567"
	c := e.customer("901", "박민수", idnPark)
	type answer struct {
		Reference, AuthCode, CustomerID, Reminders string
	}
	counter := func(name, idn string) answer {
		t.Helper()
		var out answer
		if st, m := e.do("POST", "/api/v1/enrollments", e.keys["901"], map[string]string{"name": name, "idn": idn, "tellerId": "T-9"}, &out); st != 201 {
			t.Fatalf("counter enrollment = %d %v", st, m)
		}
		return out
	}
	issue := func(a answer) model.Certificate {
		t.Helper()
		st, m, got := e.issue(enrolled{a.Reference, a.AuthCode}, csrPEM(t, subscriberKey(t)), "")
		if st != 201 {
			t.Fatalf("issue = %d %v", st, m)
		}
		return e.record(got.Serial)
	}
	atCounter := counter("박민수", idnPark)
	if atCounter.Reminders != "customer" || atCounter.CustomerID != c.ID {
		t.Errorf("counter enrollment of a customer on file = %+v, want reminders to customer %s", atCounter, c.ID)
	}
	stranger := counter("김철수", "9001011234567")
	if stranger.Reminders != "no-customer" || stranger.CustomerID != "" {
		t.Errorf("counter enrollment of a stranger = %+v, want reminders no-customer", stranger)
	}
	if other := counter("박민호", idnPark); other.Reminders != "name-differs" || other.CustomerID != "" {
		t.Errorf("counter enrollment under another name = %+v, want reminders name-differs", other)
	}
	certs := []model.Certificate{issue(atCounter), e.record(e.issueFor("901", c.ID, subscriberKey(t), nil).Serial)}
	strangerCert := issue(stranger)
	if certs[0].Serial.String()[:8] != certs[1].Serial.String()[:8] {
		t.Fatalf("serials %s and %s drawn in the same second differ in their first bytes", certs[0].Serial, certs[1].Serial)
	}

	// Noon, Korea time, 10 calendar days before the expiry day: the 30-day reminder is
	// due and says D-10.
	y, mo, d := certs[0].NotAfter.In(kst).Date()
	defer e.at(time.Date(y, mo, d-10, 12, 0, 0, 0, kst))()
	if n, err := e.app.Desk.NewReminders().RunOnce(ctx); n != 2 || err != nil {
		t.Fatalf("RunOnce = %d, %v, want the two certificates of the customer", n, err)
	}
	msgs := e.outbox("901").Messages
	bodies := map[string]bool{}
	for _, m := range msgs {
		if !strings.Contains(m.Body, "(D-10)") || strings.Contains(m.Body, "D-30") {
			t.Errorf("reminder %q does not say D-10", m.Body)
		}
		if m.Channel == "email" && !strings.Contains(m.Subject, "10일 전") {
			t.Errorf("reminder subject %q does not say 10 days", m.Subject)
		}
		if strings.Contains(m.Body, tail(strangerCert.Serial)) {
			t.Errorf("the certificate enrolled for a stranger got a reminder: %q", m.Body)
		}
		if m.Channel == "sms" {
			bodies[m.Body] = true
		}
	}
	for _, cert := range certs {
		n := 0
		for _, m := range msgs {
			if strings.Contains(m.Body, tail(cert.Serial)) {
				n++
			}
		}
		if n != 2 {
			t.Errorf("%d messages name serial …%s, want 2 (e-mail and SMS)", n, tail(cert.Serial))
		}
	}
	if len(bodies) != 2 {
		t.Errorf("the two certificates' SMS reminders are not distinguishable: %v", bodies)
	}
}

var kst = time.FixedZone("KST", 9*3600)

func tail(s model.Serial) string {
	h := strings.ToUpper(s.String())
	return h[len(h)-8:]
}

// Universal certificates record their fee: 4,400 KRW a year for persons, the configured
// corporate fee, nothing for banking ones and for a reissue.
func TestCenterFees(t *testing.T) {
	e := newEnv(t, "sqlite")
	ctx := context.Background()
	person := e.customer("901", "홍길동", idnHong)
	company := e.customer("901", "데모상사", "1234567890")
	p := e.issueFor("901", person.ID, subscriberKey(t), map[string]any{"usage": "universal"})
	co := e.issueFor("901", company.ID, subscriberKey(t), map[string]any{"kind": "corporate", "usage": "universal"})
	e.issueFor("901", person.ID, subscriberKey(t), nil) // banking: free
	e.issueFor("901", person.ID, otherKey(t, 0), map[string]any{"usage": "universal", "replaces": p.Serial})
	if _, err := e.app.Desk.BillPending(ctx); err != nil {
		t.Fatal(err)
	}
	if n, err := e.app.Desk.BillPending(ctx); n != 0 || err != nil {
		t.Errorf("second BillPending = %d, %v, want nothing new", n, err)
	}
	var out struct {
		Records []struct {
			Serial, Kind, Usage, PolicyOid, Note string
			AmountKrw                            int64
		}
	}
	if st, m := e.do("GET", "/api/v1/billing", e.keys["901"], nil, &out); st != 200 {
		t.Fatalf("billing = %d %v", st, m)
	}
	got := map[string]string{}
	for _, r := range out.Records {
		got[r.Serial] = fmt.Sprintf("%s %d %s", r.Note, r.AmountKrw, r.PolicyOid)
	}
	if len(out.Records) != 3 || got[p.Serial] != "issue 4400 1.2.410.200005.1.1.1" || got[co.Serial] != "issue 110000 1.2.410.200005.1.1.5" {
		t.Errorf("billing records: %v", got)
	}
	var reissue int
	for _, r := range out.Records {
		if r.Note == "reissue" && r.AmountKrw == 0 {
			reissue++
		}
	}
	if reissue != 1 {
		t.Errorf("reissue billing: %v", got)
	}
	var other struct{ Records []any }
	if e.do("GET", "/api/v1/billing", e.keys["902"], nil, &other); len(other.Records) != 0 {
		t.Errorf("institution 902 sees 901's billing: %v", other.Records)
	}
}

// The audit chain holds every lifecycle event, verifies, carries no personal data, and
// an edited row is detected.
func TestCenterAuditChain(t *testing.T) {
	drivers(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		ctx := context.Background()
		c := e.customer("901", "홍길동", idnHong)
		_, _, v := e.verify("901", map[string]any{"customerId": c.ID, "method": "sms"})
		code := e.lastOTP("901")
		e.do("POST", "/api/v1/verifications/"+v.ID+"/confirm", e.keys["901"], map[string]any{"code": "999999"}, nil)
		e.do("POST", "/api/v1/verifications/"+v.ID+"/confirm", e.keys["901"], map[string]any{"code": code}, nil)
		e.verify("901", map[string]any{"customerId": c.ID, "method": "account", "accountNumber": "1002345678901", "accountPin": "0000"})
		cert := e.issueFor("901", c.ID, subscriberKey(t), nil)
		e.do("POST", "/api/v1/certificates/"+cert.Serial+"/suspension", e.keys["901"], nil, nil)
		e.do("DELETE", "/api/v1/certificates/"+cert.Serial+"/suspension", e.keys["901"], nil, nil)
		c2 := e.customer("902", "홍길동", idnHong)
		st, _, reg := e.register("902", c2.ID, cert, nil, cert.RandomNum)
		if st != http.StatusCreated {
			t.Fatalf("register = %d", st)
		}
		e.do("DELETE", "/api/v1/registrations/"+reg["id"].(string), e.keys["902"], nil, nil)
		e.do("POST", "/api/v1/certificates/"+cert.Serial+"/revocation", e.keys["901"], map[string]any{"reason": "keyCompromise"}, nil)

		v1 := audit.NewVerifier()
		types := map[string]int{}
		secrets := []string{idnHong, "800101", "01012345678", "hong@example.kr", "1002345678901", code, "홍길동"}
		var first model.AuditEntry
		err := e.app.Store.WalkAudit(ctx, func(en model.AuditEntry) error {
			types[en.Event.Type]++
			if en.Event.Type == "customer.created" {
				first = en
			}
			all := en.Event.Actor + " " + en.Event.Subject
			for k, v := range en.Event.Details {
				all += " " + k + "=" + v
			}
			for _, s := range secrets {
				if strings.Contains(all, s) {
					t.Errorf("audit entry %s %s holds personal data or a code: %q", en.Event.Type, en.Event.Subject, all)
				}
			}
			return v1.Add(en)
		})
		if err != nil {
			t.Fatalf("the chain does not verify: %v", err)
		}
		heads, _ := e.app.Store.AuditHeads(ctx)
		if err := v1.CheckHeads(heads); err != nil {
			t.Fatal(err)
		}
		for _, typ := range []string{"customer.created", "verification.started", "verification.wrong_answer", "verification.verified",
			"verification.failed", "enrollment.created", "certificate.issued", "certificate.suspended", "certificate.resumed",
			"registration.challenged", "registration.created", "registration.deleted", "certificate.revoked"} {
			if types[typ] == 0 {
				t.Errorf("no %s event in the audit log (have %v)", typ, types)
			}
		}

		// Edit one row: the verifier names it.
		q := `UPDATE audit_log SET actor = 'tampered' WHERE chain = ? AND seq = ?`
		if driver == "postgres" {
			q = `UPDATE audit_log SET actor = 'tampered' WHERE chain = $1 AND seq = $2`
		}
		if _, err := e.app.Store.SQL().ExecContext(ctx, q, first.Chain, first.Seq); err != nil {
			t.Fatal(err)
		}
		v2 := audit.NewVerifier()
		err = e.app.Store.WalkAudit(ctx, v2.Add)
		if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("chain %d entry %d", first.Chain, first.Seq)) {
			t.Errorf("after editing chain %d entry %d: %v", first.Chain, first.Seq, err)
		}
	})
}
