package cmpclient_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"github.com/certcenter/certcenter/internal/apptest"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/certcenter/certcenter/client"
	"github.com/certcenter/certcenter/client/cmpclient"
	"github.com/certcenter/certcenter/cmp"
	"github.com/certcenter/certcenter/internal/center"
	"github.com/certcenter/certcenter/npki"
)

// A real certcenter behind a proxy that can tamper with CMP answers, as someone between
// the device and the server would.

type env struct {
	t *testing.T
	*apptest.Server
	tamper atomic.Pointer[func(*cmp.Message) []byte] // rewrites an answer; nil passes it
	// failNext requests get no answer: 503 from a proxy, or the connection closed when
	// drop is set.
	failNext atomic.Int32
	drop     atomic.Bool
	mu       sync.Mutex
	bodies   [][]byte // every request body, when recording
	record   atomic.Bool
}

func (e *env) now() time.Time { return e.Clock.Now() }

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{t: t}
	e.Server = apptest.Start(t, apptest.Options{Wrap: func(api http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if e.record.Load() {
				body, _ := io.ReadAll(r.Body)
				r.Body = io.NopCloser(bytes.NewReader(body))
				e.mu.Lock()
				e.bodies = append(e.bodies, body)
				e.mu.Unlock()
			}
			if n := e.failNext.Load(); n > 0 && e.failNext.CompareAndSwap(n, n-1) {
				if e.drop.Load() {
					conn, _, err := w.(http.Hijacker).Hijack()
					if err == nil {
						conn.Close()
					}
					return
				}
				http.Error(w, "upstream down", http.StatusServiceUnavailable)
				return
			}
			f := e.tamper.Load()
			if f == nil {
				api.ServeHTTP(w, r)
				return
			}
			rec := httptest.NewRecorder()
			api.ServeHTTP(rec, r)
			m, err := cmp.Parse(rec.Body.Bytes())
			if err != nil {
				t.Errorf("answer does not parse: %v", err)
				return
			}
			w.Header().Set("Content-Type", cmpclient.ContentType)
			w.Write((*f)(m))
		})
	}})
	return e
}

