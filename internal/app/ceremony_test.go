package app_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/app"
	"github.com/certcenter/certcenter/internal/config"
	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/issuance"
	"github.com/certcenter/certcenter/internal/signer"
	"github.com/certcenter/certcenter/internal/store/sqlstore"
	"github.com/certcenter/certcenter/internal/testenv"
)

// ceremony is the key ceremony's two machines: the offline one (a folder holding the
// root key, its passphrase and certificate, no secrets key) and a server (keys.root =
// "offline"), each in its own temporary folder.
type ceremony struct {
	t       testing.TB
	offline config.Config
	server  config.Config
	rootKey string // the root key file on the offline machine
	rootPEM string // the root certificate there
	quiet   app.Options
	// listener is the server's httptest server, made first: its address is the
	// base_url the root writes into the issuing CA's certificate.
	listener *httptest.Server
}

func newCeremony(t *testing.T, driver string, adjust func(server *config.Config)) *ceremony {
	t.Helper()
	off := config.Default()
	off.Demo = false
	off.DataDir = t.TempDir()
	lsn := httptest.NewUnstartedServer(nil)
	t.Cleanup(lsn.Close)
	off.BaseURL = "http://" + lsn.Listener.Addr().String()
	pass := filepath.Join(off.DataDir, "root-passphrase")
	os.WriteFile(pass, []byte("correct horse battery staple, offline\n"), 0o600)
	off.Keys.Passphrase = "file:" + pass
	if err := off.ValidateOffline(); err != nil {
		t.Fatalf("offline configuration: %v", err)
	}
	srv := config.Default()
	srv.DataDir = t.TempDir()
	srv.BaseURL = off.BaseURL
	srv.Keys.Root = "offline"
	srv.Secrets.Key = writeSecretsKey(t)
	srvPass := filepath.Join(t.TempDir(), "ca-passphrase")
	os.WriteFile(srvPass, []byte("the issuing CA's passphrase, on the servers\n"), 0o600)
	srv.Keys.Passphrase = "file:" + srvPass
	srv.Database.Driver = driver
	if driver == "postgres" {
		srv.Database.DSN = testenv.PostgresDSN(t)
	}
	if adjust != nil {
		adjust(&srv)
	}
	if err := srv.Validate(); err != nil {
		t.Fatalf("server configuration: %v", err)
	}
	return &ceremony{t: t, offline: off, server: srv,
		rootKey: filepath.Join(off.DataDir, "root.key"), rootPEM: filepath.Join(off.DataDir, "root.pem"),
		quiet: app.Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil))}, listener: lsn}
}

func (c *ceremony) rootInit(now time.Time) []byte {
	c.t.Helper()
	der, err := app.RootInit(c.offline, c.rootKey, c.rootPEM, now)
	if err != nil {
		c.t.Fatalf("RootInit: %v", err)
	}
	return der
}

func (c *ceremony) request() []byte {
	c.t.Helper()
	csr, _, err := app.RequestCA(context.Background(), c.server, time.Now())
	if err != nil {
		c.t.Fatalf("RequestCA: %v", err)
	}
	return csr
}

func (c *ceremony) sign(rootDER, csr []byte, now time.Time) []byte {
	c.t.Helper()
	der, err := app.SignCA(c.offline, c.rootKey, rootDER, csr, now)
	if err != nil {
		c.t.Fatalf("SignCA: %v", err)
	}
	return der
}

func (c *ceremony) crl(rootDER []byte) []byte {
	c.t.Helper()
	der, err := app.SignRootCRLOffline(context.Background(), c.offline, c.rootKey, rootDER, time.Now(), 90*24*time.Hour)
	if err != nil {
		c.t.Fatalf("SignRootCRLOffline: %v", err)
	}
	return der
}

func (c *ceremony) importCA(cert, root, crl []byte) error {
	_, err := app.ImportCA(context.Background(), c.server, cert, root, crl, c.quiet)
	return err
}

// run is the whole ceremony; it returns the root certificate.
func (c *ceremony) run() []byte {
	c.t.Helper()
	root := c.rootInit(time.Now())
	cert := c.sign(root, c.request(), time.Now())
	if err := c.importCA(cert, root, c.crl(root)); err != nil {
		c.t.Fatalf("ImportCA: %v", err)
	}
	return root
}

