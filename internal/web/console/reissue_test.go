package console_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/certcenter/certcenter/internal/model"
)

// TestTellerReissue: after a new in-person check, a teller enrolls a reissue of the
// customer's certificate; once the slip is redeemed the old certificate is revoked
// (superseded) and the new one keeps its expiry. A serial that is not the customer's
// is refused.
func TestTellerReissue(t *testing.T) {
	srv := start(t)
	inst, _ := srv.App.Store.Institution(t.Context(), "901")
	cust, err := srv.App.Desk.FindCustomer(t.Context(), inst, demoName, demoIDN)
	if err != nil {
		t.Fatal(err)
	}
	other, err := srv.App.Desk.FindCustomer(t.Context(), inst, "김영희", "8505052345678")
	if err != nil {
		t.Fatal(err)
	}
	c := login(t, srv, addStaff(t, srv, "901", "teller", model.RoleTeller))
	old := enrollAndIssue(t, srv, c, cust.ID)
	theirs := enrollAndIssue(t, srv, c, other.ID)

	verify := func() {
		c.get("/console/customers/" + cust.ID)
		if st, body, _ := c.post("/console/customers/"+cust.ID+"/verify", url.Values{"idtype": {"driver"}, "idnumber": {"11-22-333333-44"}}); st != http.StatusSeeOther {
			t.Fatalf("in-person check: %d %s", st, problem(body))
		}
		c.get("/console/customers/" + cust.ID)
	}
	verify()
	if st, body, _ := c.post("/console/customers/"+cust.ID+"/enroll", url.Values{"kind": {"personal"}, "usage": {"banking"}, "replaces": {theirs}}); st != http.StatusNotFound {
		t.Fatalf("reissue of another customer's certificate: %d %s", st, problem(body))
	}
	if st, body, _ := c.post("/console/customers/"+cust.ID+"/enroll", url.Values{"kind": {"personal"}, "usage": {"banking"}, "replaces": {old}}); st != http.StatusSeeOther {
		t.Fatalf("reissue: %d %s", st, problem(body))
	}
	_, body := c.get("/console/slip")
	ref, code := slipRef.FindStringSubmatch(body), slipCode.FindStringSubmatch(body)
	if ref == nil || code == nil {
		t.Fatalf("no slip: %s", problem(body))
	}
	fresh := issueWithSlip(t, srv, ref[1], code[1])
	o, _ := srv.App.CA.Certificate(t.Context(), mustSerial(t, old))
	n, _ := srv.App.CA.Certificate(t.Context(), mustSerial(t, fresh))
	if o.Status != model.StatusRevoked || o.Reason == nil || *o.Reason != model.ReasonSuperseded {
		t.Fatalf("old certificate after the reissue: %s %v", o.Status, o.Reason)
	}
	if n.Status != model.StatusValid || !n.NotAfter.Equal(o.NotAfter) || n.Replaces.String() != old {
		t.Fatalf("new certificate: %s until %v (old until %v), replaces %s", n.Status, n.NotAfter, o.NotAfter, n.Replaces)
	}
}
