package app_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ocsp"

	"github.com/certcenter/certcenter/internal/app"
	"github.com/certcenter/certcenter/internal/config"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/testenv"
)

// revEnv is a server with its background jobs running, and the PEM files of its CA.
type revEnv struct {
	*env
	dir            string
	rootPEM, caPEM string
	issuing        *x509.Certificate
	stopJobs       func()
}

func newRevEnv(t *testing.T, driver string, mod func(*config.Config)) *revEnv {
	t.Helper()
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.Database.Driver = driver
	if driver == "postgres" {
		cfg.Database.DSN = testenv.PostgresDSN(t)
	}
	if mod != nil {
		mod(&cfg)
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
	e := &env{t: t, app: a, srv: srv, clock: clk, cfg: cfg, client: srv.Client(), keys: map[string]string{}}
	b, err := os.ReadFile(filepath.Join(cfg.DataDir, "demo-institutions.json"))
	if err != nil {
		t.Fatal(err)
	}
	var demo []app.DemoInstitution
	json.Unmarshal(b, &demo)
	for _, d := range demo {
		e.keys[d.Code] = d.APIKey
	}
	r := &revEnv{env: e, dir: t.TempDir()}
	r.stopJobs = startJobs(a)
	t.Cleanup(func() { r.stopJobs(); srv.Close(); a.Close() })
	r.rootPEM = r.write("root.pem", pemCert(a.CA.RootDER()))
	r.caPEM = r.write("ca.pem", pemCert(a.CA.IssuingDER()))
	r.issuing, _ = x509.ParseCertificate(a.CA.IssuingDER())
	return r
}

func startJobs(a *app.App) func() {
	ctx, cancel := context.WithCancel(context.Background())
	wait := a.StartJobs(ctx)
	return func() { cancel(); wait() }
}

func pemCert(der []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

func (r *revEnv) write(name, content string) string {
	p := filepath.Join(r.dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		r.t.Fatal(err)
	}
	return p
}

// issueLeaf issues a certificate and writes it as <name>.pem.
func (r *revEnv) issueLeaf(name string) (model.Certificate, string) {
	r.t.Helper()
	c := r.issueOne("901")
	return c, r.write(name+".pem", pemCert(c.DER))
}

// opensslOCSP asks the server with `openssl ocsp` and returns its output.
func (r *revEnv) opensslOCSP(args ...string) string {
	r.t.Helper()
	base := []string{"ocsp", "-issuer", r.caPEM, "-url", r.srv.URL + "/ocsp", "-CAfile", r.rootPEM, "-verify_other", r.caPEM}
	out := string(testenv.RunOpenSSL(r.t, append(base, args...)...))
	if !strings.Contains(out, "Response verify OK") {
		r.t.Errorf("openssl ocsp %v: response not verified:\n%s", args, out)
	}
	return out
}

// fetchCRL downloads partition p and writes it as DER and PEM; it returns the parsed CRL.
func (r *revEnv) fetchCRL(p int) (*x509.RevocationList, string) {
	r.t.Helper()
	resp, err := r.client.Get(fmt.Sprintf("%s/crl/issuing/p%d.crl", r.srv.URL, p))
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	der, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pkix-crl" {
		r.t.Fatalf("GET p%d.crl = %d %s", p, resp.StatusCode, der)
	}
	crl, err := x509.ParseRevocationList(der)
	if err != nil {
		r.t.Fatalf("p%d.crl: %v", p, err)
	}
	r.write(fmt.Sprintf("p%d.der", p), string(der))
	return crl, r.write(fmt.Sprintf("p%d.pem", p), string(pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: der})))
}

func onCRL(crl *x509.RevocationList, serial model.Serial) *x509.RevocationListEntry {
	want := new(big.Int).SetBytes(serial)
	for i := range crl.RevokedCertificateEntries {
		if crl.RevokedCertificateEntries[i].SerialNumber.Cmp(want) == 0 {
			return &crl.RevokedCertificateEntries[i]
		}
	}
	return nil
}

