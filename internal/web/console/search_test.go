package console_test

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/certcenter/certcenter/internal/apptest"
	"github.com/certcenter/certcenter/internal/center"
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

var searchCode = regexp.MustCompile(`id="search-code">([A-Z_]+)<`)

// TestSearchRefusals: every refused search is a 400 with its stable code, and the
// error summary links to the field to fix.
func TestSearchRefusals(t *testing.T) {
	srv := start(t)
	c := login(t, srv, addStaff(t, srv, "901", "teller", model.RoleTeller))
	for _, tc := range []struct {
		q     url.Values
		code  string
		field string
	}{
		{url.Values{"mode": {"name"}, "name": {""}, "birth": {"800101"}}, "CONSOLE_SEARCH_EMPTY", "name"},
		{url.Values{"mode": {"name"}, "name": {demoName}, "birth": {""}}, "CONSOLE_SEARCH_EMPTY", "birth"},
		{url.Values{"mode": {"phone"}, "phone": {" "}}, "CONSOLE_SEARCH_EMPTY", "phone"},
		{url.Values{"mode": {"serial"}, "serial": {""}}, "CONSOLE_SEARCH_EMPTY", "serial"},
		{url.Values{"mode": {"cn"}, "cn": {""}}, "CONSOLE_SEARCH_EMPTY", "cn"},
		{url.Values{"mode": {"name"}, "name": {strings.Repeat("김", 39)}, "birth": {"800101"}}, "CONSOLE_SEARCH_TOO_LONG", "name"},
		{url.Values{"mode": {"phone"}, "phone": {"010-1234-5678-0000-00"}}, "CONSOLE_SEARCH_TOO_LONG", "phone"},
		{url.Values{"mode": {"serial"}, "serial": {strings.Repeat("ab", 21)}}, "CONSOLE_SEARCH_TOO_LONG", "serial"},
		{url.Values{"mode": {"cn"}, "cn": {strings.Repeat("x", 129)}}, "CONSOLE_SEARCH_TOO_LONG", "cn"},
		{url.Values{"mode": {"cn"}, "cn": {"x"}, "pad": {strings.Repeat("x", 1100)}}, "CONSOLE_SEARCH_TOO_LONG", "mode-cn"},
		{url.Values{"mode": {"name"}, "name": {demoName}, "birth": {"1980-01-01"}}, "CONSOLE_SEARCH_BIRTH", "birth"},
		{url.Values{"mode": {"name"}, "name": {demoName}, "birth": {"801301"}}, "CONSOLE_SEARCH_BIRTH", "birth"},
		{url.Values{"mode": {"name"}, "name": {demoName}, "birth": {"810229"}}, "CONSOLE_SEARCH_BIRTH", "birth"},
		{url.Values{"mode": {"name"}, "name": {demoName}, "birth": {"800431"}}, "CONSOLE_SEARCH_BIRTH", "birth"},
		{url.Values{"mode": {"phone"}, "phone": {"02-1234-5678"}}, "CONSOLE_SEARCH_INVALID", "phone"},
		{url.Values{"mode": {"serial"}, "serial": {"xyz"}}, "CONSOLE_SEARCH_INVALID", "serial"},
		{url.Values{"mode": {"idn"}}, "CONSOLE_SEARCH_INVALID", "mode-name"},
		{url.Values{"mode": {"name"}, "name": {demoName}, "birth": {"800101"}, "after": {"1 OR 1=1"}}, "CONSOLE_SEARCH_CURSOR", ""},
		{url.Values{"mode": {"serial"}, "serial": {"01"}, "after": {"cus_" + strings.Repeat("0", 32)}}, "CONSOLE_SEARCH_CURSOR", ""},
	} {
		st, body := c.get("/console/customers?" + tc.q.Encode())
		m := searchCode.FindStringSubmatch(body)
		if st != http.StatusBadRequest || m == nil || m[1] != tc.code {
			t.Errorf("search %v: %d %v, want 400 %s", tc.q, st, m, tc.code)
			continue
		}
		if tc.field != "" && !strings.Contains(body, `href="#`+tc.field+`"`) {
			t.Errorf("search %v: the error summary does not link to #%s", tc.q, tc.field)
		}
		if strings.Contains(body, `id="results"`) || strings.Contains(body, `id="no-results"`) {
			t.Errorf("search %v: a refused search shows results", tc.q)
		}
	}
	// Accepted forms: a leap day, spaces in the name, a phone with the country code, a
	// serial with colons.
	for _, q := range []url.Values{
		{"mode": {"name"}, "name": {demoName}, "birth": {"800229"}},
		{"mode": {"name"}, "name": {"홍 길동"}, "birth": {"800101"}},
		{"mode": {"phone"}, "phone": {"+82 10-1234-5678"}},
		{"mode": {"serial"}, "serial": {"0A:1B:2C"}},
	} {
		if st, body := c.get("/console/customers?" + q.Encode()); st != 200 || searchCode.MatchString(body) {
			t.Errorf("search %v: %d, want 200", q, st)
		}
	}
	if _, body := c.get("/console/customers?" + url.Values{"mode": {"name"}, "name": {"홍 길동"}, "birth": {"800101"}}.Encode()); !strings.Contains(body, `id="open-`) {
		t.Errorf("a name typed with a space does not find %s", demoName)
	}
}