// serve opens the server's app behind the ceremony's httptest server (once).
func (c *ceremony) serve(cfg config.Config) *env {
	c.t.Helper()
	srv := c.listener
	a, err := app.Open(context.Background(), cfg, c.quiet)
	if err != nil {
		c.t.Fatalf("app.Open after the ceremony: %v", err)
	}
	srv.Config.Handler = a.API
	srv.Start()
	c.t.Cleanup(func() { srv.Close(); a.Close() })
	return &env{t: c.t, app: a, srv: srv, cfg: cfg, client: srv.Client(), clock: newClock(time.Now()), keys: map[string]string{}}
}

// wantRefusal fails unless err carries code.
func wantRefusal(t testing.TB, what string, err error, code errs.Code) {
	t.Helper()
	if !errors.Is(err, errs.Sentinel(code)) {
		t.Errorf("%s = %v, want %s", what, err, code)
		return
	}
	if txt := errs.Localize(err, errs.Korean); txt.Hint == "" || txt.Message == "" {
		t.Errorf("%s: %s has no Korean message or hint", what, code)
	}
}

// TestCeremony: the root is made offline, the issuing CA's key on the server, and the
// server issues certificates that chain to the offline root, which it never held; the
// node check accepts the node, and a second node with the same keys; a node that
// forgets keys.root = "offline" is refused, naming the root key.
func TestCeremony(t *testing.T) {
	drivers(t, func(t *testing.T, driver string) {
		c := newCeremony(t, driver, func(s *config.Config) {
			// Both nodes share the database; the postgres one is shared already.
			if driver == "sqlite" {
				s.Database.DSN = filepath.Join(t.TempDir(), "shared.db")
			}
		})
		// Before the ceremony: no CA is made here.
		_, err := app.Open(context.Background(), c.server, c.quiet)
		wantRefusal(t, "serve before the ceremony", err, errs.CANotInstalled)
		if err != nil && !strings.Contains(errs.Localize(err, errs.English).Hint, "certcenter ca request") {
			t.Errorf("CA_NOT_INSTALLED hint does not name the commands: %q", errs.Localize(err, errs.English).Hint)
		}
		rootDER := c.run()
		e := c.serve(c.server)
		if !bytes.Equal(e.app.CA.RootDER(), rootDER) {
			t.Fatal("the server's root is not the offline root")
		}
		st, m, got := e.issue(enrollDirect(t, e.app, "901"), csrPEM(t, subscriberKey(t)), "")
		if st != 201 {
			t.Fatalf("issue after the ceremony = %d %v", st, m)
		}
		// The chain, against the offline machine's root file.
		root, _ := os.ReadFile(c.rootPEM)
		got.Chain[1] = string(root)
		verifyChain(t, got)
		// The root CRL imported with the CA is served.
		resp, err := e.client.Get(e.srv.URL + "/crl/root/p0.crl")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("root CRL after ca import --crl = %d, want 200", resp.StatusCode)
		}
		// No file on the server holds the root key.
		rootKey, _ := os.ReadFile(c.rootKey)
		filepath.WalkDir(c.server.DataDir, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				b, _ := os.ReadFile(p)
				if d.Name() == "root.key" || bytes.Contains(b, rootKey[40:120]) {
					t.Errorf("the server's data folder holds the root key: %s", p)
				}
			}
			return nil
		})

		// A second node: its own data folder with a copy of the keys.
		second := c.server
		second.DataDir = t.TempDir()
		keys, _ := filepath.Glob(filepath.Join(c.server.DataDir, "keys-*"))
		for _, k := range keys {
			copyDir(t, k, filepath.Join(second.DataDir, filepath.Base(k)))
		}
		a2, err := app.Open(context.Background(), second, c.quiet)
		if err != nil {
			t.Fatalf("second node after the ceremony: %v", err)
		}
		a2.Close()
		// A node without keys.root = "offline" looks for the root key and is refused.
		online := second
		online.Keys.Root = ""
		_, err = app.Open(context.Background(), online, c.quiet)
		wantRefusal(t, "a node without keys.root = offline", err, errs.NodeMismatch)
		if err == nil || !strings.Contains(err.Error(), `keys.root = "offline"`) {
			t.Errorf("the refusal does not say keys.root = \"offline\": %v", err)
		}
	})
}

