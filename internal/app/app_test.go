package app_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/app"
	"github.com/certcenter/certcenter/internal/center"
	"github.com/certcenter/certcenter/internal/config"
	"github.com/certcenter/certcenter/internal/testenv"
	"github.com/certcenter/certcenter/npki"
)

// clock is a settable test clock.
type clock struct{ t atomic.Int64 }

func newClock(t time.Time) *clock { c := &clock{}; c.t.Store(t.UnixNano()); return c }
func (c *clock) Now() time.Time   { return time.Unix(0, c.t.Load()) }
func (c *clock) Add(d time.Duration) {
	c.t.Add(int64(d))
}

type env struct {
	t      testing.TB
	app    *app.App
	srv    *httptest.Server
	keys   map[string]string // institution code -> API key
	clock  *clock
	cfg    config.Config
	client *http.Client
}

// newEnv starts certcenter on a fresh data folder ("sqlite") or a fresh PostgreSQL
// schema ("postgres") behind an httptest server.
func newEnv(t testing.TB, driver string) *env {
	t.Helper()
	return newEnvWith(t, driver, nil)
}

// newEnvWith is newEnv with a chance to adjust the configuration first.
func newEnvWith(t testing.TB, driver string, adjust func(*config.Config)) *env {
	t.Helper()
	cfg := config.Default()
	if adjust != nil {
		adjust(&cfg)
	}
	cfg.DataDir = t.TempDir()
	cfg.Database.Driver = driver
	if driver == "postgres" {
		cfg.Database.DSN = testenv.PostgresDSN(t)
	}
	srv := httptest.NewUnstartedServer(nil)
	cfg.BaseURL = "http://" + srv.Listener.Addr().String()
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	clk := newClock(time.Now())
	a, err := app.Open(context.Background(), cfg, app.Options{Now: clk.Now, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatalf("app.Open: %v", err)
	}
	srv.Config.Handler = a.API
	srv.Start()
	t.Cleanup(func() { srv.Close(); a.Close() })
	e := &env{t: t, app: a, srv: srv, clock: clk, cfg: cfg, client: srv.Client(), keys: map[string]string{}}
	b, err := os.ReadFile(filepath.Join(cfg.DataDir, "demo-institutions.json"))
	if err != nil {
		t.Fatal(err)
	}
	var demo []app.DemoInstitution
	if err := json.Unmarshal(b, &demo); err != nil {
		t.Fatal(err)
	}
	for _, d := range demo {
		e.keys[d.Code] = d.APIKey
	}
	return e
}

// do sends a JSON request and decodes the JSON answer into out (when not nil).
func (e *env) do(method, path, apiKey string, body any, out any) (int, map[string]any) {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, e.srv.URL+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if apiKey != "" {
		req.Header.Set("Authorization", "Bearer "+apiKey)
	}
	resp, err := e.client.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var m map[string]any
	json.Unmarshal(raw, &m)
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(raw, out); err != nil {
			e.t.Fatalf("%s %s: decode %s: %v", method, path, raw, err)
		}
	}
	return resp.StatusCode, m
}

type enrolled struct {
	Reference string `json:"reference"`
	AuthCode  string `json:"authCode"`
}

func (e *env) enroll(inst, name, idn string) enrolled {
	e.t.Helper()
	var out enrolled
	st, m := e.do("POST", "/api/v1/enrollments", e.keys[inst], map[string]string{"name": name, "idn": idn}, &out)
	if st != http.StatusCreated || out.Reference == "" || out.AuthCode == "" {
		e.t.Fatalf("enroll = %d %v", st, m)
	}
	return out
}

func csrPEM(t testing.TB, key crypto.Signer) string {
	t.Helper()
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "x"}}, key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}))
}

var (
	keyOnce sync.Once
	rsaKey  *rsa.PrivateKey
)

func subscriberKey(t testing.TB) *rsa.PrivateKey {
	keyOnce.Do(func() {
		var err error
		if rsaKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
	})
	return rsaKey
}

type issuedJSON struct {
	Certificate string   `json:"certificate"`
	Chain       []string `json:"chain"`
	Serial      string   `json:"serial"`
	RandomNum   string   `json:"randomNum"`
}

