package app_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"strings"
	"testing"
	"time"
)

func wantProblem(t *testing.T, what string, st int, m map[string]any, status int, code string) {
	t.Helper()
	if st != status || m["code"] != code {
		t.Errorf("%s = %d %v, want %d %s", what, st, m["code"], status, code)
	}
	if m["hint"] == nil || m["hint"] == "" || m["title"] == nil {
		t.Errorf("%s: problem lacks title or hint: %v", what, m)
	}
}

func TestIssuanceRefusals(t *testing.T) {
	drivers(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		good := csrPEM(t, subscriberKey(t))

		t.Run("wrong code, then the right one still works", func(t *testing.T) {
			en := e.enroll("901", "홍길동", "8001011234567")
			st, m, _ := e.issue(enrolled{en.Reference, "WRONGWRONGWRONG2"}, good, "")
			wantProblem(t, "wrong code", st, m, http.StatusForbidden, "AUTH_CODE_INVALID")
			if st, m, _ := e.issue(en, good, ""); st != http.StatusCreated {
				t.Fatalf("right code after one wrong = %d %v", st, m)
			}
			// The same request again gets the same certificate (its answer may have been
			// lost); another key is refused.
			other, err := rsa.GenerateKey(rand.Reader, 2048)
			if err != nil {
				t.Fatal(err)
			}
			st, m, _ = e.issue(en, csrPEM(t, other), "")
			wantProblem(t, "reused code with another key", st, m, http.StatusConflict, "ENROLLMENT_USED")
		})

		t.Run("wrong codes make the client wait, not the enrollment end", func(t *testing.T) {
			// Anyone who knows a reference number could end it with 5 wrong codes; now
			// the client that guesses waits instead (TestEnrollmentRateLimits).
			en := e.enroll("901", "홍길동", "8001011234567")
			for i := 1; i <= 5; i++ {
				st, m, _ := e.issue(enrolled{en.Reference, "WRONGWRONGWRONG2"}, good, "")
				if st != http.StatusForbidden || m["code"] != "AUTH_CODE_INVALID" {
					t.Fatalf("wrong try %d = %d %v, want 403 AUTH_CODE_INVALID", i, st, m["code"])
				}
			}
			st, m, _ := e.issue(en, good, "")
			wantProblem(t, "6th try by the same client", st, m, http.StatusTooManyRequests, "RATE_LIMITED")
			e.clock.Add(time.Hour)
			defer e.clock.Add(-time.Hour)
			if st, m, _ := e.issue(en, good, ""); st != http.StatusCreated {
				t.Errorf("right code an hour later = %d %v", st, m)
			}
		})

		t.Run("expired after 14 days", func(t *testing.T) {
			en := e.enroll("901", "홍길동", "8001011234567")
			e.clock.Add(14*24*time.Hour + time.Second)
			defer e.clock.Add(-(14*24*time.Hour + time.Second))
			st, m, _ := e.issue(en, good, "")
			wantProblem(t, "expired code", st, m, http.StatusGone, "ENROLLMENT_EXPIRED")
		})

		t.Run("key and CSR refusals keep the enrollment usable", func(t *testing.T) {
			en := e.enroll("901", "홍길동", "8001011234567")
			weak, err := rsa.GenerateKey(rand.Reader, 1024)
			if err != nil {
				t.Fatal(err)
			}
			st, m, _ := e.issue(en, csrPEM(t, weak), "")
			wantProblem(t, "1024-bit key", st, m, http.StatusBadRequest, "KEY_TOO_WEAK")

			st, m, _ = e.issue(en, "-----BEGIN CERTIFICATE REQUEST-----\nMIIBhello\n-----END CERTIFICATE REQUEST-----\n", "")
			wantProblem(t, "malformed CSR", st, m, http.StatusBadRequest, "CSR_INVALID")
			st, m, _ = e.issue(en, "not PEM at all", "")
			wantProblem(t, "not PEM", st, m, http.StatusBadRequest, "CSR_INVALID")

			block, _ := pem.Decode([]byte(good))
			der := append([]byte(nil), block.Bytes...)
			der[len(der)-5] ^= 0xff // inside the signature
			if _, err := x509.ParseCertificateRequest(der); err != nil {
				t.Fatal(err)
			}
			bad := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}))
			st, m, _ = e.issue(en, bad, "")
			wantProblem(t, "CSR with a bad signature", st, m, http.StatusBadRequest, "CSR_SIGNATURE_INVALID")

			st, m, _ = e.issue(en, good, "00ff")
			wantProblem(t, "short randomNum", st, m, http.StatusBadRequest, "RANDOMNUM_INVALID")

			if st, m, _ := e.issue(en, good, ""); st != http.StatusCreated {
				t.Fatalf("after refusals the enrollment is lost: %d %v", st, m)
			}
		})

		t.Run("unknown reference", func(t *testing.T) {
			st, m, _ := e.issue(enrolled{"1234567890", "ABCDEFGHJKMNPQRS"}, good, "")
			// As a wrong code: no oracle of which references exist.
			wantProblem(t, "unknown reference", st, m, http.StatusForbidden, "AUTH_CODE_INVALID")
		})
	})
}

