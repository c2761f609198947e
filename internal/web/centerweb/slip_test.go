package centerweb_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/certcenter/certcenter/internal/center"
	"github.com/certcenter/certcenter/internal/model"
)

var slipFormCode = regexp.MustCompile(`id="slip-form" data-code="([A-Z_]*)"`)

// TestSlipEntryRefusals: the slip entry refuses what is not a usable slip of this
// institution, each with a stable code, keeps no code on a refused page, counts wrong
// codes towards the API's limits, and takes a good slip to the key step with the
// enrollment in the session (no identity or kind step).
func TestSlipEntryRefusals(t *testing.T) {
	srv, _ := start(t)
	ctx := t.Context()
	enroll := func(inst string, usage model.Usage) *center.Enrolled {
		e, err := srv.App.Center.Enroll(ctx, center.EnrollRequest{Institution: inst, Name: demoName, IDN: demoIDN, Kind: model.Personal,
			Usage: usage, Verification: "in-person", TellerID: "T-1", Actor: "teller:T-1"})
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	mine, other, fin := enroll("901", model.Banking), enroll("902", model.Banking), enroll("901", model.FinCert)
	wrong := strings.Repeat("2", 16)
	if wrong == mine.AuthCode {
		wrong = strings.Repeat("3", 16)
	}

	c := newClient(t, srv)
	if p := c.get("/901/issue"); !strings.Contains(p.Body, `href="/901/issue/slip"`) {
		t.Fatal("the terms page does not offer the slip entry")
	}
	tok := csrfOf(t, c.get("/901/issue/slip"))
	for _, tc := range []struct {
		name            string
		ref, code, agre string
		status          int
		want            string
	}{
		{"no agreement", mine.Reference, mine.AuthCode, "", 400, "SLIP_INVALID"},
		{"short reference", "12345", mine.AuthCode, "yes", 400, "SLIP_INVALID"},
		{"short code", mine.Reference, "ABC", "yes", 400, "SLIP_INVALID"},
		{"wrong code", mine.Reference, wrong, "yes", 403, "AUTH_CODE_INVALID"},
		{"unknown reference", "1234567890", mine.AuthCode, "yes", 403, "AUTH_CODE_INVALID"},
		{"another institution's slip", other.Reference, other.AuthCode, "yes", 409, "SLIP_OTHER_INSTITUTION"},
		{"a financial certificate's slip", fin.Reference, fin.AuthCode, "yes", 409, "SLIP_FINCERT"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := c.post("/901/issue/slip", tok, url.Values{"ref": {tc.ref}, "code": {tc.code}, "agree": {tc.agre}})
			m := slipFormCode.FindStringSubmatch(p.Body)
			if p.Status != tc.status || m == nil || m[1] != tc.want {
				t.Fatalf("slip %s = %d %v, want %d %s", tc.name, p.Status, m, tc.status, tc.want)
			}
			if strings.Contains(p.Body, tc.code) && len(tc.code) == 16 {
				t.Error("the refused page carries the code")
			}
		})
	}
	// Without a session: refused as every form is.
	wantCode(t, newClient(t, srv).post("/901/issue/slip", "", url.Values{"ref": {mine.Reference}, "code": {mine.AuthCode}, "agree": {"yes"}}), http.StatusUnauthorized, "SESSION_EXPIRED")

	// A good slip, typed with spaces and hyphens and in lower case, goes to the key step.
	typed := strings.ToLower(mine.AuthCode[:4] + "-" + mine.AuthCode[4:8] + " " + mine.AuthCode[8:])
	p := c.post("/901/issue/slip", tok, url.Values{"ref": {mine.Reference[:5] + " " + mine.Reference[5:]}, "code": {typed}, "agree": {"yes"}})
	if p.Status != http.StatusSeeOther || p.Location != "/901/issue/key" {
		t.Fatalf("good slip: %d %s %.300s", p.Status, p.Location, p.Body)
	}
	if p := c.get("/901/issue/key"); p.Status != 200 || !strings.Contains(p.Body, `id="issue-btn"`) {
		t.Fatalf("key step after the slip: %d", p.Status)
	}
	// The check claimed nothing and used nothing: the enrollment is still usable.
	e, err := srv.App.Store.Enrollment(ctx, mine.Reference)
	if err != nil || e.UsedAt != nil || e.ClaimedUntil != nil || e.Locked {
		t.Fatalf("enrollment after the check: %+v %v", e, err)
	}
	if e.FailedTries != 1 {
		t.Errorf("wrong codes counted %d, want 1", e.FailedTries)
	}

	// Wrong codes from one address for one reference: the 6th try waits (the API's
	// limit: 5 per reference and address), even with the right code.
	other2 := enroll("901", model.Banking)
	var last int
	for i := 0; i < 6; i++ {
		last = c.post("/901/issue/slip", tok, url.Values{"ref": {other2.Reference}, "code": {wrong}, "agree": {"yes"}}).Status
	}
	p = c.post("/901/issue/slip", tok, url.Values{"ref": {other2.Reference}, "code": {other2.AuthCode}, "agree": {"yes"}})
	if m := slipFormCode.FindStringSubmatch(p.Body); p.Status != http.StatusTooManyRequests || m == nil || m[1] != "RATE_LIMITED" {
		t.Fatalf("after wrong codes (last %d): %d %v", last, p.Status, m)
	}
}
