package console_test

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base32"
	"encoding/json"
	"encoding/pem"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/apptest"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/web/console"
)

const (
	demoName = "홍길동"
	demoIDN  = "8001011234567"
)

func start(t testing.TB) *apptest.Server {
	srv := apptest.Start(t, apptest.Options{})
	if err := srv.App.SeedDemoCustomers(t.Context()); err != nil {
		t.Fatal(err)
	}
	return srv
}

// account is a staff account a test made, with its one-time password and TOTP secret.
type account struct {
	model.Staff
	Password string
	Secret   []byte
}

func addStaff(t testing.TB, srv *apptest.Server, scope, name, role string) account {
	t.Helper()
	na, err := console.MakeAccount(srv.App.Seal, scope, name, role, srv.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.App.Store.CreateStaff(t.Context(), na.Staff, model.AuditEvent{Type: "staff.created", Actor: "operator:test", Subject: na.Staff.ID}); err != nil {
		t.Fatal(err)
	}
	a := account{Staff: na.Staff, Password: na.Password}
	if na.TOTPSecret != "" {
		a.Secret, err = base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(na.TOTPSecret)
		if err != nil {
			t.Fatal(err)
		}
	}
	return a
}

// client is a browser without JavaScript: a cookie jar, no redirect following, and
// the CSRF token of the last page.
type client struct {
	t    testing.TB
	base string
	c    *http.Client
	csrf string
}

func newClient(t testing.TB, srv *apptest.Server) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, base: srv.URL, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

var csrfMeta = regexp.MustCompile(`<meta name="csrf-token" content="([^"]+)">`)

func (c *client) do(method, path string, form url.Values) (int, string, http.Header) {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.c.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if m := csrfMeta.FindSubmatch(b); m != nil {
		c.csrf = html.UnescapeString(string(m[1]))
	}
	return resp.StatusCode, string(b), resp.Header
}

func (c *client) get(path string) (int, string) {
	st, b, _ := c.do("GET", path, nil)
	return st, b
}

// post sends a form with the CSRF token of the last page.
func (c *client) post(path string, form url.Values) (int, string, http.Header) {
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["csrf"]; !ok {
		form.Set("csrf", c.csrf)
	}
	return c.do("POST", path, form)
}

// login signs a in and fails the test if it does not land on the console's home.
func login(t testing.TB, srv *apptest.Server, a account) *client {
	t.Helper()
	c := newClient(t, srv)
	c.get("/console/login")
	st, body, h := c.post("/console/login", url.Values{"scope": {a.Scope}, "name": {a.Name}, "password": {a.Password}})
	if a.Secret != nil {
		if st != http.StatusSeeOther || h.Get("Location") != "/console/login/totp" {
			t.Fatalf("password step: %d %s %s", st, h.Get("Location"), problem(body))
		}
		c.get("/console/login/totp")
		st, body, h = c.post("/console/login/totp", url.Values{"code": {console.TOTP(a.Secret, srv.Clock.Now())}})
	}
	if st != http.StatusSeeOther || h.Get("Location") != "/console/" {
		t.Fatalf("login %s: %d %s %s", a.Role, st, h.Get("Location"), problem(body))
	}
	if st, body := c.get("/console/"); st != 200 {
		t.Fatalf("home: %d %s", st, problem(body))
	}
	return c
}

var problemCode = regexp.MustCompile(`id="problem-code">([A-Z_]+)<`)

// problem is the error code a page shows, or "".
func problem(body string) string {
	if m := problemCode.FindStringSubmatch(body); m != nil {
		return m[1]
	}
	return ""
}

var (
	keyOnce sync.Once
	rsaKey  *rsa.PrivateKey
)

func csrPEM(t testing.TB) string {
	keyOnce.Do(func() {
		var err error
		if rsaKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
	})
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "x"}}, rsaKey)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}))
}

// issueWithSlip redeems a slip's reference and code through the JSON API, as a
// customer's program would, and returns the serial.
func issueWithSlip(t testing.TB, srv *apptest.Server, ref, code string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"reference": ref, "authCode": code, "csr": csrPEM(t)})
	resp, err := http.Post(srv.URL+"/api/v1/certificates", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Serial string `json:"serial"`
	}
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("issue with the slip's code: %d %s", resp.StatusCode, b)
	}
	json.Unmarshal(b, &out)
	return out.Serial
}

var (
	slipRef  = regexp.MustCompile(`id="slip-ref">([^<]+)<`)
	slipCode = regexp.MustCompile(`id="slip-code">([^<]+)<`)
)

func totpAt(a account, t time.Time) string { return console.TOTP(a.Secret, t) }
