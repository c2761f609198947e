package main

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"github.com/certcenter/certcenter/internal/apptest"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/center"
	"github.com/certcenter/certcenter/npki"
)

// The online commands run against a real certcenter: app.Open on a temporary data
// folder behind httptest, with its own settable clock.

type testServer struct {
	*apptest.Server

	mu       sync.Mutex
	traffic  [][]byte // every relay request and answer body, when recording
	ocspDown bool     // the stand-in OCSP responder answers 503
	crlDown  bool     // the stand-in CRL server answers 503
	revoked  map[string]time.Time
	ocspHits int
	// noOutcome answers the relay's outcome route 404, as a server older than it would.
	noOutcome bool
}

func (s *testServer) now() time.Time          { return s.Clock.Now() }
func (s *testServer) advance(d time.Duration) { s.Clock.Advance(d) }

func newTestServer(t testing.TB) *testServer {
	t.Helper()
	s := &testServer{}
	s.Server = apptest.Start(t, apptest.Options{Wrap: func(http.Handler) http.Handler { return http.HandlerFunc(s.serve) }})
	return s
}

// serve passes requests to the API, keeping a copy of the relay's traffic.
func (s *testServer) serve(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/ocsp" || strings.HasPrefix(r.URL.Path, "/ocsp/"):
		s.serveOCSP(w, r)
		return
	case strings.HasPrefix(r.URL.Path, "/crl/"):
		s.serveCRL(w, r)
		return
	}
	s.mu.Lock()
	noOutcome := s.noOutcome
	s.mu.Unlock()
	if noOutcome && strings.HasSuffix(r.URL.Path, "/outcome") {
		http.NotFound(w, r)
		return
	}
	if len(r.URL.Path) < len("/api/v1/relay/") || r.URL.Path[:len("/api/v1/relay/")] != "/api/v1/relay/" {
		s.App.API.ServeHTTP(w, r)
		return
	}
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytesReader(body))
	rec := httptest.NewRecorder()
	s.App.API.ServeHTTP(rec, r)
	s.mu.Lock()
	s.traffic = append(s.traffic, body, rec.Body.Bytes())
	s.mu.Unlock()
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	w.Write(rec.Body.Bytes())
}

var (
	srvKeysOnce sync.Once
	srvKeys     [2]*rsa.PrivateKey
)

// testKey returns one of two RSA keys shared by the tests (generating them is slow).
func testKey(i int) *rsa.PrivateKey {
	srvKeysOnce.Do(func() {
		for j := range srvKeys {
			k, err := rsa.GenerateKey(rand.Reader, 2048)
			if err != nil {
				panic(err)
			}
			srvKeys[j] = k
		}
	})
	return srvKeys[i]
}

// issued is a certificate from the test server with its key and R.
type issued struct {
	der   []byte
	chain [][]byte // issuing CA, root
	key   *rsa.PrivateKey
	r     []byte
}

// issue enrolls name/idn at institution 901 and issues a certificate for key i.
func (s *testServer) issue(t testing.TB, name, idn string, i int) issued {
	t.Helper()
	ctx := context.Background()
	en, err := s.App.Center.Enroll(ctx, center.EnrollRequest{Institution: "901", Name: name, IDN: idn,
		Verification: "in-person", Actor: "test"})
	if err != nil {
		t.Fatalf("Enroll: %v", err)
	}
	key := testKey(i)
	out, err := s.App.Center.IssueWithCode(ctx, en.Reference, en.AuthCode, key.Public(), nil)
	if err != nil {
		t.Fatalf("IssueWithCode: %v", err)
	}
	return issued{der: out.Record.DER, chain: out.Chain, key: key, r: out.RandomNum}
}

// writeNPKI stores the certificate in an NPKI folder under root with its key file
// (seedCBCWithSHA1, R kept) under password, and returns the certificate folder.
func writeNPKI(t testing.TB, root string, c issued, password string) string {
	t.Helper()
	keyDER, err := npki.EncryptKeyFile(&npki.PrivateKey{Key: c.key, RandomNum: c.r}, []byte(password), nil)
	if err != nil {
		t.Fatal(err)
	}
	dir, err := npki.Write(root, npki.Files{SignCert: c.der, SignKey: keyDER}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func relPath(t testing.TB, root, dir string) string {
	t.Helper()
	r, err := filepath.Rel(root, dir)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