func (e *env) issue(en enrolled, csr string, r string) (int, map[string]any, issuedJSON) {
	e.t.Helper()
	var out issuedJSON
	body := map[string]string{"reference": en.Reference, "authCode": en.AuthCode, "csr": csr}
	if r != "" {
		body["randomNum"] = r
	}
	st, m := e.do("POST", "/api/v1/certificates", "", body, &out)
	return st, m, out
}

func drivers(t *testing.T, f func(t *testing.T, driver string)) {
	for _, d := range []string{"sqlite", "postgres"} {
		t.Run(d, func(t *testing.T) { f(t, d) })
	}
}

func TestIssueEndToEndWithOpenSSL(t *testing.T) {
	drivers(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		en := e.enroll("901", "홍길동", "8001011234567")
		const r = "7858b4328390805129f01c97fe6ca4a520cbd479"
		st, m, got := e.issue(en, csrPEM(t, subscriberKey(t)), r)
		if st != http.StatusCreated {
			t.Fatalf("issue = %d %v", st, m)
		}
		if got.RandomNum != r || len(got.Chain) != 2 {
			t.Fatalf("answer randomNum %q chain %d", got.RandomNum, len(got.Chain))
		}
		dir := t.TempDir()
		write := func(name, content string) string {
			p := filepath.Join(dir, name)
			os.WriteFile(p, []byte(content), 0o600)
			return p
		}
		leaf := write("leaf.pem", got.Certificate)
		ca := write("ca.pem", got.Chain[0])
		root := write("root.pem", got.Chain[1])
		out := testenv.RunOpenSSL(t, "verify", "-CAfile", root, "-untrusted", ca, leaf)
		if !strings.Contains(string(out), "leaf.pem: OK") {
			t.Errorf("openssl verify: %s", out)
		}
		// Subject: RDN order and string types.
		out = testenv.RunOpenSSL(t, "x509", "-in", leaf, "-noout", "-subject", "-nameopt", "sep_multiline,show_type,utf8,-esc_msb")
		wantSubject := []string{"C=PRINTABLESTRING:kr", "O=UTF8STRING:certcenter", "OU=UTF8STRING:personal4IB", "OU=UTF8STRING:DEMOBANK", "CN=UTF8STRING:홍길동()0901"}
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")[1:]
		if len(lines) != len(wantSubject) {
			t.Fatalf("subject has %d RDNs: %s", len(lines), out)
		}
		for i, w := range wantSubject {
			if !strings.HasPrefix(strings.TrimSpace(lines[i]), w) {
				t.Errorf("subject RDN %d = %q, want prefix %q", i, strings.TrimSpace(lines[i]), w)
			}
		}
		text := string(testenv.RunOpenSSL(t, "x509", "-in", leaf, "-noout", "-text"))
		for _, w := range []string{
			"X509v3 Key Usage: critical\n                Digital Signature, Non Repudiation",
			"X509v3 Certificate Policies: critical\n                Policy: 1.2.410.200005.1.1.4",
			"Signature Algorithm: sha256WithRSAEncryption",
			"Public-Key: (2048 bit)",
			"OCSP - URI:" + e.cfg.BaseURL + "/ocsp",
			"CA Issuers - URI:" + e.cfg.BaseURL + "/pki/ca.crt",
			"URI:" + e.cfg.BaseURL + "/crl/issuing/p",
		} {
			if !strings.Contains(text, w) {
				t.Errorf("openssl x509 -text lacks %q:\n%s", w, text)
			}
		}
		// VID recomputed from the identity number and R.
		block, _ := pem.Decode([]byte(got.Certificate))
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		id, err := npki.ParseIdentifyDataFromCert(cert)
		if err != nil {
			t.Fatal(err)
		}
		rb, _ := hex.DecodeString(r)
		if ok, _ := id.CheckVID("8001011234567", rb); !ok || id.RealName != "홍길동" {
			t.Errorf("VID check = %v, realName %q", ok, id.RealName)
		}
		if ok, _ := id.CheckVID("8001011234568", rb); ok {
			t.Error("VID matches a wrong identity number")
		}
		// Validity: 00:00:00 KST to 23:59:59 KST.
		kst := time.FixedZone("KST", 9*3600)
		nb, na := cert.NotBefore.In(kst), cert.NotAfter.In(kst)
		if nb.Format("15:04:05") != "00:00:00" || na.Format("15:04:05") != "23:59:59" || na.Sub(nb) < 364*24*time.Hour || na.Sub(nb) > 367*24*time.Hour {
			t.Errorf("validity %v .. %v", nb, na)
		}
		// Status endpoint: the status for anyone, the holder only with an institution key.
		var info map[string]any
		if st, m := e.do("GET", "/api/v1/certificates/"+got.Serial, "", nil, &info); st != 200 || info["status"] != "valid" ||
			info["subject"] != nil || info["certificate"] != nil || info["institution"] != nil {
			t.Errorf("GET certificate without a key = %d %v, want the status alone", st, m)
		}
		if st, m := e.do("GET", "/api/v1/certificates/"+got.Serial, "cc_901_wrong", nil, nil); st != http.StatusUnauthorized {
			t.Errorf("GET certificate with a wrong key = %d %v, want 401", st, m)
		}
		info = nil
		if st, m := e.do("GET", "/api/v1/certificates/"+got.Serial, e.keys["902"], nil, &info); st != 200 || info["status"] != "valid" || info["certificate"] == nil {
			t.Errorf("GET certificate with a key = %d %v", st, m)
		}
		// The subject as it is: each OU its own RDN (pkix.Name.String would merge them).
		if sub, _ := info["subject"].(string); !strings.HasSuffix(sub, ",OU=DEMOBANK,OU=personal4IB,O=certcenter,C=kr") || !strings.HasPrefix(sub, "CN=홍길동()0901") {
			t.Errorf("GET certificate: subject %q", sub)
		}
		if len(got.Serial) < 32 {
			t.Errorf("serial %s is shorter than 16 bytes", got.Serial)
		}
	})
}

