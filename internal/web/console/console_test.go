package console_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/apptest"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/web/console"
)

// TestTOTPRFC6238 checks the codes against RFC 6238 appendix B (SHA-1; the 6-digit
// code is the last 6 digits of the 8-digit one).
func TestTOTPRFC6238(t *testing.T) {
	secret := []byte("12345678901234567890")
	for _, tc := range []struct {
		unix int64
		want string
	}{{59, "287082"}, {1111111109, "081804"}, {1111111111, "050471"}, {1234567890, "005924"}, {2000000000, "279037"}, {20000000000, "353130"}} {
		if got := console.TOTP(secret, time.Unix(tc.unix, 0)); got != tc.want {
			t.Errorf("TOTP at %d = %s, want %s", tc.unix, got, tc.want)
		}
	}
	now := time.Unix(1234567890, 0)
	for _, d := range []time.Duration{-30 * time.Second, 0, 30 * time.Second} {
		if !console.CheckTOTP(secret, console.TOTP(secret, now.Add(d)), now) {
			t.Errorf("a code %v away is refused", d)
		}
	}
	for _, bad := range []string{console.TOTP(secret, now.Add(-90*time.Second)), "", "12345", "1234567", "abcdef"} {
		if console.CheckTOTP(secret, bad, now) {
			t.Errorf("CheckTOTP(%q) accepted", bad)
		}
	}
}

func TestPasswordHash(t *testing.T) {
	h := console.HashPassword("s3cret-pass")
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q", h)
	}
	if !console.CheckPassword(h, "s3cret-pass") || console.CheckPassword(h, "s3cret-pasS") {
		t.Fatal("CheckPassword does not tell right from wrong")
	}
	if console.HashPassword("s3cret-pass") == h {
		t.Fatal("no salt")
	}
	// Hostile stored hashes never match and never allocate gigabytes.
	for _, bad := range []string{"", "$argon2id$", strings.Replace(h, "m=19456", "m=4194304", 1),
		strings.Replace(h, "t=2", "t=0", 1), strings.Replace(h, "$argon2id$", "$argon2i$", 1), h + "$x"} {
		if console.CheckPassword(bad, "s3cret-pass") {
			t.Errorf("CheckPassword(%q) matched", bad)
		}
	}
}

func TestMakeAccountRoles(t *testing.T) {
	srv := start(t)
	for _, tc := range []struct {
		scope, role string
		ok, totp    bool
	}{
		{"901", model.RoleTeller, true, false}, {"901", model.RoleSupervisor, true, true},
		{"ca", model.RoleOperator, true, true}, {"ca", model.RoleAuditor, true, false},
		{"ca", model.RoleTeller, false, false}, {"901", model.RoleOperator, false, false}, {"901", "admin", false, false},
	} {
		na, err := console.MakeAccount(srv.App.Seal, tc.scope, "kim", tc.role, time.Now())
		if (err == nil) != tc.ok {
			t.Errorf("%s/%s: err %v", tc.scope, tc.role, err)
			continue
		}
		if err != nil {
			continue
		}
		if len(na.Password) != 20 || na.Staff.PasswordHash == "" || strings.Contains(na.Staff.PasswordHash, na.Password) {
			t.Errorf("%s: password %q hash %q", tc.role, na.Password, na.Staff.PasswordHash)
		}
		if (na.TOTPSecret != "") != tc.totp || (na.Staff.TOTPCipher != nil) != tc.totp ||
			(tc.totp && !strings.HasPrefix(na.OTPAuthURI, "otpauth://totp/certcenter:")) {
			t.Errorf("%s: TOTP %q %q", tc.role, na.TOTPSecret, na.OTPAuthURI)
		}
	}
}