func TestAPIRefusals(t *testing.T) {
	e := newEnv(t, "sqlite")
	body := map[string]string{"name": "홍길동", "idn": "8001011234567"}
	st, m := e.do("POST", "/api/v1/enrollments", "", body, nil)
	wantProblem(t, "no API key", st, m, http.StatusUnauthorized, "UNAUTHENTICATED")
	st, m = e.do("POST", "/api/v1/enrollments", "cc_901_wrong", body, nil)
	wantProblem(t, "wrong API key", st, m, http.StatusUnauthorized, "UNAUTHENTICATED")
	st, m = e.do("POST", "/api/v1/enrollments", e.keys["901"], map[string]string{"name": "홍길동", "idn": "123"}, nil)
	wantProblem(t, "bad idn", st, m, http.StatusBadRequest, "INVALID_IDN")
	st, m = e.do("POST", "/api/v1/enrollments", e.keys["901"], map[string]string{"name": "홍(길)동", "idn": "8001011234567"}, nil)
	wantProblem(t, "bad name", st, m, http.StatusBadRequest, "INVALID_NAME")
	st, m = e.do("POST", "/api/v1/enrollments", e.keys["901"], map[string]string{"name": "홍길동", "idn": "8001011234567", "kind": "robot"}, nil)
	wantProblem(t, "bad kind", st, m, http.StatusBadRequest, "INVALID_KIND")
	st, m = e.do("POST", "/api/v1/enrollments", e.keys["901"], map[string]string{"name": "홍길동", "idn": "8001011234567", "extra": "x"}, nil)
	wantProblem(t, "unknown field", st, m, http.StatusBadRequest, "BAD_REQUEST")
	st, m = e.do("GET", "/api/v1/certificates/00ff", "", nil, nil)
	wantProblem(t, "unknown serial", st, m, http.StatusNotFound, "CERTIFICATE_NOT_FOUND")

	// Korean by Accept-Language, and the identity number never comes back.
	req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/enrollments", strings.NewReader(`{"name":"홍길동","idn":"8001011234567","kind":"robot"}`))
	req.Header.Set("Authorization", "Bearer "+e.keys["901"])
	req.Header.Set("Accept-Language", "ko-KR,ko;q=0.9")
	resp, err := e.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var p map[string]any
	if err := jsonDecode(resp, &p); err != nil {
		t.Fatal(err)
	}
	if resp.Header.Get("Content-Type") != "application/problem+json" || !strings.Contains(p["title"].(string), "인증서 종류") {
		t.Errorf("Korean problem = %s %v", resp.Header.Get("Content-Type"), p)
	}

	// Oversized body.
	big := strings.Repeat("a", 2<<20)
	st, m = e.do("POST", "/api/v1/enrollments", e.keys["901"], map[string]string{"name": big, "idn": "8001011234567"}, nil)
	wantProblem(t, "2 MiB body", st, m, http.StatusRequestEntityTooLarge, "REQUEST_TOO_LARGE")
}