func (e *env) client() *cmpclient.Client {
	c, err := cmpclient.New(e.URL, &cmpclient.Options{Now: e.now})
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

func (e *env) enroll() (ref, code string) {
	e.t.Helper()
	en, err := e.App.Center.Enroll(context.Background(), center.EnrollRequest{Institution: "901", Name: "홍길동", IDN: "8001011234567",
		Verification: "in-person", Actor: "test"})
	if err != nil {
		e.t.Fatal(err)
	}
	return en.Reference, en.AuthCode
}

var (
	keysOnce sync.Once
	keys     [3]*rsa.PrivateKey
)

func key(i int) *rsa.PrivateKey {
	keysOnce.Do(func() {
		for j := range keys {
			k, err := rsa.GenerateKey(rand.Reader, 2048)
			if err != nil {
				panic(err)
			}
			keys[j] = k
		}
	})
	return keys[i]
}

func TestEnrollRenewRevoke(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.client()
	ref, code := e.enroll()
	r := bytes.Repeat([]byte{7}, 20)
	p, err := c.Enroll(ctx, cmpclient.EnrollRequest{Reference: ref, Code: code, Key: key(0), RandomNum: r})
	if err != nil {
		t.Fatalf("Enroll: %v", err)
	}
	if p.ServerDrewR || !bytes.Equal(p.RandomNum, r) || p.ConfirmBy.IsZero() || len(p.Chain) != 2 {
		t.Errorf("Enroll = R %x (server %v), confirmBy %v, chain %d", p.RandomNum, p.ServerDrewR, p.ConfirmBy, len(p.Chain))
	}
	if !bytes.Equal(p.Chain[1].Raw, e.App.CA.RootDER()) {
		t.Error("the chain does not end at the server's root")
	}
	id, _ := npki.ParseIdentifyDataFromCert(p.Cert)
	if ok, _ := id.CheckVID("8001011234567", r); !ok {
		t.Error("the VID was not made from the R sent")
	}
	if err := p.Confirm(ctx); err != nil {
		t.Fatalf("Confirm: %v", err)
	}

	// Renewal outside the window: the refusal, signed and authenticated, with its code.
	_, err = c.Renew(ctx, cmpclient.RenewRequest{Cert: p.Cert, Key: key(0), NewKey: key(1)})
	var rej *cmpclient.Rejection
	if !errors.As(err, &rej) || rej.Code != "RENEWAL_WINDOW_NOT_OPEN" || !rej.Authenticated || rej.Hint == "" {
		t.Fatalf("Renew before the window = %v (%+v)", err, rej)
	}
	e.Clock.Advance(p.Cert.NotAfter.Sub(e.now()) - 5*24*time.Hour)
	// Without R the server draws it and returns it.
	p2, err := c.Renew(ctx, cmpclient.RenewRequest{Cert: p.Cert, Key: key(0), NewKey: key(1)})
	if err != nil {
		t.Fatalf("Renew: %v", err)
	}
	if !p2.ServerDrewR || len(p2.RandomNum) != 20 {
		t.Errorf("Renew without R: R %x, server %v", p2.RandomNum, p2.ServerDrewR)
	}
	if err := p2.Confirm(ctx); err != nil {
		t.Fatalf("Confirm renewal: %v", err)
	}
	if err := c.Revoke(ctx, p2.Cert, key(1), 1); err != nil {
		t.Fatalf("Revoke: %v", err)
	}
	if err := c.Revoke(ctx, p2.Cert, key(1), 1); !errors.As(err, &rej) || rej.Code != "CERT_REVOKED" {
		t.Errorf("Revoke twice = %v", err)
	}
	// Another key cannot revoke it.
	if err := c.Revoke(ctx, p.Cert, key(2), 1); !errors.As(err, &rej) {
		t.Errorf("Revoke with another key = %v, want a refusal", err)
	}
}

// Answers that someone between the device and the server changed are refused.
func TestTamperedAnswers(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.client()

	// An attacker's CMP identity: a self-made CA and a signer it certified.
	attKey := key(2)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "evil CA"}, IsCA: true,
		BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		NotBefore: e.now().Add(-time.Hour), NotAfter: e.now().AddDate(5, 0, 0)}
	caDER, _ := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &attKey.PublicKey, attKey)
	evilCA, _ := x509.ParseCertificate(caDER)
	resign := func(m *cmp.Message) []byte {
		m.ExtraCerts = []*x509.Certificate{evilCA, evilCA}
		m.Header.SenderKID = nil
		der, err := m.ProtectSignature(attKey, evilCA, rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return der
	}
	flip := func(m *cmp.Message) []byte {
		m.Protection[0] ^= 1
		der, _ := m.Marshal()
		return der
	}

	ref, code := e.enroll()
	e.tamper.Store(&flip)
	if _, err := c.Enroll(ctx, cmpclient.EnrollRequest{Reference: ref, Code: code, Key: key(0)}); !errors.Is(err, cmpclient.ErrBadAnswer) {
		t.Errorf("Enroll with a broken MAC = %v, want ErrBadAnswer", err)
	}
	e.tamper.Store(&resign)
	ref, code = e.enroll()
	if _, err := c.Enroll(ctx, cmpclient.EnrollRequest{Reference: ref, Code: code, Key: key(0)}); !errors.Is(err, cmpclient.ErrBadAnswer) {
		t.Errorf("Enroll answered by a foreign signer = %v, want ErrBadAnswer", err)
	}
	e.tamper.Store(nil)
	ref, code = e.enroll()
	p, err := c.Enroll(ctx, cmpclient.EnrollRequest{Reference: ref, Code: code, Key: key(0), ImplicitConfirm: true})
	if err != nil || !p.Implicit {
		t.Fatalf("Enroll implicitConfirm = %v, %+v", err, p)
	}
	e.tamper.Store(&resign)
	if err := c.Revoke(ctx, p.Cert, key(0), 1); !errors.Is(err, cmpclient.ErrBadAnswer) {
		t.Errorf("Revoke answered by a foreign signer = %v, want ErrBadAnswer", err)
	}
	e.tamper.Store(nil)

	// A server that is down.
	down, _ := cmpclient.New("http://127.0.0.1:1", nil)
	var ne *client.NetError
	if _, err := down.Enroll(ctx, cmpclient.EnrollRequest{Reference: ref, Code: code, Key: key(0)}); !errors.As(err, &ne) {
		t.Errorf("Enroll, server down = %v, want *client.NetError", err)
	}
}