// TestLoginSecondFactorAndLockout: a supervisor's right password alone does not sign
// in; wrong codes count; the fifth failure locks the account against the right
// password too; an operator unlocks it; a teller needs no code; an unknown name and a
// wrong password are the same refusal.
func TestLoginSecondFactorAndLockout(t *testing.T) {
	srv := start(t)
	sup := addStaff(t, srv, "901", "sup", model.RoleSupervisor)
	op := addStaff(t, srv, "ca", "op", model.RoleOperator)
	login(t, srv, addStaff(t, srv, "901", "teller", model.RoleTeller))

	c := newClient(t, srv)
	c.get("/console/login")
	if st, body, _ := c.post("/console/login", url.Values{"scope": {"901"}, "name": {"nobody"}, "password": {"x"}}); st != 401 || !strings.Contains(body, "CONSOLE_LOGIN_FAILED") && !strings.Contains(body, "5회") {
		t.Fatalf("unknown name: %d", st)
	}
	st, _, h := c.post("/console/login", url.Values{"scope": {"901"}, "name": {"sup"}, "password": {sup.Password}})
	if st != http.StatusSeeOther || h.Get("Location") != "/console/login/totp" {
		t.Fatalf("password step: %d %s", st, h.Get("Location"))
	}
	// Not signed in until the code: the console sends the browser back to sign in.
	if st, _, h := c.do("GET", "/console/customers", nil); st != http.StatusSeeOther || h.Get("Location") != "/console/login" {
		t.Fatalf("after the password only: %d %s", st, h.Get("Location"))
	}
	c.get("/console/login/totp")
	wrong := console.TOTP(sup.Secret, srv.Clock.Now().Add(-5*time.Minute))
	for i := 1; i <= 4; i++ {
		if st, _, _ := c.post("/console/login/totp", url.Values{"code": {wrong}}); st != http.StatusUnauthorized {
			t.Fatalf("wrong code %d: %d", i, st)
		}
	}
	if st, _, _ := c.post("/console/login/totp", url.Values{"code": {wrong}}); st != http.StatusForbidden {
		t.Fatalf("fifth wrong code: %d, want 403 locked", st)
	}
	if got, _ := srv.App.Store.Staff(t.Context(), sup.ID); got.LockedAt == nil {
		t.Fatal("not locked after 5 wrong codes")
	}
	c2 := newClient(t, srv)
	c2.get("/console/login")
	if st, body, _ := c2.post("/console/login", url.Values{"scope": {"901"}, "name": {"sup"}, "password": {sup.Password}}); st != http.StatusForbidden || !strings.Contains(body, "계정이 잠겼습니다") {
		t.Fatalf("right password on a locked account: %d", st)
	}

	// The operator unlocks it; the supervisor signs in with password and code.
	oc := login(t, srv, op)
	oc.get("/console/staff")
	if st, _, _ := oc.post("/console/staff/"+sup.ID+"/unlock", nil); st != http.StatusSeeOther {
		t.Fatalf("unlock: %d", st)
	}
	login(t, srv, sup)

	// The same code is good once (RFC 6238 section 5.2), the next step's is good.
	c3 := newClient(t, srv)
	c3.get("/console/login")
	c3.post("/console/login", url.Values{"scope": {"901"}, "name": {"sup"}, "password": {sup.Password}})
	c3.get("/console/login/totp")
	if st, body, _ := c3.post("/console/login/totp", url.Values{"code": {console.TOTP(sup.Secret, srv.Clock.Now())}}); st != http.StatusUnauthorized || !strings.Contains(body, "6자리") {
		t.Fatalf("a replayed code: %d", st)
	}
	srv.Clock.Advance(30 * time.Second)
	if st, _, h := c3.post("/console/login/totp", url.Values{"code": {console.TOTP(sup.Secret, srv.Clock.Now())}}); st != http.StatusSeeOther || h.Get("Location") != "/console/" {
		t.Fatalf("the next step's code: %d", st)
	}

	// Wrong passwords lock too.
	for i := 1; i <= 5; i++ {
		c2.post("/console/login", url.Values{"scope": {"901"}, "name": {"sup"}, "password": {"wrong"}})
	}
	if got, _ := srv.App.Store.Staff(t.Context(), sup.ID); got.LockedAt == nil || got.Failures != 5 {
		t.Fatalf("after 5 wrong passwords: %+v", got.Failures)
	}
	// Every attempt is in the audit chain with the member as actor.
	n := map[string]int{}
	srv.App.Store.WalkAudit(t.Context(), func(e model.AuditEntry) error {
		if e.Event.Actor == "staff:"+sup.ID {
			n[e.Event.Type]++
		}
		return nil
	})
	if n["console.login_failed"] != 11 || n["console.login"] != 2 {
		t.Fatalf("audit of the supervisor's sign-ins: %v", n)
	}
}

