package console_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/center"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/web/webtest"
)

// TestSearchBrowser: in chromium, a teller searches by name and birth date among 25
// namesakes, sees the first page of 20 and the notice that the index is still being
// built (one customer has no search keys yet), goes to the next page and back to the
// first; a birth date that is not a date is refused with the error summary linking to
// the field and the code shown. Korean on a desktop, English on a phone.
func TestSearchBrowser(t *testing.T) {
	for _, tc := range []struct {
		lang string
		vp   webtest.Viewport
		want map[string]string
	}{
		{"ko", webtest.Desktop, map[string]string{"page1": "이 페이지의 고객 20명", "page2": "이 페이지의 고객 5명", "incomplete": "색인", "birth": "생년월일"}},
		{"en", webtest.Phone, map[string]string{"page1": "Customers on this page: 20", "page2": "Customers on this page: 5", "incomplete": "index", "birth": "birth date"}},
	} {
		t.Run(tc.lang+"-"+tc.vp.Name, func(t *testing.T) {
			srv := start(t)
			inst, _ := srv.App.Store.Institution(t.Context(), "901")
			for i := range 25 {
				if _, err := srv.App.Desk.CreateCustomer(t.Context(), inst, center.NewCustomer{Name: "최지우", IDN: fmt.Sprintf("920303200%04d", i), Phone: fmt.Sprintf("0105555%04d", i)}); err != nil {
					t.Fatal(err)
				}
			}
			// The demo customer 김영희 as a row from before the search keys.
			kim, err := srv.App.Desk.FindCustomer(t.Context(), inst, "김영희", "8505052345678")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := srv.App.Store.SQL().ExecContext(t.Context(), `UPDATE customers SET name_birth_hash = NULL, phone_hash = NULL, search_keys = 0 WHERE id = ?`, kim.ID); err != nil {
				t.Fatal(err)
			}
			b := webtest.New(t, tc.vp)
			browserLogin(t, b, srv, addStaff(t, srv, "901", "teller", model.RoleTeller), tc.lang)
			b.Go(srv.URL + "/console/customers")
			b.Type("#name", "최 지우")
			b.Type("#birth", "920303")
			b.Click("#search")
			b.WaitText("h2", tc.want["page1"], 10*time.Second)
			b.WaitText("#search-incomplete", tc.want["incomplete"], 10*time.Second)
			b.Shot("search-page-1")
			b.Click("#next-page")
			b.WaitText("h2", tc.want["page2"], 10*time.Second)
			b.Shot("search-page-2")
			b.Click("#first-page")
			b.WaitText("h2", tc.want["page1"], 10*time.Second)

			b.Go(srv.URL + "/console/customers")
			b.Type("#name", "최지우")
			b.Type("#birth", "920231")
			b.Click("#search")
			b.WaitText("#error-summary", tc.want["birth"], 10*time.Second)
			b.WaitText("#search-code", "CONSOLE_SEARCH_BIRTH", 10*time.Second)
			if href := webtest.Eval[string](b, `document.querySelector('#error-summary a').getAttribute('href')`); href != "#birth" {
				t.Errorf("error summary links to %q, want #birth", href)
			}
			b.Shot("search-bad-birth")
		})
	}
}