func copyDir(t testing.TB, from, to string) {
	t.Helper()
	os.MkdirAll(to, 0o700)
	entries, err := os.ReadDir(from)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, _ := os.ReadFile(filepath.Join(from, e.Name()))
		os.WriteFile(filepath.Join(to, e.Name()), b, 0o600)
	}
}

// TestCeremonyRefusals: every rule of the ceremony refuses with its code and hint.
func TestCeremonyRefusals(t *testing.T) {
	ctx := context.Background()
	now := time.Now()
	c := newCeremony(t, "sqlite", nil)
	root := c.rootInit(now)
	csr := c.request()

	t.Run("root init never overwrites", func(t *testing.T) {
		_, err := app.RootInit(c.offline, c.rootKey, filepath.Join(t.TempDir(), "other.pem"), now)
		wantRefusal(t, "RootInit over an existing key", err, errs.RootKeyExists)
		_, err = app.RootInit(c.offline, filepath.Join(t.TempDir(), "k"), c.rootPEM, now)
		wantRefusal(t, "RootInit over an existing certificate", err, errs.RootKeyExists)
	})
	t.Run("request without keys.root offline", func(t *testing.T) {
		online := c.server
		online.Keys.Root = ""
		_, _, err := app.RequestCA(ctx, online, now)
		wantRefusal(t, "RequestCA with the root online", err, errs.RootNotOffline)
		_, err = app.ImportCA(ctx, online, root, root, nil, c.quiet)
		wantRefusal(t, "ImportCA with the root online", err, errs.RootNotOffline)
	})
	t.Run("a second request writes the same one", func(t *testing.T) {
		again, was, err := app.RequestCA(ctx, c.server, now)
		if err != nil || !was || !bytes.Equal(again, csr) {
			t.Errorf("RequestCA again = %v %v (same %v), want the pending request again", err, was, bytes.Equal(again, csr))
		}
	})
	t.Run("serve with a pending request", func(t *testing.T) {
		_, err := app.Open(ctx, c.server, c.quiet)
		wantRefusal(t, "app.Open with a request pending", err, errs.CANotInstalled)
		if err == nil || !strings.Contains(err.Error(), "ca-request.json") {
			t.Errorf("the refusal does not name the pending request: %v", err)
		}
	})
	t.Run("CSR damaged", func(t *testing.T) {
		bad := bytes.Clone(csr)
		bad[len(bad)-3] ^= 1
		_, err := app.SignCA(c.offline, c.rootKey, root, bad, now)
		wantRefusal(t, "SignCA(damaged CSR)", err, errs.CACSRSignatureInvalid)
	})
	t.Run("CSR not a CA request", func(t *testing.T) {
		_, err := app.SignCA(c.offline, c.rootKey, root, []byte("junk"), now)
		wantRefusal(t, "SignCA(junk)", err, errs.CACSRInvalid)
		block, _ := pem.Decode([]byte(csrPEM(t, subscriberKey(t)))) // CN=x: a subscriber's request
		_, err = app.SignCA(c.offline, c.rootKey, root, block.Bytes, now)
		wantRefusal(t, "SignCA(CN=x)", err, errs.CACSRInvalid)
		// The right name, signed with SHA-1: not a request certcenter ca request wrote.
		parsed, _ := x509.ParseCertificateRequest(csr)
		sha1CSR, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{RawSubject: parsed.RawSubject, SignatureAlgorithm: x509.SHA1WithRSA}, subscriberKey(t))
		if err != nil {
			t.Fatal(err)
		}
		_, err = app.SignCA(c.offline, c.rootKey, root, sha1CSR, now)
		wantRefusal(t, "SignCA(SHA-1 CSR)", err, errs.CACSRInvalid)
		if err == nil || !strings.Contains(err.Error(), "SHA1") {
			t.Errorf("the SHA-1 refusal does not name the algorithm: %v", err)
		}
	})
	other := newCeremony(t, "sqlite", nil)
	otherRoot := other.rootInit(now)
	t.Run("root key of another root", func(t *testing.T) {
		_, err := app.SignCA(c.offline, other.rootKey, root, csr, now)
		wantRefusal(t, "SignCA(another root's key)", err, errs.RootKeyMismatch)
	})
	good := c.sign(root, csr, now)
	t.Run("root certificate not a root", func(t *testing.T) {
		_, err := app.SignCA(c.offline, c.rootKey, good, csr, now)
		wantRefusal(t, "SignCA(issuing CA as root)", err, errs.RootCertInvalid)
		err = c.importCA(good, good, nil)
		wantRefusal(t, "ImportCA(issuing CA as root)", err, errs.RootCertInvalid)
	})
	t.Run("import without a request", func(t *testing.T) {
		err := other.importCA(good, root, nil)
		wantRefusal(t, "ImportCA in a folder without a request", err, errs.CARequestMissing)
	})
	t.Run("certificate for another key", func(t *testing.T) {
		third := newCeremony(t, "sqlite", nil)
		wrong := c.sign(root, third.request(), now)
		wantRefusal(t, "ImportCA(another server's certificate)", c.importCA(wrong, root, nil), errs.CACertWrongKey)
	})
	t.Run("not signed by the root given", func(t *testing.T) {
		// Another root with the same name signs this server's request.
		byOther := other.sign(otherRoot, csr, now)
		wantRefusal(t, "ImportCA(signed by another root)", c.importCA(byOther, root, nil), errs.CACertNotByRoot)
	})
	t.Run("expired", func(t *testing.T) {
		old := newCeremony(t, "sqlite", nil)
		past := now.AddDate(-11, 0, 0)
		oldRoot := old.rootInit(past)
		expired := old.sign(oldRoot, old.request(), past)
		err := old.importCA(expired, oldRoot, nil)
		wantRefusal(t, "ImportCA(expired)", err, errs.CACertExpired)
		if err != nil && !strings.Contains(errs.Localize(err, errs.English).Message, "valid from") {
			t.Errorf("CA_CERT_EXPIRED message lacks the dates: %q", errs.Localize(err, errs.English).Message)
		}
	})
	t.Run("another base_url", func(t *testing.T) {
		elsewhere := c.offline
		elsewhere.BaseURL = "http://elsewhere.example"
		// (the server's base_url is c.listener's address)
		cert, err := app.SignCA(elsewhere, c.rootKey, root, csr, now)
		if err != nil {
			t.Fatal(err)
		}
		err = c.importCA(cert, root, nil)
		wantRefusal(t, "ImportCA(signed for another base_url)", err, errs.CACertProfile)
		if err == nil || !strings.Contains(err.Error(), "cRLDistributionPoints") {
			t.Errorf("the refusal does not name the CRL DP: %v", err)
		}
	})
	t.Run("a CRL not the root's", func(t *testing.T) {
		if err := c.importCA(good, root, other.crl(otherRoot)); err == nil || !strings.Contains(err.Error(), "not signed by this root") {
			t.Errorf("ImportCA(another root's CRL) = %v, want a refusal", err)
		}
	})
	t.Run("a certificate for another name", func(t *testing.T) {
		// The pending key itself, under another CN than the one requested.
		pass, _ := app.ResolveSecret(c.server.Keys.Passphrase)
		keys, _ := filepath.Glob(filepath.Join(c.server.DataDir, "keys-*", "issuing.key"))
		if len(keys) != 1 {
			t.Fatalf("issuing keys %v", keys)
		}
		key, err := signer.LoadFile(keys[0], pass)
		if err != nil {
			t.Fatal(err)
		}
		renamed, err := issuance.CreateCSR(key, issuance.CAName("kr", "certcenter", "AccreditedCA", "Another CA"))
		if err != nil {
			t.Fatal(err)
		}
		err = c.importCA(c.sign(root, renamed, now), root, nil)
		wantRefusal(t, "ImportCA(another name)", err, errs.CACertProfile)
		if err == nil || !strings.Contains(err.Error(), "was requested") {
			t.Errorf("the refusal does not name the requested subject: %v", err)
		}
	})
	var leftOCSP crypto.PublicKey
	t.Run("an import that failed after the responder's key", func(t *testing.T) {
		// The responder's key of this request's group already there, as a failed
		// import leaves it: the next import uses it instead of failing on it.
		b, err := os.ReadFile(filepath.Join(c.server.DataDir, "ca-request.json"))
		if err != nil {
			t.Fatal(err)
		}
		var p struct{ Group string }
		json.Unmarshal(b, &p)
		pass, _ := app.ResolveSecret(c.server.Keys.Passphrase)
		left, err := signer.GenerateFile(filepath.Join(c.server.DataDir, "keys-"+p.Group, "ocsp.key"), 2048, pass)
		if err != nil {
			t.Fatal(err)
		}
		leftOCSP = left.Public()
	})
	t.Run("a second import", func(t *testing.T) {
		if err := c.importCA(good, root, nil); err != nil {
			t.Fatalf("ImportCA: %v", err)
		}
		st, err := sqlstore.Open(ctx, c.server.Database.Driver, c.server.Database.DSN)
		if err != nil {
			t.Fatal(err)
		}
		auths, err := st.Authorities(ctx)
		st.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range auths {
			if cert, _ := x509.ParseCertificate(a.CertDER); a.Role == "ocsp" && (cert == nil || !leftOCSP.(interface{ Equal(crypto.PublicKey) bool }).Equal(cert.PublicKey)) {
				t.Errorf("the responder's certificate is not for the key the failed import left")
			}
		}
		wantRefusal(t, "ImportCA again", c.importCA(good, root, nil), errs.CAAlreadyInstalled)
		_, _, err = app.RequestCA(ctx, c.server, now)
		wantRefusal(t, "RequestCA after the import", err, errs.CAAlreadyInstalled)
		if _, err := os.Stat(filepath.Join(c.server.DataDir, "ca-request.json")); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("the request file outlived the import: %v", err)
		}
	})
	// Every certificate this ceremony signed, good or refused, is one the root made
	// with the profile: the refusals above are the server's, not the offline machine's.
	if c2, _ := x509.ParseCertificate(good); c2 == nil || c2.MaxPathLen != 0 || !c2.MaxPathLenZero {
		t.Errorf("the signed issuing CA has no pathLen 0")
	}
}

