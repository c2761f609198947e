package app_test

import (
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"testing"
	"time"
)

// TestRESTShortValidity: in demo mode a REST issuance may ask for a certificate of a few
// days (validityDays), which is inside its renewal window at once (the chaos harness
// renews such certificates); a validity the demo does not allow is refused with
// BAD_REQUEST and the enrollment stays usable.
func TestRESTShortValidity(t *testing.T) {
	e := newEnv(t, "sqlite")
	en := e.enroll("901", "홍길동", "8001011234567")
	var out issuedJSON
	st, m := e.do("POST", "/api/v1/certificates", "", map[string]any{"reference": en.Reference, "authCode": en.AuthCode,
		"csr": csrPEM(t, subscriberKey(t)), "validityDays": 25}, &out)
	if st != http.StatusCreated {
		t.Fatalf("demo, validityDays 25 = %d %v", st, m)
	}
	blk, _ := pem.Decode([]byte(out.Certificate))
	c, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if d := c.NotAfter.Sub(c.NotBefore); d < 24*24*time.Hour || d > 26*24*time.Hour {
		t.Errorf("validity %v, want about 25 days", d)
	}

	// More than 60 days is refused (outside demo mode every value is: center's
	// TestDemoValidityOnlyInDemo), before the enrollment is redeemed.
	en = e.enroll("901", "홍길동", "8001011234567")
	csr := csrPEM(t, subscriberKey(t))
	st, m = e.do("POST", "/api/v1/certificates", "", map[string]any{"reference": en.Reference, "authCode": en.AuthCode,
		"csr": csr, "validityDays": 400}, nil)
	wantProblem(t, "validityDays 400", st, m, http.StatusBadRequest, "BAD_REQUEST")
	if st, m, _ := e.issue(en, csr, ""); st != http.StatusCreated {
		t.Fatalf("the same enrollment without validityDays = %d %v", st, m)
	}
}