// TestCSRFAndIdleExpiry: a form without the session's token is refused, and a
// console idle for more than 10 minutes is signed out.
func TestCSRFAndIdleExpiry(t *testing.T) {
	srv := start(t)
	c := login(t, srv, addStaff(t, srv, "901", "teller", model.RoleTeller))
	if st, body, _ := c.post("/console/session/extend", url.Values{"csrf": {"forged"}}); st != http.StatusForbidden || problem(body) != "CSRF_INVALID" {
		t.Fatalf("forged CSRF token: %d %s", st, problem(body))
	}
	if st, _, _ := c.post("/console/session/extend", nil); st != 200 {
		t.Fatalf("extend: %d", st)
	}
	srv.Clock.Advance(9 * time.Minute)
	if st, _ := c.get("/console/customers"); st != 200 {
		t.Fatalf("after 9 idle minutes: %d", st)
	}
	srv.Clock.Advance(11 * time.Minute)
	if st, _, h := c.do("GET", "/console/customers", nil); st != http.StatusSeeOther || h.Get("Location") != "/console/login" {
		t.Fatalf("after 11 idle minutes: %d %s", st, h.Get("Location"))
	}
	if st, body, _ := c.post("/console/session/extend", nil); st != http.StatusUnauthorized || problem(body) != "SESSION_EXPIRED" {
		t.Fatalf("POST after expiry: %d %s", st, problem(body))
	}
}

