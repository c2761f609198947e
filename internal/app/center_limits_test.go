package app_test

import (
	"net/http"
	"testing"
	"time"
)

// TestVerificationLimits: an account PIN cannot be guessed (five wrong answers lock
// account checks for a day, even the right PIN), and one-time codes cannot be sent
// without end (five an hour per customer).
func TestVerificationLimits(t *testing.T) {
	drivers(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		c := e.customer("901", "홍길동", idnHong)
		account := func(pin string) (int, map[string]any) {
			st, m, _ := e.verify("901", map[string]any{"customerId": c.ID, "method": "account", "accountNumber": "1002345678901", "accountPin": pin})
			return st, m
		}
		for i := 0; i < 5; i++ {
			st, m := account(wrongPIN(i))
			wantProblem(t, "wrong account PIN", st, m, http.StatusForbidden, "VERIFICATION_FAILED")
		}
		st, m := account("1234")
		wantProblem(t, "right PIN after 5 wrong ones", st, m, http.StatusForbidden, "ACCOUNT_CHECK_LOCKED")
		// Other methods still work, and the lock ends after a day.
		if v := e.verifiedInPerson("901", c.ID); v == "" {
			t.Error("in-person verification refused while account checks are locked")
		}
		restore := e.at(e.clock.Now().Add(24*time.Hour + time.Minute))
		if st, m := account("1234"); st != http.StatusCreated {
			t.Errorf("account check a day later = %d %v", st, m)
		}
		restore()

		d := e.customer("902", "김철수", "9001011234567")
		for i := 0; i < 5; i++ {
			if st, m, _ := e.verify("902", map[string]any{"customerId": d.ID, "method": "sms"}); st != http.StatusCreated {
				t.Fatalf("SMS verification %d = %d %v", i+1, st, m)
			}
		}
		st, m, _ = e.verify("902", map[string]any{"customerId": d.ID, "method": "sms"})
		wantProblem(t, "sixth SMS in an hour", st, m, http.StatusTooManyRequests, "VERIFICATION_RATE_LIMITED")
		restore = e.at(e.clock.Now().Add(time.Hour + time.Minute))
		defer restore()
		if st, m, _ := e.verify("902", map[string]any{"customerId": d.ID, "method": "sms"}); st != http.StatusCreated {
			t.Errorf("SMS an hour later = %d %v", st, m)
		}
	})
}

func wrongPIN(i int) string { return string([]byte{'9', '9', '9', byte('0' + i)}) }
