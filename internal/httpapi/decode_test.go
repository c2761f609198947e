package httpapi

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/certcenter/certcenter/internal/errs"
)

func TestDecodeJSON(t *testing.T) {
	for _, tc := range []struct {
		name, body, ctype string
		code              errs.Code
	}{
		{"ok", `{"reference":"1","authCode":"2","csr":"x"}`, "application/json", ""},
		{"ok with charset", `{"reference":"1"}`, "application/json; charset=utf-8", ""},
		{"unknown field", `{"reference":"1","bogus":1}`, "application/json", errs.BadRequest},
		{"trailing data", `{"reference":"1"} {}`, "application/json", errs.BadRequest},
		{"not JSON", `reference=1`, "application/json", errs.BadRequest},
		{"wrong type", `{"reference":1}`, "application/json", errs.BadRequest},
		{"form content type", `{"reference":"1"}`, "application/x-www-form-urlencoded", errs.BadRequest},
		{"too large", `{"reference":"` + strings.Repeat("a", maxBody) + `"}`, "application/json", errs.RequestTooLarge},
		{"deep nesting", strings.Repeat("[", 100000) + strings.Repeat("]", 100000), "application/json", errs.BadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/", strings.NewReader(tc.body))
			r.Header.Set("Content-Type", tc.ctype)
			var v certificateRequest
			err := decodeJSON(r, &v)
			if tc.code == "" {
				if err != nil {
					t.Errorf("decodeJSON = %v", err)
				}
				return
			}
			if errs.CodeOf(err) != tc.code {
				t.Errorf("decodeJSON = %v, want %s", err, tc.code)
			}
		})
	}
}

func TestParseCSR(t *testing.T) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der, _ := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "x"}}, key)
	good := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}))
	if _, err := ParseCSR(good); err != nil {
		t.Fatalf("ParseCSR(good) = %v", err)
	}
	bad := bytes.Clone(der)
	bad[len(bad)-3] ^= 0x55
	for name, tc := range map[string]struct {
		in   string
		code errs.Code
	}{
		"empty":           {"", errs.CSRInvalid},
		"certificate PEM": {strings.Replace(good, "CERTIFICATE REQUEST", "CERTIFICATE", 2), errs.CSRInvalid},
		"garbage DER":     {string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: []byte{0x30, 0x03, 1, 2, 3}})), errs.CSRInvalid},
		"two blocks":      {good + good, errs.CSRInvalid},
		"bad signature":   {string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: bad})), errs.CSRSignatureInvalid},
	} {
		_, err := ParseCSR(tc.in)
		var e *errs.Error
		if !errors.As(err, &e) || e.Code != tc.code {
			t.Errorf("ParseCSR(%s) = %v, want %s", name, err, tc.code)
		}
	}
}

// FuzzDecodeCertificateRequest feeds hostile bodies to the JSON decoder and the CSR
// parser of POST /api/v1/certificates: errors, never panics.
func FuzzDecodeCertificateRequest(f *testing.F) {
	f.Add([]byte(`{"reference":"1234567890","authCode":"ABCD","csr":"-----BEGIN CERTIFICATE REQUEST-----\nMAA=\n-----END CERTIFICATE REQUEST-----\n","randomNum":"00"}`))
	f.Add([]byte(`{"reference":`))
	f.Add([]byte(`[[[[[[[[[[`))
	f.Fuzz(func(t *testing.T, body []byte) {
		r := httptest.NewRequest("POST", "/", bytes.NewReader(body))
		var v certificateRequest
		if err := decodeJSON(r, &v); err != nil {
			if errs.CodeOf(err) == errs.Internal {
				t.Fatalf("decodeJSON gave an internal error: %v", err)
			}
			return
		}
		if _, err := ParseCSR(v.CSR); err == nil && v.CSR == "" {
			t.Fatal("an empty CSR parsed")
		}
	})
}

func TestDecodeJSONChecksFields(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		code       errs.Code
	}{
		{"ok", `{"name":"홍길동","idn":"8001011234567","tellerId":"T-17"}`, ""},
		{"korean at the limit", `{"name":"` + strings.Repeat("가", defaultFieldMax) + `","idn":"1"}`, ""},
		{"million-character tellerId", `{"name":"a","idn":"1","tellerId":"` + strings.Repeat("T", 1_000_000) + `"}`, errs.FieldInvalid},
		{"tellerId over 32", `{"name":"a","idn":"1","tellerId":"` + strings.Repeat("T", 33) + `"}`, errs.FieldInvalid},
		{"newline in tellerId", `{"name":"a","idn":"1","tellerId":"T-1\nforged=1"}`, errs.FieldInvalid},
		{"escape in name", `{"name":"a\u001b[31m","idn":"1"}`, errs.FieldInvalid},
		{"line separator", `{"name":"a\u2028b","idn":"1"}`, errs.FieldInvalid},
		{"name over the default", `{"name":"` + strings.Repeat("a", defaultFieldMax+1) + `","idn":"1"}`, errs.FieldInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/", strings.NewReader(tc.body))
			var v enrollmentRequest
			err := decodeJSON(r, &v)
			if errs.CodeOf(err) != tc.code && !(tc.code == "" && err == nil) {
				t.Errorf("decodeJSON = %v, want %q", err, tc.code)
			}
		})
	}
	// PEM fields keep their line breaks; an embedded proof's fields are checked too.
	r := httptest.NewRequest("POST", "/", strings.NewReader(`{"reference":"1","authCode":"2","csr":"-----BEGIN\r\nx\n-----END"}`))
	if err := decodeJSON(r, &certificateRequest{}); err != nil {
		t.Errorf("PEM with line breaks: %v", err)
	}
	r = httptest.NewRequest("POST", "/", strings.NewReader(`{"name":"a","idn":"1","accounts":[{"number":"1\u0007","pin":"1"}]}`))
	if err := decodeJSON(r, &customerRequest{}); errs.CodeOf(err) != errs.FieldInvalid {
		t.Errorf("BEL in an account number: %v, want FIELD_INVALID", err)
	}
	r = httptest.NewRequest("POST", "/", strings.NewReader(`{"challengeId":"1","randomNum":"ab\u0000"}`))
	if err := decodeJSON(r, &registrationRequest{}); errs.CodeOf(err) != errs.FieldInvalid {
		t.Errorf("NUL in an embedded field: %v, want FIELD_INVALID", err)
	}
}

func TestParseCSRRefusesWeakSignature(t *testing.T) {
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	for _, tc := range []struct {
		alg  x509.SignatureAlgorithm
		code errs.Code
	}{
		{x509.SHA1WithRSA, errs.CSRWeakSignature},
		{x509.SHA256WithRSA, ""},
	} {
		der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "x"}, SignatureAlgorithm: tc.alg}, key)
		if err != nil {
			t.Fatalf("CreateCertificateRequest(%v): %v", tc.alg, err)
		}
		_, err = ParseCSR(string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der})))
		if errs.CodeOf(err) != tc.code && !(tc.code == "" && err == nil) {
			t.Errorf("ParseCSR(%v) = %v, want %q", tc.alg, err, tc.code)
		}
	}
}
