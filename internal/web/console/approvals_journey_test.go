package console_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/center"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/web/webtest"
)

// TestApprovalJourney: in chromium, a teller checks a business representative's ID
// card and asks for the reissue of the business's corporate certificate with a
// reason; a supervisor signs in with the authenticator code, sees the request counted
// in the menu and in the queue, and approves it; the teller sees it approved on the
// customer's page and prints the slip, whose code issues the new certificate (the old
// one superseded). The supervisor then reads the report and downloads its CSV.
// Korean on a desktop, English on a phone.
func TestApprovalJourney(t *testing.T) {
	for _, tc := range []struct {
		lang string
		vp   webtest.Viewport
		want map[string]string
	}{
		{"ko", webtest.Desktop, map[string]string{"queued": "결재를 요청했습니다", "waiting": "대기", "count": "1건 대기", "approved": "승인", "done": "승인하여 처리했습니다", "total": "합계"}},
		{"en", webtest.Phone, map[string]string{"queued": "Sent to a supervisor", "waiting": "Waiting", "count": "1 waiting", "approved": "Approved", "done": "Approved and carried out", "total": "Total"}},
	} {
		t.Run(tc.lang+"-"+tc.vp.Name, func(t *testing.T) {
			srv := start(t)
			ctx := t.Context()
			inst, _ := srv.App.Store.Institution(ctx, "901")
			corp, err := srv.App.Desk.CreateCustomer(ctx, inst, center.NewCustomer{Name: corpName, IDN: corpIDN, Phone: "01099998888"})
			if err != nil {
				t.Fatal(err)
			}
			teller := addStaff(t, srv, "901", "teller", model.RoleTeller)
			sup := addStaff(t, srv, "901", "sup", model.RoleSupervisor)
			old := enrollIssue(t, srv, login(t, srv, teller), "901", corp.ID, "corporate")
			srv.Clock.Advance(31 * time.Second)

			tb := webtest.New(t, tc.vp)
			browserLogin(t, tb, srv, teller, tc.lang)
			tb.Go(srv.URL + "/console/customers/" + corp.ID)
			tb.WaitText("h1", corpName, 10*time.Second)
			webtest.Eval[bool](tb, `(document.getElementById('idtype').value = 'driver') !== ''`)
			tb.Type("#idnumber", "11-22-333333-44")
			tb.Click("#verify")
			tb.WaitText("#verified", map[string]string{"ko": "확인했습니다", "en": "checked"}[tc.lang], 10*time.Second)
			tb.Click("#kind-corporate")
			tb.Click("#replaces-" + old)
			// Without a reason the request is refused with the field named.
			tb.Click("#enroll")
			tb.WaitText("#error-summary", map[string]string{"ko": "사유", "en": "reason"}[tc.lang], 10*time.Second)
			tb.Shot("reissue-reason-missing")
			tb.Click("#kind-corporate")
			tb.Click("#replaces-" + old)
			tb.Type("#reissue-reason", "USB token lost")
			tb.Shot("reissue-request")
			tb.Click("#enroll")
			tb.WaitText(".notice", tc.want["queued"], 10*time.Second)
			tb.WaitText("#customer-approvals", tc.want["waiting"], 10*time.Second)
			tb.Shot("reissue-queued")

			sb := webtest.New(t, tc.vp)
			browserLogin(t, sb, srv, sup, tc.lang)
			sb.WaitText("#menu-count-approval\\.menu", tc.want["count"], 10*time.Second)
			sb.Shot("supervisor-home")
			sb.Click("#menu-approval\\.menu")
			sb.WaitPath("/console/approvals", 10*time.Second)
			sb.WaitText("#approval-queue", "USB token lost", 10*time.Second)
			sb.Shot("approval-queue")
			id := webtest.Eval[string](sb, `document.querySelector('#approval-queue tbody tr').id.replace('pending-', '')`)
			sb.Click("#approve-" + id)
			sb.WaitText(".notice", tc.want["done"], 10*time.Second)
			sb.WaitText("#recent-status-"+id, tc.want["approved"], 10*time.Second)
			sb.Shot("approved")

			tb.Go(srv.URL + "/console/customers/" + corp.ID)
			tb.WaitText("#approval-status-"+id, tc.want["approved"], 10*time.Second)
			tb.Shot("teller-sees-approval")
			tb.Click("#approval-slip-" + id)
			tb.WaitPath("/console/approvals/"+id+"/slip", 10*time.Second)
			tb.Shot("slip")
			ref, code := tb.Text("#slip-ref"), tb.Text("#slip-code")
			if len(ref) != 10 || len(code) != 16 {
				t.Fatalf("slip: ref %q code %q", ref, code)
			}
			fresh := issueWithSlip(t, srv, ref, code)
			o, _ := srv.App.CA.Certificate(ctx, mustSerial(t, old))
			n, _ := srv.App.CA.Certificate(ctx, mustSerial(t, fresh))
			if o.Status != model.StatusRevoked || o.Reason == nil || *o.Reason != model.ReasonSuperseded || n.Replaces.String() != old {
				t.Fatalf("after the approved reissue: old %s %v, new replaces %s", o.Status, o.Reason, n.Replaces)
			}

			sb.Click("#menu-report\\.menu")
			sb.WaitPath("/console/reports", 10*time.Second)
			sb.WaitText("#report-total", tc.want["total"], 10*time.Second)
			sb.Shot("report")
			sb.Click("#report-csv")
			f := sb.Download("certcenter-report-901-*.csv", 10*time.Second)
			b, err := os.ReadFile(f)
			if err != nil || !strings.HasPrefix(string(b), "\uFEFF") || !strings.Contains(string(b), tc.want["total"]+",1,0,1,0") {
				t.Fatalf("downloaded CSV %q: %v", b, err)
			}
		})
	}
}
