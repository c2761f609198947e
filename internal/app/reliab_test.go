package app_test

import (
	"context"
	"encoding/pem"
	"net/http"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/center"
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
		st, m, _ := e.issue(en, csr, "")
		wantProblem(t, "while the claim is held", st, m, http.StatusServiceUnavailable, "ENROLLMENT_BUSY")
		if center.ClaimLease > 15*time.Second {
			t.Errorf("ClaimLease = %v, want seconds", center.ClaimLease)
		}
		e.clock.Add(center.ClaimLease + time.Second)
		st, m, got := e.issue(en, csr, "")
		if st != http.StatusCreated {
			t.Fatalf("after the lease = %d %v", st, m)
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
