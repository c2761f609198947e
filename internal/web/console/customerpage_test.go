package console_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/apptest"
	"github.com/certcenter/certcenter/internal/model"
)

var (
	certRowRe  = regexp.MustCompile(`<tr id="cert-([0-9a-f]+)">`)
	certNextRe = regexp.MustCompile(`href="([^"]+)" id="certs-next"`)
)

// addCertificates gives customer n certificates (bulk SQL, as the benchmark loads
// them), issued a second apart except for pairs issued in the same microsecond, so
// that the pages' order must break ties by serial.
func addCertificates(t *testing.T, srv *apptest.Server, customer string, n int) {
	t.Helper()
	ctx := context.Background()
	t0 := srv.Clock.Now().Add(-100 * 24 * time.Hour).Truncate(time.Second)
	ver := "ver_" + strings.Repeat("ab", 16)
	err := bulkTx(ctx, srv.App.Store, func(insert func(string, []string, [][]any) error) error {
		if err := insert("verifications", []string{"id", "institution_code", "customer_id", "method", "status", "created_at", "expires_at", "teller_id"},
			[][]any{{ver, "901", customer, "in-person", "used", t0.UnixMicro(), t0.UnixMicro(), "staff:test"}}); err != nil {
			return err
		}
		var serials, enrollments, links, certs [][]any
		for i := range n {
			at := t0.Add(time.Duration(i/2) * time.Second)
			s, ref := fmt.Sprintf("7%031x", i+1), fmt.Sprintf("R-page-%d", i)
			serials = append(serials, []any{s, "issuing", at.UnixMicro(), true})
			enrollments = append(enrollments, []any{ref, "901", demoName, []byte("c"), []byte("c"), "personal", "banking", "in-person", "", at.UnixMicro(), at.UnixMicro()})
			links = append(links, []any{ref, customer, ver})
			certs = append(certs, []any{s, "issuing", "901", ref, fmt.Sprintf("%s()0901041%08d", demoName, i), "personal", "banking", at.UnixMicro(),
				at.AddDate(1, 0, 0).UnixMicro(), 0, []byte{0x30}, "valid", at.UnixMicro()})
		}
		for _, tb := range []struct {
			name string
			cols []string
			rows [][]any
		}{
			{"serials", []string{"serial", "issuer_id", "reserved_at", "used"}, serials},
			{"enrollments", []string{"reference", "institution_code", "name", "idn_cipher", "auth_code_cipher", "kind", "usage", "verification", "teller_id", "created_at", "expires_at"}, enrollments},
			{"enrollment_customers", []string{"reference", "customer_id", "verification_id"}, links},
			{"certificates", []string{"serial", "issuer_id", "institution_code", "enrollment_ref", "common_name", "kind", "usage", "not_before", "not_after", "crl_partition", "der", "status", "created_at"}, certs},
		} {
			if err := insert(tb.name, tb.cols, tb.rows); err != nil {
				return fmt.Errorf("%s: %w", tb.name, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestCustomerCertificatePages: a customer with 45 certificates has them on pages of
// 20, newest first, each once, through the next-page links; a forged cursor is
// CONSOLE_SEARCH_CURSOR.
func TestCustomerCertificatePages(t *testing.T) {
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
			addCertificates(t, srv, cust.ID, 45)
			c := login(t, srv, addStaff(t, srv, "901", "teller", model.RoleTeller))
			path := "/console/customers/" + cust.ID
			var order []string
			var sizes []int
			for page := 0; path != ""; page++ {
				st, body := c.get(path)
				if st != 200 {
					t.Fatalf("page %d: %d %s", page, st, problem(body))
				}
				rows := certRowRe.FindAllStringSubmatch(body, -1)
				sizes = append(sizes, len(rows))
				for _, m := range rows {
					order = append(order, m[1])
				}
				if page > 0 && !strings.Contains(body, `id="certs-first"`) {
					t.Errorf("page %d has no link to the first page", page)
				}
				path = ""
				if m := certNextRe.FindStringSubmatch(body); m != nil {
					path = html.UnescapeString(m[1])
				}
			}
			// Newest first; within a pair issued together, serial ascending.
			var want []string
			for i := 44; i >= 0; i-- {
				j := i
				if i%2 == 1 {
					j = i - 1
				} else if i+1 < 45 {
					j = i + 1
				}
				want = append(want, fmt.Sprintf("7%031x", j+1))
			}
			if fmt.Sprint(sizes) != "[20 20 5]" || fmt.Sprint(order) != fmt.Sprint(want) {
				t.Errorf("pages of %v, order\n%v\nwant\n%v", sizes, order, want)
			}
			for _, bad := range []string{"x", "1-zz", "99999999999999999999-ab", "1-" + strings.Repeat("a", 41)} {
				if st, body := c.get("/console/customers/" + cust.ID + "?certs=" + bad); st != http.StatusBadRequest || problem(body) != "CONSOLE_SEARCH_CURSOR" {
					t.Errorf("cursor %q: %d %s, want 400 CONSOLE_SEARCH_CURSOR", bad, st, problem(body))
				}
			}
		})
	}
}
