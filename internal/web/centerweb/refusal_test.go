package centerweb_test

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/apptest"
)

// client is a browser without JavaScript: a cookie jar and forms.
type client struct {
	t   *testing.T
	srv *apptest.Server
	c   *http.Client
}

func newClient(t *testing.T, srv *apptest.Server) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, srv: srv, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

type page struct {
	Status   int
	Body     string
	Location string
	Header   http.Header
}

func (c *client) do(req *http.Request) page {
	c.t.Helper()
	req.Header.Set("Accept-Language", "ko")
	res, err := c.c.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return page{Status: res.StatusCode, Body: string(b), Location: res.Header.Get("Location"), Header: res.Header}
}

func (c *client) get(path string) page {
	req, _ := http.NewRequest("GET", c.srv.URL+path, nil)
	return c.do(req)
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// post submits a form; csrf "" sends none.
func (c *client) post(path, csrf string, form url.Values) page {
	if csrf != "" {
		form.Set("csrf", csrf)
	}
	req, _ := http.NewRequest("POST", c.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

// json sends a script's request with the CSRF header ("" sends none).
func (c *client) json(path, csrf string, v any) page {
	b, _ := json.Marshal(v)
	req, _ := http.NewRequest("POST", c.srv.URL+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	if csrf != "" {
		req.Header.Set("X-CSRF-Token", csrf)
	}
	return c.do(req)
}

func csrfOf(t *testing.T, p page) string {
	t.Helper()
	m := csrfRe.FindStringSubmatch(p.Body)
	if m == nil {
		t.Fatalf("no CSRF token on the page (status %d)", p.Status)
	}
	return m[1]
}

func wantCode(t *testing.T, p page, status int, code string) {
	t.Helper()
	if p.Status != status || !strings.Contains(p.Body, code) {
		t.Fatalf("got %d with code %s? page: %.300s", p.Status, code, p.Body)
	}
}

// toVerified drives a form-only browser through the terms and identity steps by SMS.
func toVerified(t *testing.T, c *client) string {
	t.Helper()
	tok := csrfOf(t, c.get("/901/issue"))
	if p := c.post("/901/issue", tok, url.Values{"agree": {"yes"}, "kind": {"personal"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("terms: %d", p.Status)
	}
	p := c.post("/901/verify", tok, url.Values{"name": {demoName}, "idn": {demoIDN}, "method": {"sms"}})
	if p.Location != "/901/verify/confirm" {
		t.Fatalf("identity: %d %s %.300s", p.Status, p.Location, p.Body)
	}
	return tok
}

// toVerifiedFor starts flow (a menu entry such as "register") and verifies the demo
// customer by SMS; it returns the session's CSRF token.
func toVerifiedFor(t *testing.T, c *client, flow string) string {
	t.Helper()
	c.get("/901/" + flow)
	tok := csrfOf(t, c.get("/901/verify"))
	if p := c.post("/901/verify", tok, url.Values{"name": {demoName}, "idn": {demoIDN}, "method": {"sms"}}); p.Location != "/901/verify/confirm" {
		t.Fatalf("identity: %d %s %.300s", p.Status, p.Location, p.Body)
	}
	if p := c.post("/901/verify/confirm", tok, url.Values{"code": {latestOTP(t, c.srv)}}); p.Status != http.StatusSeeOther {
		t.Fatalf("confirm: %d %.300s", p.Status, p.Body)
	}
	return tok
}

func TestRefusals(t *testing.T) {
	srv, _ := start(t)

	t.Run("SecurityHeadersAndCookie", func(t *testing.T) {
		c := newClient(t, srv)
		p := c.get("/901/issue")
		csp := p.Header.Get("Content-Security-Policy")
		for _, want := range []string{"script-src 'self' 'wasm-unsafe-eval'", "frame-ancestors 'none'", "default-src 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("CSP %q lacks %q", csp, want)
			}
		}
		if strings.Contains(p.Body, "<script>") || strings.Contains(p.Body, " style=") || strings.Contains(p.Body, "onclick") {
			t.Errorf("the page has inline script or style")
		}
		cookie := p.Header.Get("Set-Cookie")
		if !strings.Contains(cookie, "HttpOnly") || !strings.Contains(cookie, "SameSite=Strict") {
			t.Errorf("session cookie %q is not HttpOnly and SameSite=Strict", cookie)
		}
	})
	t.Run("FrameOnlyWhereTheFinancialCertificateSigns", func(t *testing.T) {
		c := newClient(t, srv)
		if csp := c.get("/901/issue").Header.Get("Content-Security-Policy"); strings.Contains(csp, "frame-src") {
			t.Errorf("the issue page may embed frames: %q", csp)
		}
		tok := toVerifiedFor(t, c, "register")
		p := c.get("/901/register/list")
		if csp := p.Header.Get("Content-Security-Policy"); p.Status != 200 || !strings.Contains(csp, "frame-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("the registration page: %d, CSP %q; want frame-src 'self' and still no framing of itself", p.Status, csp)
		}
		wantCode(t, c.json("/901/api/register/fincert", "", map[string]any{}), http.StatusForbidden, "CSRF_INVALID")
		ok := c.json("/901/api/register/fincert", tok, map[string]any{})
		var started struct{ ChallengeID, SignRequestID, OrgCode string }
		if json.Unmarshal([]byte(ok.Body), &started); ok.Status != http.StatusCreated || started.ChallengeID == "" || started.SignRequestID == "" || started.OrgCode != "901" {
			t.Errorf("start a financial certificate registration: %d %.300s", ok.Status, ok.Body)
		}
		// Without identity verification there is nothing to start.
		c2 := newClient(t, srv)
		tok2 := csrfOf(t, c2.get("/901/issue"))
		if p := c2.json("/901/api/register/fincert", tok2, map[string]any{}); p.Status < 400 {
			t.Errorf("an unverified session started a registration: %d %.300s", p.Status, p.Body)
		}
	})
	t.Run("NoSession", func(t *testing.T) {
		c := newClient(t, srv)
		wantCode(t, c.post("/901/issue", "x", url.Values{"agree": {"yes"}}), http.StatusUnauthorized, "SESSION_EXPIRED")
	})
	t.Run("MissingCSRF", func(t *testing.T) {
		c := newClient(t, srv)
		c.get("/901/issue")
		wantCode(t, c.post("/901/issue", "", url.Values{"agree": {"yes"}, "kind": {"personal"}}), http.StatusForbidden, "CSRF_INVALID")
		wantCode(t, c.post("/901/issue", "wrong-token", url.Values{"agree": {"yes"}, "kind": {"personal"}}), http.StatusForbidden, "CSRF_INVALID")
	})
	t.Run("TermsRequired", func(t *testing.T) {
		c := newClient(t, srv)
		tok := csrfOf(t, c.get("/901/issue"))
		p := c.post("/901/issue", tok, url.Values{"kind": {"personal"}})
		if p.Status != http.StatusBadRequest || !strings.Contains(p.Body, `href="#agree"`) {
			t.Fatalf("terms not agreed: %d, no error summary linking the box: %.300s", p.Status, p.Body)
		}
	})
	t.Run("StepOutOfOrder", func(t *testing.T) {
		c := newClient(t, srv)
		c.get("/901/issue")
		wantCode(t, c.get("/901/issue/kind"), http.StatusConflict, "WEB_STEP")
		wantCode(t, c.get("/901/issue/key"), http.StatusConflict, "WEB_STEP")
	})
	t.Run("NotSubscribed", func(t *testing.T) {
		c := newClient(t, srv)
		tok := csrfOf(t, c.get("/901/issue"))
		c.post("/901/issue", tok, url.Values{"agree": {"yes"}, "kind": {"personal"}})
		wantCode(t, c.post("/901/verify", tok, url.Values{"name": {"이철수"}, "idn": {"9009091456789"}, "method": {"sms"}}),
			http.StatusForbidden, "WEB_NOT_SUBSCRIBED")
	})
	t.Run("UnknownCustomer", func(t *testing.T) {
		c := newClient(t, srv)
		tok := csrfOf(t, c.get("/901/issue"))
		c.post("/901/issue", tok, url.Values{"agree": {"yes"}, "kind": {"personal"}})
		p := c.post("/901/verify", tok, url.Values{"name": {"홍길순"}, "idn": {demoIDN}, "method": {"sms"}})
		if p.Status != http.StatusForbidden || !strings.Contains(p.Body, "고객 정보가 없습니다") {
			t.Fatalf("a wrong name: %d %.300s", p.Status, p.Body)
		}
	})
	t.Run("WrongCodeToLockout", func(t *testing.T) {
		c := newClient(t, srv)
		tok := toVerified(t, c)
		good := latestOTP(t, srv)
		bad := "000000"
		if good == bad {
			bad = "111111"
		}
		for i := 1; i <= 4; i++ {
			p := c.post("/901/verify/confirm", tok, url.Values{"code": {bad}})
			if p.Status != http.StatusForbidden || !strings.Contains(p.Body, "OTP") && !strings.Contains(p.Body, "인증번호") {
				t.Fatalf("wrong code %d: %d %.300s", i, p.Status, p.Body)
			}
		}
		wantCode(t, c.post("/901/verify/confirm", tok, url.Values{"code": {bad}}), http.StatusForbidden, "VERIFICATION_LOCKED")
		// Locked: even the right code no longer works.
		p := c.post("/901/verify/confirm", tok, url.Values{"code": {good}})
		if p.Status < 400 {
			t.Fatalf("the right code after the lockout was accepted: %d", p.Status)
		}
	})
	t.Run("SessionExpires", func(t *testing.T) {
		c := newClient(t, srv)
		tok := toVerified(t, c)
		srv.Clock.Advance(11 * time.Minute)
		defer srv.Clock.Advance(-11 * time.Minute)
		wantCode(t, c.post("/901/verify/confirm", tok, url.Values{"code": {latestOTP(t, srv)}}), http.StatusUnauthorized, "SESSION_EXPIRED")
		wantCode(t, c.get("/901/issue/kind"), http.StatusUnauthorized, "SESSION_EXPIRED")
	})
	t.Run("ReplayedIssue", func(t *testing.T) {
		c := newClient(t, srv)
		tok := toVerified(t, c)
		c.post("/901/verify/confirm", tok, url.Values{"code": {latestOTP(t, srv)}})
		if p := c.post("/901/issue/kind", tok, url.Values{"usage": {"banking"}}); p.Location != "/901/issue/key" {
			t.Fatalf("kind: %d %.300s", p.Status, p.Body)
		}
		// The enrollment is used once; the same form again is a step out of order.
		wantCode(t, c.post("/901/issue/kind", tok, url.Values{"usage": {"banking"}}), http.StatusConflict, "WEB_STEP")
		// The browser's CSR: a weak (SHA-1) one is refused, a good one issues once;
		// the same request again finds no enrollment in the session.
		k, _ := rsa.GenerateKey(rand.Reader, 2048)
		sha1CSR, _ := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{SignatureAlgorithm: x509.SHA1WithRSA}, k)
		wantCode(t, c.json("/901/api/issue", tok, map[string]any{"csr": sha1CSR, "randomNum": strings.Repeat("ab", 20)}), http.StatusBadRequest, "CSR_INVALID")
		csr, _ := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{}, k)
		body := map[string]any{"csr": csr, "randomNum": strings.Repeat("ab", 20)}
		if p := c.json("/901/api/issue", tok, body); p.Status != http.StatusCreated {
			t.Fatalf("issue: %d %s", p.Status, p.Body)
		}
		wantCode(t, c.json("/901/api/issue", tok, body), http.StatusConflict, "WEB_STEP")
		wantCode(t, c.json("/901/api/issue", "", body), http.StatusForbidden, "CSRF_INVALID")
	})
	t.Run("UnknownInstitution", func(t *testing.T) {
		c := newClient(t, srv)
		wantCode(t, c.get("/999/"), http.StatusNotFound, "WEB_NO_INSTITUTION")
		p := c.get("/api/v1/nope")
		if p.Status != http.StatusNotFound || !strings.Contains(p.Header.Get("Content-Type"), "problem+json") {
			t.Fatalf("an unknown API path is no longer a problem document: %d %s", p.Status, p.Header.Get("Content-Type"))
		}
	})
}
