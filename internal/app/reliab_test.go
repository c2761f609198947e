package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/app"
	"github.com/certcenter/certcenter/internal/center"
	"github.com/certcenter/certcenter/internal/config"
	"github.com/certcenter/certcenter/internal/relay"
)

// TestIssuanceIsRetryable: a customer whose answer was lost asks again with the same
// reference, code and key and gets the same certificate and R (issue 17: 29 of 800
// enrollments were lost so in the kill runs).
func TestIssuanceIsRetryable(t *testing.T) {
	drivers(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		csr := csrPEM(t, subscriberKey(t))
		for _, r := range []string{"", "7858b4328390805129f01c97fe6ca4a520cbd479"} {
			en := e.enroll("901", "홍길동", "8001011234567")
			st, m, first := e.issue(en, csr, r)
			if st != http.StatusCreated {
				t.Fatalf("issue = %d %v", st, m)
			}
			st, m, again := e.issue(en, csr, r)
			if st != http.StatusCreated || again.Certificate != first.Certificate || again.RandomNum != first.RandomNum ||
				again.Serial != first.Serial || len(again.Chain) != 2 {
				t.Fatalf("R %q: the same request again = %d %v, serial %s vs %s, R %s vs %s", r, st, m, again.Serial, first.Serial, again.RandomNum, first.RandomNum)
			}
			if r == "" {
				continue
			}
			st, m, _ = e.issue(en, csr, "00112233445566778899aabbccddeeff00112233")
			wantProblem(t, "the same key with another R", st, m, http.StatusConflict, "ENROLLMENT_USED")
		}
	})
}

// TestDeadClaimRecoveredInSeconds: an issuance that claimed an enrollment and died (its
// process killed, or its database gone before it could release) holds it for
// center.ClaimLease, not two minutes; the late holder cannot make a second certificate.
func TestDeadClaimRecoveredInSeconds(t *testing.T) {
	drivers(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		csr := csrPEM(t, subscriberKey(t))
		en := e.enroll("901", "홍길동", "8001011234567")
		dead, err := e.app.Center.Redeem(context.Background(), en.Reference, en.AuthCode)
		if err != nil {
			t.Fatal(err)
		}
		st, retry, m := e.postAs("", "/api/v1/certificates", map[string]string{"reference": en.Reference, "authCode": en.AuthCode, "csr": csr})
		wantProblem(t, "while the claim is held", st, m, http.StatusServiceUnavailable, "ENROLLMENT_BUSY")
		if n, err := strconv.Atoi(retry); err != nil || n < 1 || n > int(center.ClaimLease/time.Second) {
			t.Errorf("Retry-After = %q, want 1 to %v seconds", retry, center.ClaimLease)
		}
		if center.ClaimLease > 15*time.Second {
			t.Errorf("ClaimLease = %v, want seconds", center.ClaimLease)
		}
		e.clock.Add(center.ClaimLease + time.Second)
		st, m2, got := e.issue(en, csr, "")
		if st != http.StatusCreated {
			t.Fatalf("after the lease = %d %v", st, m2)
		}
		// The dead issuance wakes up: it must not store a second certificate.
		b, _ := pem.Decode([]byte(got.Certificate))
		if _, err := e.app.Center.IssueRedeemed(context.Background(), dead, otherKey(t, 0).Public(), nil); err == nil {
			t.Fatal("the expired claim issued a second certificate")
		}
		st, _, again := e.issue(en, csr, "")
		if st != http.StatusCreated || again.Certificate != got.Certificate || b == nil {
			t.Errorf("after the late holder failed: %d, same certificate %v", st, again.Certificate == got.Certificate)
		}
	})
}

// post sends a JSON body as the client at addr (behind the trusted proxy) and returns
// the status, the Retry-After header and the decoded answer.
func (e *env) postAs(addr, path string, body any) (int, string, map[string]any) {
	e.t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", e.srv.URL+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Forwarded-For", addr)
	resp, err := e.client.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, resp.Header.Get("Retry-After"), m
}