// ocspStatus asks srv about c with a Go client (POST) and returns the parsed response.
func ocspStatus(t *testing.T, client *http.Client, srvURL string, issuing *x509.Certificate, c model.Certificate) *ocsp.Response {
	t.Helper()
	leaf, err := x509.ParseCertificate(c.DER)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := ocsp.CreateRequest(leaf, issuing, nil)
	resp, err := client.Post(srvURL+"/ocsp", "application/ocsp-request", bytes.NewReader(req))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	der, _ := io.ReadAll(resp.Body)
	r, err := ocsp.ParseResponseForCert(der, leaf, issuing)
	if err != nil {
		t.Fatalf("OCSP response: %v (%x)", err, der)
	}
	return r
}

// waitFor polls cond every 5ms for up to limit and returns how long it took.
func waitFor(t *testing.T, what string, limit time.Duration, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > limit {
			t.Fatalf("%s: not within %v", what, limit)
		}
		time.Sleep(5 * time.Millisecond)
	}
	return time.Since(start)
}

func TestRevocationWithOpenSSL(t *testing.T) {
	testenv.OpenSSL(t)
	e := newRevEnv(t, "sqlite", nil)
	ctx := context.Background()
	leaf, leafPEM := e.issueLeaf("leaf")
	held, heldPEM := e.issueLeaf("held")

	// Good, and the chain verifies with the leaf's CRL.
	if out := e.opensslOCSP("-cert", leafPEM); !strings.Contains(out, leafPEM+": good") {
		t.Errorf("openssl ocsp before revocation:\n%s", out)
	}
	_, crlPEM := e.fetchCRL(leaf.Partition)
	testenv.RunOpenSSL(t, "verify", "-crl_check", "-CAfile", e.rootPEM, "-untrusted", e.caPEM, "-CRLfile", crlPEM, leafPEM)

	// Revoked: OCSP and the partition's CRL within a second.
	inv := time.Now().Add(-72 * time.Hour).UTC().Truncate(time.Second)
	revokedAt := time.Now()
	e.clock.Add(time.Second) // statuses change at distinct instants, as in life
	if _, err := e.app.CA.Revoke(ctx, leaf.Serial, model.ReasonKeyCompromise, &inv, "test", "901"); err != nil {
		t.Fatal(err)
	}
	d := waitFor(t, "OCSP revoked", time.Second, func() bool {
		return ocspStatus(t, e.client, e.srv.URL, e.issuing, leaf).Status == ocsp.Revoked
	})
	dc := waitFor(t, "CRL entry", time.Second, func() bool { crl, _ := e.fetchCRL(leaf.Partition); return onCRL(crl, leaf.Serial) != nil })
	t.Logf("revocation visible after %v (OCSP), %v (CRL) (revoked at %v)", d, dc, revokedAt.Format(time.StampMilli))
	out := e.opensslOCSP("-cert", leafPEM)
	if !strings.Contains(out, leafPEM+": revoked") || !strings.Contains(out, "Reason: keyCompromise") {
		t.Errorf("openssl ocsp after revocation:\n%s", out)
	}
	crl, crlPEM := e.fetchCRL(leaf.Partition)
	entry := onCRL(crl, leaf.Serial)
	if entry.ReasonCode != int(model.ReasonKeyCompromise) {
		t.Errorf("CRL entry reason %d", entry.ReasonCode)
	}
	crlText := string(testenv.RunOpenSSL(t, "crl", "-in", crlPEM, "-noout", "-text"))
	for _, w := range []string{"Key Compromise", "Invalidity Date", "X509v3 CRL Number", "Issuing Distribution Point: critical",
		fmt.Sprintf("URI:%s/crl/issuing/p%d.crl", e.cfg.BaseURL, leaf.Partition), "Only User Certificates"} {
		if !strings.Contains(crlText, w) {
			t.Errorf("openssl crl -text lacks %q:\n%s", w, crlText)
		}
	}
	vout, err := runOpenSSL("verify", "-crl_check", "-CAfile", e.rootPEM, "-untrusted", e.caPEM, "-CRLfile", crlPEM, leafPEM)
	if err == nil || !strings.Contains(vout, "certificate revoked") {
		t.Errorf("openssl verify -crl_check of a revoked certificate = %v:\n%s", err, vout)
	}

	// Suspended: revoked with certificateHold, on the CRL; resumed: good, off the CRL.
	e.clock.Add(time.Second) // statuses change at distinct instants, as in life
	if _, err := e.app.CA.Suspend(ctx, held.Serial, "test", "901"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "OCSP hold", time.Second, func() bool {
		return ocspStatus(t, e.client, e.srv.URL, e.issuing, held).Status == ocsp.Revoked
	})
	if out := e.opensslOCSP("-cert", heldPEM); !strings.Contains(out, heldPEM+": revoked") || !strings.Contains(out, "Reason: certificateHold") {
		t.Errorf("openssl ocsp of a suspended certificate:\n%s", out)
	}
	waitFor(t, "CRL hold entry", time.Second, func() bool {
		crl, _ := e.fetchCRL(held.Partition)
		en := onCRL(crl, held.Serial)
		return en != nil && en.ReasonCode == int(model.ReasonCertificateHold)
	})
	e.clock.Add(time.Second) // statuses change at distinct instants, as in life
	if _, err := e.app.CA.Resume(ctx, held.Serial, "test", "901"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "OCSP good after resume", time.Second, func() bool {
		return ocspStatus(t, e.client, e.srv.URL, e.issuing, held).Status == ocsp.Good
	})
	if out := e.opensslOCSP("-cert", heldPEM); !strings.Contains(out, heldPEM+": good") {
		t.Errorf("openssl ocsp after resume:\n%s", out)
	}
	waitFor(t, "hold entry gone", time.Second, func() bool { crl, _ := e.fetchCRL(held.Partition); return onCRL(crl, held.Serial) == nil })

	// Unknown serial.
	if out := e.opensslOCSP("-serial", "0x12345678901234567890"); !strings.Contains(out, ": unknown") {
		t.Errorf("openssl ocsp of a serial never issued:\n%s", out)
	}

	// Every partition verifies under the issuing CA, with increasing numbers.
	for p := 0; p < e.cfg.CA.CRLPartitions; p++ {
		crl, _ := e.fetchCRL(p)
		out := testenv.RunOpenSSL(t, "crl", "-inform", "DER", "-in", filepath.Join(e.dir, fmt.Sprintf("p%d.der", p)), "-verify", "-CAfile", e.caPEM, "-noout")
		if !strings.Contains(string(out), "verify OK") {
			t.Errorf("openssl crl -verify p%d: %s", p, out)
		}
		if crl.Number.Sign() <= 0 || !crl.NextUpdate.After(crl.ThisUpdate) {
			t.Errorf("p%d: number %v, %v..%v", p, crl.Number, crl.ThisUpdate, crl.NextUpdate)
		}
	}
}

