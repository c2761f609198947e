package console_test

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/csv"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/center"
	"github.com/certcenter/certcenter/internal/model"
)

var kstZone = time.FixedZone("KST", 9*3600)

// TestReports: known issuances, a reissue and a revocation on two days, and a renewal
// later, give the report's figures by day (the reissue's superseded certificate is not
// counted as a revocation) and its fees by kind; the page draws them as SVG with the table beside
// it; the CSV has a byte order mark, Korean headers and a file name; auditors read any
// institution's report, supervisors only their own; bad ranges are refused.
func TestReports(t *testing.T) {
	for _, driver := range []string{"sqlite", "postgres"} {
		t.Run(driver, func(t *testing.T) { testReports(t, driver) })
	}
}

func testReports(t *testing.T, driver string) {
	srv := startOn(t, driver)
	ctx := t.Context()
	inst, _ := srv.App.Store.Institution(ctx, "901")
	hong, _ := srv.App.Desk.FindCustomer(ctx, inst, demoName, demoIDN)
	kim, _ := srv.App.Desk.FindCustomer(ctx, inst, "김영희", "8505052345678")
	corp, err := srv.App.Desk.CreateCustomer(ctx, inst, center.NewCustomer{Name: corpName, IDN: corpIDN, Phone: "01099998888"})
	if err != nil {
		t.Fatal(err)
	}
	sup := addStaff(t, srv, "901", "sup", model.RoleSupervisor)
	aud := addStaff(t, srv, "ca", "aud", model.RoleAuditor)

	y, m, d := srv.Clock.Now().In(kstZone).Date()
	dayA := time.Date(y, m, d+1, 12, 0, 0, 0, kstZone)
	dayB := dayA.AddDate(0, 0, 1)
	srv.Clock.Set(dayA)
	c := login(t, srv, sup)
	a1 := enrollIssueFor(t, srv, c, "901", hong.ID, "personal", "banking", "")
	a2 := enrollIssueFor(t, srv, c, "901", kim.ID, "personal", "banking", "")
	if _, err := srv.App.Desk.BillPending(ctx); err != nil {
		t.Fatal(err)
	}

	srv.Clock.Set(dayB)
	c = relogin(t, srv, sup)
	b1 := enrollIssueFor(t, srv, c, "901", hong.ID, "personal", "universal", "")
	enrollIssueFor(t, srv, c, "901", corp.ID, "corporate", "universal", "")
	enrollIssueFor(t, srv, c, "901", kim.ID, "personal", "banking", a2) // a reissue
	c.get("/console/customers/" + hong.ID)
	if st, body, _ := c.post("/console/certificates/"+a1+"/revoke", url.Values{"reason": {"keyCompromise"}, "note": {"leaked"}}); st != http.StatusSeeOther {
		t.Fatalf("revoke: %d %s", st, problem(body))
	}
	if _, err := srv.App.Desk.BillPending(ctx); err != nil {
		t.Fatal(err)
	}
	if o, _ := srv.App.Store.Certificate(ctx, mustSerial(t, a2)); o.Status != model.StatusRevoked {
		t.Fatalf("reissued certificate %s", o.Status)
	}

	A, B := dayA.Format("2006-01-02"), dayB.Format("2006-01-02")
	want := map[string][]string{A: {A, "2", "0", "0", "0"}, B: {B, "2", "0", "1", "1"}}

	st, body := c.get("/console/reports?lang=en")
	if st != 200 {
		t.Fatalf("reports: %d %s", st, problem(body))
	}
	for day, w := range want {
		row := `<tr id="day-` + day + `">`
		i := strings.Index(body, row)
		if i < 0 {
			t.Fatalf("no row for %s", day)
		}
		cells := strings.Join(w[1:], "</td>")
		if got := strings.NewReplacer(`<td data-label="Issued">`, "", `<td data-label="Renewed">`, "", `<td data-label="Reissued">`, "", `<td data-label="Revoked">`, "").Replace(body[i : i+600]); !strings.Contains(got, cells) {
			t.Errorf("row %s: %s, want %v", day, body[i:i+400], w)
		}
	}
	for _, s := range []string{`<svg xmlns="http://www.w3.org/2000/svg"`, `<title id="chart-title">Issued 4, renewed 0, reissued 1, revoked 1.</title>`,
		`id="fee-personal-universal"`, `id="fee-total">114400 KRW<`, `id="fee-corporate-universal"`} {
		if !strings.Contains(body, s) {
			t.Errorf("the report page lacks %s", s)
		}
	}
	if strings.Contains(body, "<script>") || strings.Contains(body, "style=") {
		t.Error("inline script or style on the report page")
	}
	// Stacked bars: one rectangle per day and figure that is not 0 (and 4 in the legend).
	if got := strings.Count(body, `<rect x=`) - 4; got != 4 {
		t.Errorf("%d bars, want 4 (issued on %s; issued, reissued, revoked on %s)", got, A, B)
	}

	// CSV, in Korean.
	req, _ := http.NewRequest("GET", srv.URL+"/console/reports/csv?from="+A+"&to="+B+"&lang=ko", nil)
	resp, err := c.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw := new(strings.Builder)
	if _, err := ioCopy(raw, resp); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") ||
		resp.Header.Get("Content-Disposition") != `attachment; filename="certcenter-report-901-`+dayA.Format("20060102")+`-`+dayB.Format("20060102")+`.csv"` {
		t.Fatalf("CSV: %d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"))
	}
	text := raw.String()
	if !strings.HasPrefix(text, "\uFEFF날짜,발급,갱신,재발급,폐기\r\n") {
		t.Fatalf("CSV starts %q", text[:min(len(text), 60)])
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(text, "\uFEFF")))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	wantCSV := [][]string{{"날짜", "발급", "갱신", "재발급", "폐기"}, want[A], want[B], {"합계", "4", "0", "1", "1"},
		{"구분", "용도", "인증서 수", "수수료"},
		// Banking (용도제한) certificates are free and not billed.
		{"법인·개인사업자", "범용", "1", "110000"}, {"개인", "범용", "1", "4400"}}
	if len(recs) != len(wantCSV) {
		t.Fatalf("CSV records %q", recs)
	}
	for i := range wantCSV {
		if strings.Join(recs[i], ",") != strings.Join(wantCSV[i], ",") {
			t.Errorf("CSV line %d: %q, want %q", i+1, recs[i], wantCSV[i])
		}
	}

	// The auditor chooses the institution; a supervisor cannot.
	ac := login(t, srv, aud)
	if st, body := ac.get("/console/reports?inst=901&from=" + A + "&to=" + B + "&lang=en"); st != 200 || !strings.Contains(body, "Issued 4, renewed 0, reissued 1, revoked 1.") {
		t.Fatalf("auditor's report: %d %s", st, problem(body))
	}
	if st, body := ac.get("/console/reports?inst=902&from=" + A + "&to=" + B + "&lang=en"); st != 200 || !strings.Contains(body, "Issued 0, renewed 0") {
		t.Fatalf("auditor's report of 902: %d %s", st, problem(body))
	}
	if st, _ := ac.get("/console/reports?inst=999"); st != http.StatusBadRequest {
		t.Fatalf("auditor's report of no institution: %d", st)
	}
	if _, body := c.get("/console/reports?inst=902&from=" + A + "&to=" + B + "&lang=en"); !strings.Contains(body, "Issued 4,") {
		t.Fatal("a supervisor's report is not their own institution's")
	}
	// A renewal (갱신) in the renewal window, 20 days before b1 expires, is a renewal,
	// billed as one.
	b1c, _ := srv.App.Store.Certificate(ctx, mustSerial(t, b1))
	dayC := b1c.NotAfter.Add(-20 * 24 * time.Hour).In(kstZone)
	dayC = time.Date(dayC.Year(), dayC.Month(), dayC.Day(), 12, 0, 0, 0, kstZone)
	srv.Clock.Set(dayC)
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.App.Center.Renew(ctx, b1c.Serial, &key.PublicKey, nil, nil, "subscriber"); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.App.Desk.BillPending(ctx); err != nil {
		t.Fatal(err)
	}
	C := dayC.Format("2006-01-02")
	c = relogin(t, srv, sup)
	if st, body := c.get("/console/reports?lang=en"); st != 200 || !strings.Contains(body, "Issued 0, renewed 1, reissued 0, revoked 0.") ||
		!strings.Contains(body, `<tr id="day-`+C+`">`) || !strings.Contains(body, `id="fee-total">4400 KRW<`) {
		t.Fatalf("report with the renewal on %s: %d %s", C, st, problem(body))
	}
	for _, q := range []string{"from=2026-13-01", "from=" + B + "&to=" + A, "from=2020-01-01&to=2026-01-01"} {
		if st, _ := c.get("/console/reports?" + q); st != http.StatusBadRequest {
			t.Errorf("reports?%s: %d, want 400", q, st)
		}
		if st, _ := c.get("/console/reports/csv?" + q); st != http.StatusBadRequest {
			t.Errorf("reports/csv?%s: %d, want 400", q, st)
		}
	}
}

func ioCopy(w io.Writer, resp *http.Response) (int64, error) { return io.Copy(w, resp.Body) }