func TestServerDrawsRandomNum(t *testing.T) {
	e := newEnv(t, "sqlite")
	en := e.enroll("902", "김철수", "9001011234567")
	st, m, got := e.issue(en, csrPEM(t, subscriberKey(t)), "")
	if st != http.StatusCreated {
		t.Fatalf("issue = %d %v", st, m)
	}
	rb, err := hex.DecodeString(got.RandomNum)
	if err != nil || len(rb) != 20 {
		t.Fatalf("randomNum %q", got.RandomNum)
	}
	block, _ := pem.Decode([]byte(got.Certificate))
	cert, _ := x509.ParseCertificate(block.Bytes)
	id, err := npki.ParseIdentifyDataFromCert(cert)
	if err != nil {
		t.Fatal(err)
	}
	if ok, _ := id.CheckVID("9001011234567", rb); !ok {
		t.Error("VID does not match the server-drawn R")
	}
	if !strings.Contains(cert.Subject.String(), "HANBIT") {
		t.Errorf("subject %s lacks the institution", cert.Subject)
	}
}

func jsonDecode(resp *http.Response, v any) error { return json.NewDecoder(resp.Body).Decode(v) }

// enrollDirect enrolls through the center (no HTTP, no API key).
func enrollDirect(t testing.TB, a *app.App, inst string) enrolled {
	t.Helper()
	out, err := a.Center.Enroll(context.Background(), center.EnrollRequest{Institution: inst, Name: "홍길동", IDN: "8001011234567", Actor: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return enrolled{out.Reference, out.AuthCode}
}

// verifyChain checks an issued certificate with openssl verify against its chain.
func verifyChain(t *testing.T, got issuedJSON, extra ...string) {
	t.Helper()
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(content), 0o600)
		return p
	}
	leaf, ca, root := write("leaf.pem", got.Certificate), write("ca.pem", got.Chain[0]), write("root.pem", got.Chain[1])
	out := testenv.RunOpenSSL(t, append(append([]string{"verify"}, extra...), "-CAfile", root, "-untrusted", ca, leaf)...)
	if !strings.Contains(string(out), "leaf.pem: OK") {
		t.Errorf("openssl verify: %s", out)
	}
}