func runOpenSSL(args ...string) (string, error) {
	out, err := exec.Command("openssl", args...).CombinedOutput()
	return string(out), err
}

// ocspReq builds an OCSPRequest for the given CertIDs by hand (crypto/ocsp builds only
// one), with an optional nonce.
func ocspReq(certIDs [][]byte, nonce []byte) []byte {
	var list []byte
	for _, id := range certIDs {
		list = append(list, derSeq(id)...) // Request ::= SEQUENCE { reqCert CertID }
	}
	tbs := derSeq(list) // requestList
	if nonce != nil {
		ext := derSeq(append([]byte{0x06, 0x09, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x02}, derTLV(0x04, derTLV(0x04, nonce))...))
		tbs = append(tbs, derTLV(0xa2, derSeq(ext))...)
	}
	return derSeq(derSeq(tbs))
}

func derTLV(tag byte, v []byte) []byte {
	n := len(v)
	switch {
	case n < 0x80:
		return append([]byte{tag, byte(n)}, v...)
	case n < 0x100:
		return append([]byte{tag, 0x81, byte(n)}, v...)
	default:
		return append([]byte{tag, 0x82, byte(n >> 8), byte(n)}, v...)
	}
}

func derSeq(v []byte) []byte { return derTLV(0x30, v) }

// certIDOf returns the SHA-1 CertID of a certificate by taking it from crypto/ocsp's
// request.
func certIDOf(t *testing.T, c model.Certificate, issuing *x509.Certificate) []byte {
	t.Helper()
	leaf, _ := x509.ParseCertificate(c.DER)
	req, err := ocsp.CreateRequest(leaf, issuing, nil)
	if err != nil {
		t.Fatal(err)
	}
	// OCSPRequest → TBSRequest → requestList → Request → CertID: four SEQUENCE headers.
	b := req
	for range 4 {
		b = inner(b)
	}
	_, l := tlvLen(b)
	return b[:l]
}

func tlvLen(b []byte) (hdr, total int) {
	if b[1] < 0x80 {
		return 2, 2 + int(b[1])
	}
	n := int(b[1] & 0x7f)
	v := 0
	for i := 0; i < n; i++ {
		v = v<<8 | int(b[2+i])
	}
	return 2 + n, 2 + n + v
}