// TestSearchPaging: 45 namesakes born the same day come 20 to a page; the next-page
// links walk them all once, the first-page link goes back, and the customers of
// another institution with the same name and birth date never appear.
func TestSearchPaging(t *testing.T) {
	for _, driver := range []string{"sqlite", "postgres"} {
		t.Run(driver, func(t *testing.T) {
			srv := apptest.Start(t, apptest.Options{Driver: driver})
			ctx := t.Context()
			inst, _ := srv.App.Store.Institution(ctx, "901")
			other, _ := srv.App.Store.Institution(ctx, "902")
			want := map[string]bool{}
			for i := range 45 {
				v, err := srv.App.Desk.CreateCustomer(ctx, inst, center.NewCustomer{Name: "이서준", IDN: fmt.Sprintf("880808100%04d", i)})
				if err != nil {
					t.Fatal(err)
				}
				want[v.ID] = true
			}
			if _, err := srv.App.Desk.CreateCustomer(ctx, other, center.NewCustomer{Name: "이서준", IDN: "8808081009999"}); err != nil {
				t.Fatal(err)
			}
			c := login(t, srv, addStaff(t, srv, "901", "teller", model.RoleTeller))
			path := "/console/customers?" + url.Values{"mode": {"name"}, "name": {"이서준"}, "birth": {"880808"}}.Encode()
			seen := map[string]bool{}
			var sizes []int
			for page := 0; path != ""; page++ {
				st, body := c.get(path)
				if st != 200 {
					t.Fatalf("page %d: %d %s", page, st, searchCode.FindString(body))
				}
				ids := openLink.FindAllStringSubmatch(body, -1)
				sizes = append(sizes, len(ids))
				for _, m := range ids {
					if seen[m[1]] || !want[m[1]] {
						t.Errorf("page %d: %s repeated or not 901's", page, m[1])
					}
					seen[m[1]] = true
				}
				if page > 0 && !strings.Contains(body, `id="first-page"`) {
					t.Errorf("page %d has no link to the first page", page)
				}
				path = ""
				if m := nextLink.FindStringSubmatch(body); m != nil {
					path = html.UnescapeString(m[1])
				}
			}
			if fmt.Sprint(sizes) != "[20 20 5]" || len(seen) != 45 {
				t.Errorf("pages of %v (%d customers), want [20 20 5] (45)", sizes, len(seen))
			}
		})
	}
}

// TestSearchIncomplete: while customers stored before the search keys existed are
// not keyed yet, the page says a name or phone search may be incomplete; once the
// backfill has run, they are found and the notice is gone.
func TestSearchIncomplete(t *testing.T) {
	srv := start(t)
	if _, err := srv.App.Store.SQL().ExecContext(t.Context(), `UPDATE customers SET name_birth_hash = NULL, phone_hash = NULL, search_keys = 0`); err != nil {
		t.Fatal(err)
	}
	c := login(t, srv, addStaff(t, srv, "901", "teller", model.RoleTeller))
	path := "/console/customers?" + url.Values{"mode": {"phone"}, "phone": {"010-1234-5678"}}.Encode()
	if st, body := c.get(path); st != 200 || !strings.Contains(body, `id="search-incomplete"`) || strings.Contains(body, `id="open-`) {
		t.Fatalf("before the backfill: %d, notice %v", st, strings.Contains(body, `id="search-incomplete"`))
	}
	for after := (center.BackfillCursor{}); ; {
		next, _, err := srv.App.Desk.BackfillSearchKeys(t.Context(), after, 2)
		if err != nil {
			t.Fatal(err)
		}
		if next == nil {
			break
		}
		after = *next
	}
	if st, body := c.get(path); st != 200 || strings.Contains(body, `id="search-incomplete"`) || !strings.Contains(body, `id="open-`) {
		t.Errorf("after the backfill: %d, notice %v, found %v", st, strings.Contains(body, `id="search-incomplete"`), strings.Contains(body, `id="open-`))
	}
}

var (
	openLink = regexp.MustCompile(`id="open-(cus_[0-9a-f]+)"`)
	nextLink = regexp.MustCompile(`href="([^"]+)" id="next-page"`)
)