// TestEnrollmentRateLimits: wrong codes are limited per client and reference (a
// back-off for the guesser, not a lock for the owner), per client over all references
// (scanning), and per reference; refusals are 429 with Retry-After; an unknown
// reference answers exactly as a wrong code.
func TestEnrollmentRateLimits(t *testing.T) {
	e := newEnvWith(t, "sqlite", func(c *config.Config) { c.Limits.ClientHeader = "X-Forwarded-For" })
	csr := csrPEM(t, subscriberKey(t))
	en := e.enroll("901", "홍길동", "8001011234567")
	wrong := map[string]string{"reference": en.Reference, "authCode": "WRONGWRONGWRONG2", "csr": csr}
	for i := 1; i <= 5; i++ {
		if st, _, m := e.postAs("203.0.113.7", "/api/v1/certificates", wrong); st != http.StatusForbidden {
			t.Fatalf("wrong code %d = %d %v", i, st, m)
		}
	}
	st, retry, m := e.postAs("203.0.113.7", "/api/v1/certificates", wrong)
	if st != http.StatusTooManyRequests || m["code"] != "RATE_LIMITED" || retry == "" {
		t.Fatalf("6th wrong code = %d %v, Retry-After %q; want 429 RATE_LIMITED with Retry-After", st, m["code"], retry)
	}
	if s, err := strconv.Atoi(retry); err != nil || s < 1 || s > 2*15*60 {
		t.Errorf("Retry-After = %q, want 1 to 1800 seconds (two windows of the 15-minute rule)", retry)
	}
	// The owner, from home, is not locked out by the stranger.
	right := map[string]string{"reference": en.Reference, "authCode": en.AuthCode, "csr": csr}
	if st, _, m := e.postAs("198.51.100.20", "/api/v1/certificates", right); st != http.StatusCreated {
		t.Fatalf("the owner after a stranger's 5 wrong codes = %d %v", st, m)
	}

	// No existence oracle: an unknown reference answers as a wrong code does.
	en2 := e.enroll("901", "홍길동", "8001011234567")
	_, _, known := e.postAs("192.0.2.1", "/api/v1/certificates", map[string]string{"reference": en2.Reference, "authCode": "WRONGWRONGWRONG2", "csr": csr})
	st2, _, unknown := e.postAs("192.0.2.1", "/api/v1/certificates", map[string]string{"reference": "1000000001", "authCode": "WRONGWRONGWRONG2", "csr": csr})
	for _, k := range []string{"status", "code", "title", "hint"} {
		if known[k] != unknown[k] {
			t.Errorf("%s: wrong code %v, unknown reference %v", k, known[k], unknown[k])
		}
	}
	if st2 != http.StatusForbidden {
		t.Errorf("unknown reference = %d, want 403", st2)
	}

	// Scanning: one client trying many references is stopped after 30 misses.
	got429 := 0
	for i := 0; i < 40; i++ {
		ref := strconv.Itoa(1_000_000_100 + i)
		st, _, _ := e.postAs("192.0.2.99", "/api/v1/certificates", map[string]string{"reference": ref, "authCode": "WRONGWRONGWRONG2", "csr": csr})
		if st == http.StatusTooManyRequests {
			got429++
		}
	}
	if got429 != 10 {
		t.Errorf("scanning 40 references: %d refused, want the 10 past the 30th", got429)
	}
}

// TestRelayOpenLimits: a client opens at most 10 copy sessions in 10 minutes and
// guesses at most 10 codes in 5 minutes; others are not affected (issue 17: 12,000
// opens filled the relay).
func TestRelayLimits(t *testing.T) {
	e := newEnvWith(t, "sqlite", func(c *config.Config) { c.Limits.ClientHeader = "X-Forwarded-For" })
	commit := relay.Commitment(bytes.Repeat([]byte{9}, 32))
	open := map[string]any{"commitment": commit}
	for i := 1; i <= 10; i++ {
		if st, _, m := e.postAs("203.0.113.7", "/api/v1/relay/sessions", open); st != http.StatusCreated {
			t.Fatalf("open %d = %d %v", i, st, m)
		}
	}
	if st, retry, m := e.postAs("203.0.113.7", "/api/v1/relay/sessions", open); st != http.StatusTooManyRequests || retry == "" {
		t.Fatalf("11th open = %d %v (Retry-After %q), want 429", st, m["code"], retry)
	}
	if st, _, m := e.postAs("198.51.100.20", "/api/v1/relay/sessions", open); st != http.StatusCreated {
		t.Fatalf("another client's open = %d %v", st, m)
	}
	claim := map[string]any{"code": "0000-0000-0000", "publicKey": bytes.Repeat([]byte{7}, 32)}
	for i := 1; i <= 10; i++ {
		if st, _, m := e.postAs("203.0.113.8", "/api/v1/relay/claims", claim); st != http.StatusForbidden || m["code"] != "RELAY_CODE_INVALID" {
			t.Fatalf("wrong code %d = %d %v", i, st, m)
		}
	}
	if st, _, m := e.postAs("203.0.113.8", "/api/v1/relay/claims", claim); st != http.StatusTooManyRequests {
		t.Fatalf("11th wrong code = %d %v, want 429", st, m)
	}
}

// TestServeCapsConnections: idle keep-alive connections from one address cannot take
// every file descriptor (issue 17: ~20,000 made the server unreachable); past the cap
// per client a connection is closed at once, and other clients are still served.
func TestServeCapsConnections(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.Listen = ln.Addr().String()
	cfg.Limits.MaxConnsPerClient = 3
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	a, err := app.Open(context.Background(), cfg, app.Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx, ln) }()
	defer func() { cancel(); <-done }()

	var idle []net.Conn
	for i := 0; i < 3; i++ {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		idle = append(idle, c)
	}
	time.Sleep(100 * time.Millisecond) // the server accepts the three
	over, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer over.Close()
	over.SetDeadline(time.Now().Add(5 * time.Second))
	fmt.Fprintf(over, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
	if n, err := over.Read(make([]byte, 64)); err == nil {
		t.Errorf("the 4th connection from one address was served (%d bytes)", n)
	}
	// Once one closes, the address may connect again.
	idle[0].Close()
	time.Sleep(100 * time.Millisecond)
	resp, err := http.Get("http://" + ln.Addr().String() + "/healthz")
	if err != nil {
		t.Fatalf("after one closed: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("healthz = %d", resp.StatusCode)
	}
}
