package console_test

import (
	"bytes"
	"crypto/x509"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"golang.org/x/crypto/ocsp"

	"github.com/certcenter/certcenter/internal/apptest"
	"github.com/certcenter/certcenter/internal/model"
)

// TestTellerRevokeShowsInOCSP: a certificate a teller enrolled is good in OCSP, and
// revoked (keyCompromise) there once the teller revokes it in the console. A teller of
// another institution cannot touch it.
func TestTellerRevokeShowsInOCSP(t *testing.T) {
	// Tellers revoke alone here ([console] approvals = []); TestRevokeOnBehalfNeedsApproval
	// has the default, where a supervisor approves.
	srv := apptest.Start(t, apptest.Options{Jobs: true, Adjust: noApprovals})
	if err := srv.App.SeedDemoCustomers(t.Context()); err != nil {
		t.Fatal(err)
	}
	inst, _ := srv.App.Store.Institution(t.Context(), "901")
	cust, err := srv.App.Desk.FindCustomer(t.Context(), inst, demoName, demoIDN)
	if err != nil {
		t.Fatal(err)
	}
	c := login(t, srv, addStaff(t, srv, "901", "teller", model.RoleTeller))
	serial := enrollAndIssue(t, srv, c, cust.ID)
	cert, err := srv.App.CA.Certificate(t.Context(), mustSerial(t, serial))
	if err != nil {
		t.Fatal(err)
	}
	issuing, err := x509.ParseCertificate(srv.App.CA.IssuingDER())
	if err != nil {
		t.Fatal(err)
	}
	status := func() int {
		leaf, _ := x509.ParseCertificate(cert.DER)
		req, _ := ocsp.CreateRequest(leaf, issuing, nil)
		resp, err := http.Post(srv.URL+"/ocsp", "application/ocsp-request", bytes.NewReader(req))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		der, _ := io.ReadAll(resp.Body)
		r, err := ocsp.ParseResponseForCert(der, leaf, issuing)
		if err != nil {
			t.Fatalf("OCSP: %v", err)
		}
		return r.Status
	}
	if s := status(); s != ocsp.Good {
		t.Fatalf("before: OCSP status %d", s)
	}

	other := login(t, srv, addStaff(t, srv, "902", "teller2", model.RoleTeller))
	if st, body, _ := other.post("/console/certificates/"+serial+"/revoke", url.Values{"reason": {"keyCompromise"}, "note": {"x"}}); st != http.StatusNotFound || problem(body) != "CONSOLE_NOT_FOUND" {
		t.Fatalf("another institution's teller: %d %s", st, problem(body))
	}
	if st, _ := other.get("/console/customers/" + cust.ID); st != http.StatusNotFound {
		t.Fatalf("another institution's customer page: %d", st)
	}

	c.get("/console/customers/" + cust.ID)
	if st, body, _ := c.post("/console/certificates/"+serial+"/revoke", url.Values{"reason": {"keyCompromise"}, "note": {"stolen"}}); st != http.StatusSeeOther {
		t.Fatalf("revoke: %d %s", st, problem(body))
	}
	deadline := time.Now().Add(15 * time.Second)
	for status() != ocsp.Revoked {
		if time.Now().After(deadline) {
			t.Fatal("the teller's revocation is not in OCSP after 15 s")
		}
		time.Sleep(50 * time.Millisecond)
	}
}