// TestCeremonyIssuingKeyInSoftHSM: the issuing CA's key made by ca request in a PKCS#11
// token, certified offline, used for issuance.
func TestCeremonyIssuingKeyInSoftHSM(t *testing.T) {
	hsm := testenv.NewSoftHSM(t)
	t.Setenv("TEST_HSM_PIN", hsm.PIN)
	c := newCeremony(t, "sqlite", func(s *config.Config) {
		s.Keys = config.Keys{Source: "pkcs11", Root: "offline", PKCS11: config.PKCS11{Module: hsm.Module, TokenLabel: hsm.TokenLabel, PIN: "env:TEST_HSM_PIN"}}
	})
	c.run()
	var issuingRef string
	e := c.serve(c.server)
	auths, err := e.app.Store.Authorities(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range auths {
		if a.Role == "issuing" {
			issuingRef = a.KeyRef
		}
	}
	if !strings.HasPrefix(issuingRef, "pkcs11:certcenter-") {
		t.Fatalf("issuing key reference %q, want a token key", issuingRef)
	}
	st, m, got := e.issue(enrollDirect(t, e.app, "902"), csrPEM(t, subscriberKey(t)), "")
	if st != 201 {
		t.Fatalf("issue with the token's issuing key = %d %v", st, m)
	}
	verifyChain(t, got)
	if entries, _ := filepath.Glob(filepath.Join(c.server.DataDir, "keys-*", "*.key")); len(entries) != 0 {
		t.Errorf("key files on a PKCS#11 server: %v", entries)
	}
}

// TestCeremonyRootInSoftHSM: root init makes the root key in the offline machine's
// token (never replacing a key of the same label), and sign-ca and root crl sign there.
func TestCeremonyRootInSoftHSM(t *testing.T) {
	hsm := testenv.NewSoftHSM(t)
	t.Setenv("TEST_HSM_PIN", hsm.PIN)
	c := newCeremony(t, "sqlite", nil)
	c.offline.Keys = config.Keys{Source: "pkcs11", PKCS11: config.PKCS11{Module: hsm.Module, TokenLabel: hsm.TokenLabel, PIN: "env:TEST_HSM_PIN"}}
	c.rootKey = "pkcs11:offline-root"
	root := c.run()
	e := c.serve(c.server)
	st, m, got := e.issue(enrollDirect(t, e.app, "903"), csrPEM(t, subscriberKey(t)), "")
	if st != 201 {
		t.Fatalf("issue under a token root = %d %v", st, m)
	}
	if !bytes.Equal(e.app.CA.RootDER(), root) {
		t.Error("the server's root is not the token's")
	}
	verifyChain(t, got)
	_, err := app.RootInit(c.offline, c.rootKey, filepath.Join(t.TempDir(), "again.pem"), time.Now())
	wantRefusal(t, "RootInit over a token key of the same label", err, errs.RootKeyExists)
}
