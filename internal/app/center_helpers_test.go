package app_test

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"net/http"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/model"
)

var (
	extraKeysOnce sync.Once
	extraKeys     []*rsa.PrivateKey
)

// otherKey returns the i-th (0 or 1) extra subscriber key, for renewals (a renewal
// needs a new key pair).
func otherKey(t testing.TB, i int) *rsa.PrivateKey {
	extraKeysOnce.Do(func() {
		for range 2 {
			k, err := rsa.GenerateKey(rand.Reader, 2048)
			if err != nil {
				panic(err)
			}
			extraKeys = append(extraKeys, k)
		}
	})
	return extraKeys[i]
}

// sign signs msg as a Korean certificate's key does: SHA-256, RSA PKCS#1 v1.5, base64.
func sign(t testing.TB, key *rsa.PrivateKey, msg []byte) string {
	t.Helper()
	h := sha256.Sum256(msg)
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, h[:])
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(sig)
}

func csrDER(t testing.TB, csr string) []byte {
	t.Helper()
	b, _ := pem.Decode([]byte(csr))
	return b.Bytes
}

type customerJSON struct {
	ID       string   `json:"id"`
	Name     string   `json:"name"`
	IDN      string   `json:"idn"`
	Phone    string   `json:"phone"`
	Email    string   `json:"email"`
	Accounts []string `json:"accounts"`
}

// customer creates a customer of inst with a phone, an e-mail and one account
// (PIN 1234).
func (e *env) customer(inst, name, idn string) customerJSON {
	e.t.Helper()
	var out customerJSON
	st, m := e.do("POST", "/api/v1/customers", e.keys[inst], map[string]any{
		"name": name, "idn": idn, "phone": "010-1234-5678", "email": "hong@example.kr",
		"accounts": []map[string]string{{"number": "1002-345-678901", "pin": "1234"}},
	}, &out)
	if st != http.StatusCreated || out.ID == "" {
		e.t.Fatalf("create customer = %d %v", st, m)
	}
	return out
}

type verificationJSON struct {
	ID        string    `json:"id"`
	Status    string    `json:"status"`
	Method    string    `json:"method"`
	Challenge string    `json:"challenge"`
	ExpiresAt time.Time `json:"expiresAt"`
	TriesLeft *int      `json:"triesLeft"`
}

func (e *env) verify(inst string, body map[string]any) (int, map[string]any, verificationJSON) {
	e.t.Helper()
	var out verificationJSON
	st, m := e.do("POST", "/api/v1/verifications", e.keys[inst], body, &out)
	return st, m, out
}

// verifiedInPerson verifies a customer at the counter and returns the verification id.
func (e *env) verifiedInPerson(inst, customer string) string {
	e.t.Helper()
	st, m, v := e.verify(inst, map[string]any{"customerId": customer, "method": "in-person", "tellerId": "T-17"})
	if st != http.StatusCreated || v.Status != "verified" {
		e.t.Fatalf("in-person verification = %d %v", st, m)
	}
	return v.ID
}

// enrollVerified creates an enrollment from a verification.
func (e *env) enrollVerified(inst string, body map[string]any) (int, map[string]any, enrolled) {
	e.t.Helper()
	var out enrolled
	st, m := e.do("POST", "/api/v1/enrollments", e.keys[inst], body, &out)
	return st, m, out
}

// issueFor verifies a customer in person, enrolls and issues a certificate with key.
func (e *env) issueFor(inst, customer string, key *rsa.PrivateKey, extra map[string]any) issuedJSON {
	e.t.Helper()
	body := map[string]any{"verificationId": e.verifiedInPerson(inst, customer)}
	for k, v := range extra {
		body[k] = v
	}
	st, m, en := e.enrollVerified(inst, body)
	if st != http.StatusCreated {
		e.t.Fatalf("verified enrollment = %d %v", st, m)
	}
	st, m, got := e.issue(en, csrPEM(e.t, key), "")
	if st != http.StatusCreated {
		e.t.Fatalf("issue = %d %v", st, m)
	}
	return got
}

func (e *env) record(serial string) model.Certificate {
	e.t.Helper()
	s, _ := model.ParseSerial(serial)
	c, err := e.app.CA.Certificate(e.t.Context(), s)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

type outboxJSON struct {
	Messages []struct {
		Channel string `json:"channel"`
		To      string `json:"to"`
		Subject string `json:"subject"`
		Body    string `json:"body"`
	} `json:"messages"`
}

func (e *env) outbox(inst string) outboxJSON {
	e.t.Helper()
	var out outboxJSON
	if st, m := e.do("GET", "/api/v1/dev/outbox?limit=500", e.keys[inst], nil, &out); st != 200 {
		e.t.Fatalf("outbox = %d %v", st, m)
	}
	return out
}

var otpRE = regexp.MustCompile(`\[(\d{6})\]`)

// lastOTP reads the newest one-time code from the development outbox.
func (e *env) lastOTP(inst string) string {
	e.t.Helper()
	for _, m := range e.outbox(inst).Messages {
		if m.Channel == "sms" {
			if sub := otpRE.FindStringSubmatch(m.Body); sub != nil {
				return sub[1]
			}
		}
	}
	e.t.Fatal("no one-time code in the outbox")
	return ""
}

func certOf(t testing.TB, pemText string) *x509.Certificate {
	t.Helper()
	b, _ := pem.Decode([]byte(pemText))
	c, err := x509.ParseCertificate(b.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// at sets the test clock and returns a function that puts it back.
func (e *env) at(t time.Time) func() {
	old := e.clock.Now()
	e.clock.t.Store(t.UnixNano())
	return func() { e.clock.t.Store(old.UnixNano()) }
}

var base64Std = base64.StdEncoding