// TestRoleRouteTable: every console route × every role (and no sign-in). A route
// outside the role is refused by the server with CONSOLE_FORBIDDEN (and audited), a
// route inside it is not, and the menu shows exactly the role's entries.
func TestRoleRouteTable(t *testing.T) {
	srv := start(t)
	inst, _ := srv.App.Store.Institution(t.Context(), "901")
	cust, err := srv.App.Desk.FindCustomer(t.Context(), inst, demoName, demoIDN)
	if err != nil {
		t.Fatal(err)
	}
	accounts := map[string]account{
		model.RoleTeller:     addStaff(t, srv, "901", "teller", model.RoleTeller),
		model.RoleSupervisor: addStaff(t, srv, "901", "sup", model.RoleSupervisor),
		model.RoleOperator:   addStaff(t, srv, "ca", "op", model.RoleOperator),
		model.RoleAuditor:    addStaff(t, srv, "ca", "aud", model.RoleAuditor),
	}
	// A certificate of the customer, for the certificate routes.
	tc := login(t, srv, accounts[model.RoleTeller])
	serial := enrollAndIssue(t, srv, tc, cust.ID)

	h, err := console.New(console.Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	path := func(pattern string) (string, string) {
		method, p, _ := strings.Cut(pattern, " ")
		p = strings.ReplaceAll(p, "{$}", "")
		p = strings.ReplaceAll(p, "{id}", cust.ID)
		p = strings.ReplaceAll(p, "{serial}", serial)
		p = strings.ReplaceAll(p, "{code}", "901")
		if strings.Contains(pattern, "/staff/") {
			p = strings.ReplaceAll(p, cust.ID, accounts[model.RoleTeller].ID)
		}
		return method, p
	}
	routes := h.Routes()
	if len(routes) < 15 {
		t.Fatalf("%d routes", len(routes))
	}
	for _, role := range []string{"", model.RoleTeller, model.RoleSupervisor, model.RoleOperator, model.RoleAuditor} {
		var c *client
		if role == "" {
			c = newClient(t, srv)
			c.get("/console/login") // a session and its CSRF token, but no one signed in
		} else {
			c = login(t, srv, accounts[role])
		}
		_, home := c.get("/console/")
		for _, rt := range routes {
			if rt.Pattern == "POST /console/logout" && role != "" {
				continue // tested below, it would end the session
			}
			method, p := path(rt.Pattern)
			var (
				st   int
				body string
				hd   http.Header
			)
			if method == "GET" {
				st, body, hd = c.do("GET", p, nil)
			} else {
				st, body, hd = c.post(p, url.Values{})
			}
			may := rt.Roles == nil
			for _, r := range rt.Roles {
				may = may || r == role
			}
			name := role + " " + rt.Pattern
			switch {
			case rt.Roles == nil:
				if st == http.StatusForbidden && problem(body) == "CONSOLE_FORBIDDEN" {
					t.Errorf("%s: a public route refused", name)
				}
			case role == "":
				if method == "GET" && (st != http.StatusSeeOther || hd.Get("Location") != "/console/login") {
					t.Errorf("%s without sign-in: %d %s, want 303 to /console/login", name, st, hd.Get("Location"))
				}
				if method == "POST" && (st != http.StatusUnauthorized || problem(body) != "CONSOLE_SIGN_IN") {
					t.Errorf("%s without sign-in: %d %s, want 401 CONSOLE_SIGN_IN", name, st, problem(body))
				}
			case may:
				if st == http.StatusForbidden || problem(body) == "CONSOLE_FORBIDDEN" || problem(body) == "CONSOLE_SIGN_IN" {
					t.Errorf("%s: refused (%d %s) but the role may", name, st, problem(body))
				}
			default:
				if st != http.StatusForbidden || problem(body) != "CONSOLE_FORBIDDEN" {
					t.Errorf("%s: %d %s, want 403 CONSOLE_FORBIDDEN", name, st, problem(body))
				}
			}
			if rt.Menu != "" && role != "" {
				if has := strings.Contains(home, `id="menu-`+rt.Menu+`"`); has != may {
					t.Errorf("%s: menu entry shown %v, role may %v", name, has, may)
				}
			}
		}
		if role != "" {
			if st, _, hd := c.post("/console/logout", nil); st != http.StatusSeeOther || hd.Get("Location") != "/console/login" {
				t.Errorf("%s logout: %d", role, st)
			}
			if st, _, _ := c.do("GET", "/console/", nil); st != http.StatusSeeOther {
				t.Errorf("%s: still signed in after logout (%d)", role, st)
			}
		}
	}
	// The certificate is untouched: the teller's and supervisor's POSTs lacked their
	// required fields, the others were refused.
	if c, _ := srv.App.Store.Certificate(t.Context(), mustSerial(t, serial)); c.Status != model.StatusValid {
		t.Fatalf("certificate is %s", c.Status)
	}
	refused := 0
	srv.App.Store.WalkAudit(t.Context(), func(e model.AuditEntry) error {
		if e.Event.Type == "console.refused" {
			refused++
		}
		return nil
	})
	if refused == 0 {
		t.Fatal("refusals are not audited")
	}
}

func mustSerial(t testing.TB, s string) model.Serial {
	sn, err := model.ParseSerial(s)
	if err != nil {
		t.Fatal(err)
	}
	return sn
}

// enrollAndIssue checks the customer's resident card, enrolls, reads the slip and
// redeems it through the JSON API.
func enrollAndIssue(t testing.TB, srv *apptest.Server, c *client, customerID string) string {
	t.Helper()
	inst, _ := srv.App.Store.Institution(t.Context(), "901")
	rec, err := srv.App.Desk.Customer(t.Context(), inst, customerID)
	if err != nil {
		t.Fatal(err)
	}
	c.get("/console/customers/" + customerID)
	if st, body, _ := c.post("/console/customers/"+customerID+"/verify", url.Values{"idtype": {"resident"}, "idnumber": {rec.IDN[:6] + "-" + rec.IDN[6:]}}); st != http.StatusSeeOther {
		t.Fatalf("in-person check: %d %s", st, problem(body))
	}
	c.get("/console/customers/" + customerID)
	if st, body, h := c.post("/console/customers/"+customerID+"/enroll", url.Values{"kind": {"personal"}, "usage": {"banking"}}); st != http.StatusSeeOther || h.Get("Location") != "/console/slip" {
		t.Fatalf("enroll: %d %s", st, problem(body))
	}
	st, body := c.get("/console/slip")
	ref, code := slipRef.FindStringSubmatch(body), slipCode.FindStringSubmatch(body)
	if st != 200 || ref == nil || code == nil {
		t.Fatalf("slip: %d %s", st, problem(body))
	}
	return issueWithSlip(t, srv, ref[1], code[1])
}
