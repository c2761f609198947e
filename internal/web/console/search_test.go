package console_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/certcenter/certcenter/internal/apptest"
	"github.com/certcenter/certcenter/internal/model"
)

// TestSearch finds the demo customer by each of the four keys on both databases; a
// malformed search is CONSOLE_SEARCH_INVALID, another institution's customer is never
// found, and the audit records which key was used but not its value.
func TestSearch(t *testing.T) {
	for _, driver := range []string{"sqlite", "postgres"} {
		t.Run(driver, func(t *testing.T) {
			srv := apptest.Start(t, apptest.Options{Driver: driver})
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
			other := login(t, srv, addStaff(t, srv, "902", "teller2", model.RoleTeller))
			for _, q := range []url.Values{
				{"mode": {"name"}, "name": {demoName}, "birth": {"800101"}},
				{"mode": {"phone"}, "phone": {"010-1234-5678"}},
				{"mode": {"serial"}, "serial": {strings.ToUpper(serial)}},
				{"mode": {"cn"}, "cn": {cert.CommonName}},
			} {
				st, body := c.get("/console/customers?" + q.Encode())
				if st != 200 || !strings.Contains(body, `id="open-`+cust.ID+`"`) {
					t.Errorf("search %v: %d, customer not found", q, st)
				}
				if st, body := other.get("/console/customers?" + q.Encode()); st != 200 || strings.Contains(body, `id="open-`+cust.ID+`"`) {
					t.Errorf("search %v by another institution's teller: %d, found 901's customer", q, st)
				}
			}
			for _, q := range []url.Values{
				{"mode": {"name"}, "name": {demoName}, "birth": {"1980-01-01"}},
				{"mode": {"phone"}, "phone": {"12345"}},
				{"mode": {"serial"}, "serial": {"zz"}},
				{"mode": {"cn"}, "cn": {""}},
				{"mode": {"idn"}},
			} {
				if st, _ := c.get("/console/customers?" + q.Encode()); st != http.StatusBadRequest {
					t.Errorf("search %v: %d, want 400", q, st)
				}
			}
			if st, body := c.get("/console/customers?mode=name&name=" + url.QueryEscape(demoName) + "&birth=800102"); st != 200 || !strings.Contains(body, `id="no-results"`) {
				t.Errorf("wrong birth date: %d", st)
			}
			srv.App.Store.WalkAudit(t.Context(), func(e model.AuditEntry) error {
				if e.Event.Type == "console.search" {
					for _, v := range append([]string{e.Event.Subject}, mapValues(e.Event.Details)...) {
						if strings.Contains(v, demoName) || strings.Contains(v, "1234") || strings.Contains(v, "800101") {
							t.Errorf("search audit carries %q", v)
						}
					}
				}
				return nil
			})
		})
	}
}

func mapValues(m map[string]string) []string {
	var out []string
	for _, v := range m {
		out = append(out, v)
	}
	return out
}
