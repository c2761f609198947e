package cmphttp_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/app"
	"github.com/certcenter/certcenter/internal/center"
	"github.com/certcenter/certcenter/internal/config"
)

// clock is a settable test clock.
type clock struct{ t atomic.Int64 }

func (c *clock) Now() time.Time      { return time.Unix(0, c.t.Load()) }
func (c *clock) Add(d time.Duration) { c.t.Add(int64(d)) }

// env is certcenter on a fresh SQLite data folder behind an httptest server, with CMP at
// URL + "/pkix/".
type env struct {
	t     testing.TB
	app   *app.App
	srv   *httptest.Server
	clock *clock
	dir   string // scratch files
	root  *x509.Certificate
	ca    *x509.Certificate
}

func newEnv(t testing.TB) *env {
	t.Helper()
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	srv := httptest.NewUnstartedServer(nil)
	cfg.BaseURL = "http://" + srv.Listener.Addr().String()
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	clk := &clock{}
	clk.t.Store(time.Now().UnixNano())
	a, err := app.Open(context.Background(), cfg, app.Options{Now: clk.Now, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatalf("app.Open: %v", err)
	}
	srv.Config.Handler = a.API
	srv.Start()
	t.Cleanup(func() { srv.Close(); a.Close() })
	e := &env{t: t, app: a, srv: srv, clock: clk, dir: t.TempDir()}
	if e.root, err = x509.ParseCertificate(a.CA.RootDER()); err != nil {
		t.Fatal(err)
	}
	if e.ca, err = x509.ParseCertificate(a.CA.IssuingDER()); err != nil {
		t.Fatal(err)
	}
	return e
}

const (
	testName = "홍길동"
	testIDN  = "8001011234567"
)

// enroll returns a fresh reference number and authorization code.
func (e *env) enroll() (ref, code string) {
	e.t.Helper()
	out, err := e.app.Center.Enroll(context.Background(), center.EnrollRequest{Institution: "901", Name: testName, IDN: testIDN, Actor: "test"})
	if err != nil {
		e.t.Fatal(err)
	}
	return out.Reference, out.AuthCode
}

// write writes a scratch file and returns its path.
func (e *env) write(name string, data []byte) string {
	e.t.Helper()
	p := filepath.Join(e.dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		e.t.Fatal(err)
	}
	return p
}

func pemCert(c *x509.Certificate) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
}

var (
	keysOnce sync.Once
	keys     [6]*rsa.PrivateKey
)

// testKey returns one of six RSA-2048 subscriber keys shared by the tests.
func testKey(t testing.TB, i int) *rsa.PrivateKey {
	keysOnce.Do(func() {
		var wg sync.WaitGroup
		for i := range keys {
			wg.Add(1)
			go func() {
				defer wg.Done()
				k, err := rsa.GenerateKey(rand.Reader, 2048)
				if err != nil {
					panic(err)
				}
				keys[i] = k
			}()
		}
		wg.Wait()
	})
	return keys[i]
}

func pemKey(t testing.TB, k *rsa.PrivateKey) []byte {
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}