func inner(b []byte) []byte { h, _ := tlvLen(b); return b[h:] }

func TestOCSPRequestsOverHTTP(t *testing.T) {
	e := newRevEnv(t, "sqlite", func(c *config.Config) { c.Revocation.OCSPNonce = "echo" })
	ctx := context.Background()
	good, _ := e.issueLeaf("good")
	revoked, _ := e.issueLeaf("revoked")
	e.clock.Add(time.Second) // statuses change at distinct instants, as in life
	if _, err := e.app.CA.Revoke(ctx, revoked.Serial, model.ReasonSuperseded, nil, "test", "901"); err != nil {
		t.Fatal(err)
	}
	post := func(body []byte) []byte {
		t.Helper()
		resp, err := e.client.Post(e.srv.URL+"/ocsp", "application/ocsp-request", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/ocsp-response" {
			t.Fatalf("POST /ocsp = %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		return b
	}
	get := func(path string) []byte {
		t.Helper()
		resp, err := e.client.Get(e.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s = %d", path, resp.StatusCode)
		}
		return b
	}
	malformed := []byte{0x30, 0x03, 0x0a, 0x01, 0x01}
	unauthorized := []byte{0x30, 0x03, 0x0a, 0x01, 0x06}
	goodID, revokedID := certIDOf(t, good, e.issuing), certIDOf(t, revoked, e.issuing)
	valid := ocspReq([][]byte{goodID}, nil)
	for name, body := range map[string][]byte{
		"empty":           nil,
		"garbage":         []byte("hello, OCSP"),
		"truncated":       valid[:len(valid)-3],
		"trailing data":   append(append([]byte{}, valid...), 0),
		"no certificates": derSeq(derSeq(derSeq(nil))),
		"too large":       bytes.Repeat([]byte{0x30}, 20000),
		"bad nonce":       ocspReq([][]byte{goodID}, make([]byte, 33)),
		"empty nonce":     ocspReq([][]byte{goodID}, []byte{}),
		"a certificate":   pemBytes(e.app.CA.IssuingDER()),
		"indefinite":      append([]byte{0x30, 0x80}, append(valid[2:], 0, 0)...),
		"many certificates": ocspReq(func() [][]byte {
			ids := make([][]byte, 40)
			for i := range ids {
				ids[i] = goodID
			}
			return ids
		}(), nil),
	} {
		if got := post(body); !bytes.Equal(got, malformed) {
			t.Errorf("POST %s = %x, want malformedRequest", name, got)
		}
	}
	for _, path := range []string{"/ocsp", "/ocsp/", "/ocsp/!!!", "/ocsp/bm90IG9jc3A=", "/ocsp/" + strings.Repeat("A", 70000)} {
		if got := get(path); !bytes.Equal(got, malformed) {
			t.Errorf("GET %.40s = %x, want malformedRequest", path, got)
		}
	}

	// GET with the URL-encoded base64 form (RFC 6960 appendix A.1), with caching headers.
	leafGood, _ := x509.ParseCertificate(good.DER)
	resp, err := e.client.Get(e.srv.URL + "/ocsp/" + url.PathEscape(base64.StdEncoding.EncodeToString(valid)))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if r, err := ocsp.ParseResponseForCert(body, leafGood, e.issuing); err != nil || r.Status != ocsp.Good {
		t.Errorf("GET: %v %v", r, err)
	}
	if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "max-age=") {
		t.Errorf("GET Cache-Control = %q", cc)
	}

	// Several certificates in one request, one unknown and one foreign; the nonce echoed.
	unknownID := append([]byte{}, goodID...)
	unknownID[len(unknownID)-1] ^= 0xff
	foreignID := append([]byte{}, goodID...)
	foreignID[15] ^= 0xff // inside issuerNameHash
	nonce := []byte("0123456789abcdef")
	multi := post(ocspReq([][]byte{goodID, revokedID, unknownID, foreignID}, nonce))
	leafRevoked, _ := x509.ParseCertificate(revoked.DER)
	for _, tc := range []struct {
		leaf *x509.Certificate
		want int
	}{{leafGood, ocsp.Good}, {leafRevoked, ocsp.Revoked}} {
		r, err := ocsp.ParseResponseForCert(multi, tc.leaf, e.issuing)
		if err != nil || r.Status != tc.want {
			t.Errorf("multi-certificate response for %x: %v, %v; want status %d", tc.leaf.SerialNumber, r, err, tc.want)
		}
		if tc.want == ocsp.Revoked && r.RevocationReason != ocsp.Superseded {
			t.Errorf("reason %d, want superseded", r.RevocationReason)
		}
	}
	if !bytes.Contains(multi, nonce) {
		t.Error("nonce not echoed under ocsp_nonce = echo")
	}
	if bytes.Count(multi, []byte{0x80, 0x00}) < 1 || !bytes.Contains(multi, []byte{0x82, 0x00}) {
		t.Error("multi-certificate response lacks a good or an unknown status")
	}
	if got := post(ocspReq([][]byte{foreignID}, nil)); !bytes.Equal(got, unauthorized) {
		t.Errorf("a request about another CA = %x, want unauthorized", got)
	}
	// CRL paths that do not exist.
	for _, p := range []string{"/crl/issuing/p99.crl", "/crl/issuing/p01.crl", "/crl/root/p1.crl", "/crl/other/p0.crl", "/crl/issuing/full.crl", "/crl/issuing/x.crl"} {
		resp, err := e.client.Get(e.srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 404 {
			t.Errorf("GET %s = %d, want 404", p, resp.StatusCode)
		}
	}
}

func pemBytes(der []byte) []byte { return []byte(pemCert(der)) }

// Two nodes on one PostgreSQL: a revocation through one is answered by the other
// within a second, one node publishes, and publishing moves when it stops.
func TestRevocationTwoNodes(t *testing.T) {
	a := newRevEnv(t, "postgres", nil)
	ctx := context.Background()
	bApp, err := app.Open(ctx, a.cfg, app.Options{Now: a.clock.Now, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatalf("second node: %v", err)
	}
	bSrv := httptest.NewServer(bApp.API)
	stopB := startJobs(bApp)
	defer func() { stopB(); bSrv.Close(); bApp.Close() }()

	c, _ := a.issueLeaf("leaf")
	if r := ocspStatus(t, bSrv.Client(), bSrv.URL, a.issuing, c); r.Status != ocsp.Good {
		t.Fatalf("node B before revocation: status %d", r.Status)
	}
	a.clock.Add(time.Second)
	if _, err := a.app.CA.Revoke(ctx, c.Serial, model.ReasonKeyCompromise, nil, "test", "901"); err != nil {
		t.Fatal(err)
	}
	d := waitFor(t, "node B answers revoked", time.Second, func() bool {
		return ocspStatus(t, bSrv.Client(), bSrv.URL, a.issuing, c).Status == ocsp.Revoked
	})
	t.Logf("node B answered revoked %v after the revocation on node A", d)
	crlOnB := func(s model.Serial, p int) bool {
		resp, err := bSrv.Client().Get(fmt.Sprintf("%s/crl/issuing/p%d.crl", bSrv.URL, p))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		der, _ := io.ReadAll(resp.Body)
		crl, err := x509.ParseRevocationList(der)
		return err == nil && onCRL(crl, s) != nil
	}
	waitFor(t, "node B serves the new CRL", time.Second, func() bool { return crlOnB(c.Serial, c.Partition) })

	// Exactly one node publishes; when it stops, the other takes over.
	waitFor(t, "a publisher", 3*time.Second, func() bool { return a.app.Revocation.Leader() || bApp.Revocation.Leader() })
	if a.app.Revocation.Leader() && bApp.Revocation.Leader() {
		t.Fatal("both nodes publish")
	}
	leader, follower, stop := a.app, bApp, a.stopJobs
	if bApp.Revocation.Leader() {
		leader, follower, stop = bApp, a.app, stopB
	}
	stop()
	if leader.Revocation.Leader() {
		t.Fatal("the stopped node still publishes")
	}
	waitFor(t, "the other node takes over", 5*time.Second, follower.Revocation.Leader)
	c2, _ := a.issueLeaf("leaf2")
	a.clock.Add(time.Second)
	if _, err := leader.CA.Revoke(ctx, c2.Serial, model.ReasonAffiliationChanged, nil, "test", "901"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "CRL after takeover", 2*time.Second, func() bool { return crlOnB(c2.Serial, c2.Partition) })
}