// A request that got no answer (503 from a proxy, a dropped connection) is sent again,
// the same bytes, and the certificate comes back; a definite refusal is not retried; the
// retries are bounded (issue 17 item 1, the client's side).
func TestRetryAfterNetworkFailure(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c, err := cmpclient.New(e.URL, &cmpclient.Options{Now: e.now, RetryWait: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	for _, drop := range []bool{false, true} {
		ref, code := e.enroll()
		e.drop.Store(drop)
		e.failNext.Store(2)
		e.mu.Lock()
		e.bodies = nil
		e.mu.Unlock()
		e.record.Store(true)
		p, err := c.Enroll(ctx, cmpclient.EnrollRequest{Reference: ref, Code: code, Key: key(0), ImplicitConfirm: true})
		e.record.Store(false)
		if err != nil {
			t.Fatalf("Enroll after 2 failures (drop %v): %v", drop, err)
		}
		if p.Cert == nil {
			t.Fatalf("no certificate")
		}
		e.mu.Lock()
		bodies := e.bodies
		e.mu.Unlock()
		if len(bodies) != 3 || !bytes.Equal(bodies[0], bodies[1]) || !bytes.Equal(bodies[1], bodies[2]) {
			t.Errorf("drop %v: %d requests, want 3 identical ones", drop, len(bodies))
		}
	}
	// Always down: 1 + DefaultRetries attempts, then the network error.
	e.drop.Store(false)
	e.failNext.Store(100)
	ref, code := e.enroll()
	_, err = c.Enroll(ctx, cmpclient.EnrollRequest{Reference: ref, Code: code, Key: key(0)})
	var ne *client.NetError
	if !errors.As(err, &ne) || e.failNext.Load() != 100-1-cmpclient.DefaultRetries {
		t.Errorf("always down: %v after %d attempts, want a NetError after %d", err, 100-e.failNext.Load(), 1+cmpclient.DefaultRetries)
	}
	e.failNext.Store(0)
	// A refusal (wrong code) is an answer: sent once.
	e.record.Store(true)
	e.mu.Lock()
	e.bodies = nil
	e.mu.Unlock()
	_, err = c.Enroll(ctx, cmpclient.EnrollRequest{Reference: ref, Code: "000000000000", Key: key(0)})
	e.record.Store(false)
	var rej *cmpclient.Rejection
	if !errors.As(err, &rej) || len(e.bodies) != 1 {
		t.Errorf("wrong code: %v after %d requests, want a refusal after 1", err, len(e.bodies))
	}
	// No retries when asked for none.
	none, _ := cmpclient.New(e.URL, &cmpclient.Options{Now: e.now, Retries: -1})
	e.failNext.Store(5)
	if _, err := none.Enroll(ctx, cmpclient.EnrollRequest{Reference: ref, Code: code, Key: key(0)}); !errors.As(err, &ne) || e.failNext.Load() != 4 {
		t.Errorf("Retries -1: %v, %d attempts", err, 5-e.failNext.Load())
	}
	e.failNext.Store(0)
}

// A rate-limit refusal arrives as HTTP 429 with the server's PKIMessage: it is read as
// a refusal (RATE_LIMITED), not as a broken answer, and not sent again.
func TestRateLimitedIsARefusal(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c, err := cmpclient.New(e.URL, &cmpclient.Options{Now: e.now, RetryWait: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ref, code := e.enroll()
	for i := 0; i < 5; i++ {
		c.Enroll(ctx, cmpclient.EnrollRequest{Reference: ref, Code: "000000000000", Key: key(0)})
	}
	_, err = c.Enroll(ctx, cmpclient.EnrollRequest{Reference: ref, Code: code, Key: key(0)})
	var rej *cmpclient.Rejection
	if !errors.As(err, &rej) || rej.Code != "RATE_LIMITED" {
		t.Fatalf("6th try = %v, want a RATE_LIMITED refusal", err)
	}
}
