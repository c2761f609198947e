package app_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/cloudcert"
)

// TestFinCertAutoRenew: a certificate whose owner opted in renews itself on the first
// signature inside the renewal window (new key, same PIN, three years from the old
// expiry) and the customer is told; one that did not opt in stays as it was.
func TestFinCertAutoRenew(t *testing.T) {
	for _, optIn := range []bool{true, false} {
		e := newEnv(t, "sqlite")
		cust := e.customer("901", finName, finIDN)
		b := newBrowser(e)
		en := e.fincertEnrollment("901", cust.ID)
		var ci cloudcert.CertInfo
		st, m := e.do("POST", "/fincert/v1/issue", "", map[string]any{"refNum": en.Reference, "authCode": en.AuthCode, "pin": finPIN,
			"phone": finPhone, "devicePublicKey": b.spki(), "deviceLabel": "Chromium", "autoRenew": optIn}, &ci)
		if st != http.StatusCreated {
			t.Fatalf("issue = %d %v", st, m)
		}
		b.id = ci.DeviceID
		sign := func() signed {
			t.Helper()
			_, _, id := e.signRequest("902", loginRequest("PKCS1"))
			st, m, res := b.complete(id, finPIN)
			if st != http.StatusOK {
				t.Fatalf("sign = %d %v", st, m)
			}
			return res
		}
		// Before the window: nothing happens.
		if res := sign(); res.CertSeqNum != ci.Serial {
			t.Fatalf("signed with %s, want %s", res.CertSeqNum, ci.Serial)
		}
		restore := e.at(ci.NotAfter.Add(-20 * 24 * time.Hour))
		first := sign() // inside the window: signed with the current certificate ...
		if first.CertSeqNum != ci.Serial {
			t.Fatalf("the signature in the window used %s, want the current %s", first.CertSeqNum, ci.Serial)
		}
		second := sign() // ... and, with the opt-in, renewed behind it.
		restore()
		if optIn {
			if second.CertSeqNum == ci.Serial {
				t.Fatalf("no automatic renewal: still %s", ci.Serial)
			}
			var info cloudcert.CertInfo
			if st, m := e.do("POST", "/fincert/v1/cert-info", "", b.proof("manage", ""), &info); st != 200 || info.Serial != second.CertSeqNum {
				t.Fatalf("cert-info = %d %v %+v", st, m, info)
			}
			if want := ci.NotAfter.AddDate(3, 0, 0); !info.NotAfter.Equal(want) {
				t.Errorf("renewed notAfter %v, want three years after the old %v", info.NotAfter, want)
			}
			var told bool
			for _, m := range e.outbox("901").Messages {
				told = told || strings.Contains(m.Body, "자동으로 갱신")
			}
			if !told {
				t.Errorf("the customer was not told of the automatic renewal")
			}
		} else if second.CertSeqNum != ci.Serial {
			t.Fatalf("renewed without the opt-in: %s", second.CertSeqNum)
		}
	}
}
