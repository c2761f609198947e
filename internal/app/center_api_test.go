package app_test

import (
	"encoding/hex"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/center"
	"github.com/certcenter/certcenter/npki"
)

const idnHong = "8001011234567"

// The whole institution flow through HTTP: customer, SMS verification (code from the
// outbox), enrollment from the verification, certificate; also account and in-person
// verification, and the masked answers.
func TestCenterIssueFlow(t *testing.T) {
	drivers(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		c := e.customer("901", "홍길동", idnHong)
		if c.IDN != "800101-1******" || c.Phone != "010-****-5678" || c.Accounts[0] != "*********8901" {
			t.Errorf("customer answer not masked: %+v", c)
		}
		var got customerJSON
		if st, m := e.do("GET", "/api/v1/customers/"+c.ID, e.keys["901"], nil, &got); st != 200 || got.IDN != "800101-1******" || got.Name != "홍길동" {
			t.Errorf("GET customer = %d %v", st, m)
		}
		st, m := e.do("POST", "/api/v1/customers", e.keys["901"], map[string]any{"name": "홍길동", "idn": idnHong}, nil)
		wantProblem(t, "same identity number twice", st, m, http.StatusConflict, "CUSTOMER_EXISTS")

		// SMS: the code arrives in the outbox, confirming verifies.
		st, m, v := e.verify("901", map[string]any{"customerId": c.ID, "method": "sms"})
		if st != 201 || v.Status != "pending" || v.TriesLeft == nil || *v.TriesLeft != 5 {
			t.Fatalf("sms verification = %d %v", st, m)
		}
		if d := v.ExpiresAt.Sub(e.clock.Now()); d != center.OTPLifetime {
			t.Errorf("code lifetime %v, want 3m", d)
		}
		code := e.lastOTP("901")
		var conf verificationJSON
		if st, m := e.do("POST", "/api/v1/verifications/"+v.ID+"/confirm", e.keys["901"], map[string]any{"code": code}, &conf); st != 200 || conf.Status != "verified" {
			t.Fatalf("confirm = %d %v", st, m)
		}
		st, m, en := e.enrollVerified("901", map[string]any{"verificationId": v.ID, "kind": "personal", "usage": "universal"})
		if st != 201 {
			t.Fatalf("enrollment from verification = %d %v", st, m)
		}
		st, m, _ = e.enrollVerified("901", map[string]any{"verificationId": v.ID})
		wantProblem(t, "second enrollment from one verification", st, m, http.StatusConflict, "VERIFICATION_NOT_USABLE")
		const r = "7858b4328390805129f01c97fe6ca4a520cbd479"
		st, m, cert := e.issue(en, csrPEM(t, subscriberKey(t)), r)
		if st != 201 {
			t.Fatalf("issue = %d %v", st, m)
		}
		id, err := npki.ParseIdentifyDataFromCert(certOf(t, cert.Certificate))
		if err != nil {
			t.Fatal(err)
		}
		rb, _ := hex.DecodeString(r)
		if ok, _ := id.CheckVID(idnHong, rb); !ok || id.RealName != "홍길동" {
			t.Errorf("VID of the issued certificate does not match the customer")
		}

		// Account check: right PIN verifies at once, a wrong one fails (and is audited).
		st, m, v = e.verify("901", map[string]any{"customerId": c.ID, "method": "account", "accountNumber": "1002345678901", "accountPin": "1234"})
		if st != 201 || v.Status != "verified" {
			t.Errorf("account verification = %d %v", st, m)
		}
		st, m, _ = e.verify("901", map[string]any{"customerId": c.ID, "method": "account", "accountNumber": "1002345678901", "accountPin": "9999"})
		wantProblem(t, "wrong account PIN", st, m, http.StatusForbidden, "VERIFICATION_FAILED")
		st, m, _ = e.verify("901", map[string]any{"customerId": c.ID, "method": "in-person"})
		wantProblem(t, "in person without a teller", st, m, http.StatusBadRequest, "VERIFICATION_METHOD_INVALID")
		st, m, _ = e.verify("901", map[string]any{"customerId": c.ID, "method": "telepathy"})
		wantProblem(t, "unknown method", st, m, http.StatusBadRequest, "VERIFICATION_METHOD_INVALID")

		// A verification older than 30 minutes no longer enrolls.
		old := e.verifiedInPerson("901", c.ID)
		e.clock.Add(center.VerifiedUsableFor)
		st, m, _ = e.enrollVerified("901", map[string]any{"verificationId": old})
		wantProblem(t, "stale verification", st, m, http.StatusConflict, "VERIFICATION_NOT_USABLE")

		// The counter enrollment of the foundation still works.
		e.enroll("901", "김철수", "9001011234567")
	})
}

func TestCenterOTPExpiryAndLockout(t *testing.T) {
	drivers(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		c := e.customer("901", "홍길동", idnHong)
		confirm := func(id, code string) (int, map[string]any) {
			return e.do("POST", "/api/v1/verifications/"+id+"/confirm", e.keys["901"], map[string]any{"code": code}, nil)
		}

		// Expiry: 3 minutes.
		_, _, v := e.verify("901", map[string]any{"customerId": c.ID, "method": "sms"})
		code := e.lastOTP("901")
		e.clock.Add(center.OTPLifetime)
		st, m := confirm(v.ID, code)
		wantProblem(t, "code after 3 minutes", st, m, http.StatusGone, "OTP_EXPIRED")

		// Lockout: 4 wrong codes leave tries, the 5th locks, then even the right code fails.
		_, _, v = e.verify("901", map[string]any{"customerId": c.ID, "method": "sms"})
		code = e.lastOTP("901")
		wrong := "000000"
		if code == wrong {
			wrong = "111111"
		}
		for i := 1; i <= 5; i++ {
			st, m := confirm(v.ID, wrong)
			if i < 5 {
				wantProblem(t, "wrong code", st, m, http.StatusForbidden, "OTP_INVALID")
				if !strings.Contains(m["hint"].(string), "("+string(rune('0'+5-i))+" tries left)") {
					t.Errorf("wrong code %d: hint %q", i, m["hint"])
				}
			} else {
				wantProblem(t, "5th wrong code", st, m, http.StatusForbidden, "VERIFICATION_LOCKED")
			}
		}
		st, m = confirm(v.ID, code)
		wantProblem(t, "right code after the lock", st, m, http.StatusForbidden, "VERIFICATION_LOCKED")

		// One live code per customer: a new verification supersedes the pending one.
		_, _, v1 := e.verify("901", map[string]any{"customerId": c.ID, "method": "sms"})
		code1 := e.lastOTP("901")
		_, _, v2 := e.verify("901", map[string]any{"customerId": c.ID, "method": "sms"})
		code2 := e.lastOTP("901")
		st, m = confirm(v1.ID, code1)
		wantProblem(t, "superseded code", st, m, http.StatusConflict, "VERIFICATION_NOT_PENDING")
		if st, m := confirm(v2.ID, code2); st != 200 {
			t.Errorf("newest code = %d %v", st, m)
		}
	})
}

func TestCenterRenewal(t *testing.T) {
	drivers(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		c := e.customer("901", "홍길동", idnHong)
		got := e.issueFor("901", c.ID, subscriberKey(t), nil)
		old := e.record(got.Serial)
		newCSR := csrPEM(t, otherKey(t, 0))
		body := func(csr string) map[string]any {
			return map[string]any{"csr": csr, "signature": sign(t, subscriberKey(t), csrDER(t, csr))}
		}
		renew := func(key string, b map[string]any, out any) (int, map[string]any) {
			return e.do("POST", "/api/v1/certificates/"+got.Serial+"/renewal", key, b, out)
		}

		restore := e.at(old.NotAfter.Add(-31 * 24 * time.Hour))
		st, m := renew("", body(newCSR), nil)
		wantProblem(t, "renew 31 days before expiry", st, m, http.StatusConflict, "RENEWAL_WINDOW_NOT_OPEN")
		opens := old.NotAfter.Add(-30 * 24 * time.Hour).In(time.FixedZone("KST", 9*3600)).Format("2006-01-02")
		if !strings.Contains(m["hint"].(string), opens) {
			t.Errorf("hint %q does not name the first day %s", m["hint"], opens)
		}

		e.at(old.NotAfter.Add(time.Second))
		st, m = renew("", body(newCSR), nil)
		wantProblem(t, "renew after expiry", st, m, http.StatusConflict, "CERT_EXPIRED")
		if !strings.Contains(m["hint"].(string), "reissue") {
			t.Errorf("hint %q does not point to reissue", m["hint"])
		}

		e.at(old.NotAfter.Add(-10 * 24 * time.Hour))
		bad := body(newCSR)
		bad["signature"] = sign(t, otherKey(t, 1), csrDER(t, newCSR))
		st, m = renew("", bad, nil)
		wantProblem(t, "renewal signed by another key", st, m, http.StatusForbidden, "HOLDER_SIGNATURE_INVALID")
		st, m = renew("", body(csrPEM(t, subscriberKey(t))), nil)
		wantProblem(t, "renewal with the same key", st, m, http.StatusBadRequest, "BAD_REQUEST")
		st, m = renew(e.keys["902"], body(newCSR), nil)
		wantProblem(t, "renewal through another institution", st, m, http.StatusForbidden, "FORBIDDEN")
		st, m = renew("cc_901_wrong", body(newCSR), nil)
		wantProblem(t, "renewal with a wrong API key", st, m, http.StatusUnauthorized, "UNAUTHENTICATED")

		var renewed issuedJSON
		if st, m := renew(e.keys["901"], body(newCSR), &renewed); st != 201 {
			t.Fatalf("renew inside the window = %d %v", st, m)
		}
		nc := e.record(renewed.Serial)
		if want := old.NotAfter.AddDate(1, 0, 0); !nc.NotAfter.Equal(want) || nc.Replaces.String() != got.Serial {
			t.Errorf("renewed notAfter %v (want %v), replaces %s", nc.NotAfter, want, nc.Replaces)
		}
		if o := e.record(got.Serial); o.Status != "replaced" {
			t.Errorf("old status after renewal = %s, want replaced", o.Status)
		}
		st, m = renew("", body(csrPEM(t, otherKey(t, 1))), nil)
		wantProblem(t, "renew a replaced certificate", st, m, http.StatusConflict, "CERT_REPLACED")
		restore()
	})
}

func TestCenterReissue(t *testing.T) {
	drivers(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		c := e.customer("901", "홍길동", idnHong)
		other := e.customer("901", "김철수", "9001011234567")
		got := e.issueFor("901", c.ID, subscriberKey(t), nil)
		old := e.record(got.Serial)
		e.clock.Add(72 * time.Hour)

		// Replaces someone else's certificate: refused, nothing enrolled.
		st, m, _ := e.enrollVerified("901", map[string]any{"verificationId": e.verifiedInPerson("901", other.ID), "replaces": got.Serial})
		wantProblem(t, "reissue of another customer's certificate", st, m, http.StatusForbidden, "REISSUE_MISMATCH")
		st, m, _ = e.enrollVerified("902", map[string]any{"verificationId": "ver_x", "replaces": got.Serial})
		wantProblem(t, "reissue with an unknown verification", st, m, http.StatusNotFound, "VERIFICATION_NOT_FOUND")

		re := e.issueFor("901", c.ID, otherKey(t, 0), map[string]any{"replaces": got.Serial})
		nc := e.record(re.Serial)
		if !nc.NotAfter.Equal(old.NotAfter) || nc.Replaces.String() != got.Serial {
			t.Errorf("reissued notAfter %v (want the old %v), replaces %s", nc.NotAfter, old.NotAfter, nc.Replaces)
		}
		o := e.record(got.Serial)
		if o.Status != "revoked" || o.Reason == nil || o.Reason.String() != "superseded" {
			t.Errorf("old after reissue = %s %v, want revoked superseded", o.Status, o.Reason)
		}
	})
}

func TestCenterRevokeSuspendResume(t *testing.T) {
	drivers(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		c := e.customer("901", "홍길동", idnHong)
		got := e.issueFor("901", c.ID, subscriberKey(t), nil)
		path := "/api/v1/certificates/" + got.Serial
		var s struct {
			Status, RevocationReason string
		}

		st, m := e.do("POST", path+"/suspension", e.keys["902"], nil, nil)
		wantProblem(t, "suspend by another institution", st, m, http.StatusForbidden, "FORBIDDEN")
		st, m = e.do("POST", path+"/suspension", "", nil, nil)
		wantProblem(t, "suspend without an API key", st, m, http.StatusUnauthorized, "UNAUTHENTICATED")
		if st, m := e.do("POST", path+"/suspension", e.keys["901"], nil, &s); st != 200 || s.Status != "suspended" || s.RevocationReason != "certificateHold" {
			t.Fatalf("suspend = %d %v", st, m)
		}
		if st, m := e.do("DELETE", path+"/suspension", e.keys["901"], nil, &s); st != 200 || s.Status != "valid" {
			t.Fatalf("resume = %d %v", st, m)
		}
		st, m = e.do("DELETE", path+"/suspension", e.keys["901"], nil, nil)
		wantProblem(t, "resume a valid certificate", st, m, http.StatusConflict, "CERT_NOT_SUSPENDED")

		// The holder revokes with the certificate's key.
		serial := e.record(got.Serial).Serial
		msg := center.RevocationMessage(serial, 1)
		st, m = e.do("POST", path+"/revocation", "", map[string]any{"reason": "keyCompromise", "signature": sign(t, otherKey(t, 0), msg)}, nil)
		wantProblem(t, "holder revocation signed by another key", st, m, http.StatusForbidden, "HOLDER_SIGNATURE_INVALID")
		st, m = e.do("POST", path+"/revocation", "", map[string]any{"reason": "keyCompromise"}, nil)
		wantProblem(t, "revocation with neither key nor signature", st, m, http.StatusUnauthorized, "UNAUTHENTICATED")
		st, m = e.do("POST", path+"/revocation", e.keys["902"], map[string]any{"reason": "keyCompromise"}, nil)
		wantProblem(t, "revocation by another institution", st, m, http.StatusForbidden, "FORBIDDEN")
		if st, m := e.do("POST", path+"/revocation", "", map[string]any{"reason": "keyCompromise", "signature": sign(t, subscriberKey(t), msg)}, &s); st != 200 || s.Status != "revoked" || s.RevocationReason != "keyCompromise" {
			t.Fatalf("holder revocation = %d %v", st, m)
		}
		st, m = e.do("DELETE", path+"/suspension", e.keys["901"], nil, nil)
		wantProblem(t, "resume after revoke", st, m, http.StatusConflict, "CERT_REVOKED")

		// The institution revokes another certificate with its API key.
		got2 := e.issueFor("901", c.ID, subscriberKey(t), nil)
		if st, m := e.do("POST", "/api/v1/certificates/"+got2.Serial+"/revocation", e.keys["901"], map[string]any{"reason": "affiliationChanged"}, &s); st != 200 || s.RevocationReason != "affiliationChanged" {
			t.Fatalf("institution revocation = %d %v", st, m)
		}
		st, m = e.do("POST", "/api/v1/certificates/"+got2.Serial+"/revocation", e.keys["901"], map[string]any{"reason": "certificateHold"}, nil)
		wantProblem(t, "revocation with reason certificateHold", st, m, http.StatusBadRequest, "REVOCATION_REASON_INVALID")
	})
}

// register answers a registration challenge at inst for customer with a certificate
// and its key and R.
func (e *env) register(inst, customer string, cert issuedJSON, key interface{}, r string) (int, map[string]any, map[string]any) {
	e.t.Helper()
	var ch verificationJSON
	if st, m := e.do("POST", "/api/v1/registrations/challenges", e.keys[inst], map[string]any{"customerId": customer}, &ch); st != 201 || ch.Challenge == "" {
		e.t.Fatalf("challenge = %d %v", st, m)
	}
	raw, _ := decodeB64(ch.Challenge)
	var out map[string]any
	st, m := e.do("POST", "/api/v1/registrations", e.keys[inst], map[string]any{
		"challengeId": ch.ID, "certificate": cert.Certificate, "chain": cert.Chain[:1],
		"signature": sign(e.t, subscriberKey(e.t), raw), "randomNum": r,
	}, &out)
	return st, m, out
}

func TestCenterRegistration(t *testing.T) {
	drivers(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		at901 := e.customer("901", "홍길동", idnHong)
		cert := e.issueFor("901", at901.ID, subscriberKey(t), nil)
		r := e.lastR(cert)

		at902 := e.customer("902", "홍길동", idnHong)
		wrong := e.customer("902", "홍길동", "8001011234568")
		list := func(customer string) []any {
			var out struct{ Registrations []any }
			if st, m := e.do("GET", "/api/v1/registrations?customer="+customer, e.keys["902"], nil, &out); st != 200 {
				t.Fatalf("list = %d %v", st, m)
			}
			return out.Registrations
		}

		st, m, _ := e.register("902", wrong.ID, cert, nil, r)
		wantProblem(t, "registration with the wrong identity number", st, m, http.StatusForbidden, "VID_MISMATCH")
		if l := list(wrong.ID); len(l) != 0 {
			t.Errorf("something was bound after a refusal: %v", l)
		}

		st, m, reg := e.register("902", at902.ID, cert, nil, r)
		if st != 201 || reg["status"] != "valid" || reg["issuedThrough"] != "901" || reg["serial"] != cert.Serial {
			t.Fatalf("register = %d %v", st, m)
		}
		st, m, _ = e.register("902", at902.ID, cert, nil, r)
		wantProblem(t, "registering twice", st, m, http.StatusConflict, "REGISTRATION_EXISTS")

		// Revoked later at 901: the list at 902 shows it.
		if st, m := e.do("POST", "/api/v1/certificates/"+cert.Serial+"/revocation", e.keys["901"], map[string]any{"reason": "keyCompromise"}, nil); st != 200 {
			t.Fatalf("revoke = %d %v", st, m)
		}
		l := list(at902.ID)
		if len(l) != 1 || l[0].(map[string]any)["status"] != "revoked" {
			t.Errorf("list after revocation = %v", l)
		}
		// A revoked certificate cannot be registered anew.
		st, m, _ = e.register("902", wrong.ID, cert, nil, r)
		wantProblem(t, "registering a revoked certificate", st, m, http.StatusConflict, "CERT_REVOKED")

		id := reg["id"].(string)
		st, m = e.do("DELETE", "/api/v1/registrations/"+id, e.keys["901"], nil, nil)
		wantProblem(t, "deregister by another institution", st, m, http.StatusForbidden, "FORBIDDEN")
		if st, m := e.do("DELETE", "/api/v1/registrations/"+id, e.keys["902"], nil, nil); st != http.StatusNoContent {
			t.Fatalf("deregister = %d %v", st, m)
		}
		if l := list(at902.ID); len(l) != 0 {
			t.Errorf("list after deregistration = %v", l)
		}
		st, m = e.do("DELETE", "/api/v1/registrations/"+id, e.keys["902"], nil, nil)
		wantProblem(t, "deregister twice", st, m, http.StatusNotFound, "REGISTRATION_NOT_FOUND")
	})
}

// Certificate verification: an existing certificate of the same person proves identity
// (signature over a challenge, VID), e.g. for a second device.
func TestCenterCertificateVerification(t *testing.T) {
	e := newEnv(t, "sqlite")
	c := e.customer("901", "홍길동", idnHong)
	cert := e.issueFor("901", c.ID, subscriberKey(t), nil)
	r := e.lastR(cert)
	_, _, v := e.verify("901", map[string]any{"customerId": c.ID, "method": "certificate"})
	raw, _ := decodeB64(v.Challenge)
	body := map[string]any{"certificate": cert.Certificate, "signature": sign(t, otherKey(t, 0), raw), "randomNum": r}
	st, m := e.do("POST", "/api/v1/verifications/"+v.ID+"/confirm", e.keys["901"], body, nil)
	wantProblem(t, "challenge signed by another key", st, m, http.StatusForbidden, "HOLDER_SIGNATURE_INVALID")
	body["signature"] = sign(t, subscriberKey(t), raw)
	var out verificationJSON
	if st, m := e.do("POST", "/api/v1/verifications/"+v.ID+"/confirm", e.keys["901"], body, &out); st != 200 || out.Status != "verified" {
		t.Fatalf("certificate verification = %d %v", st, m)
	}
	if st, m, _ := e.enrollVerified("901", map[string]any{"verificationId": v.ID}); st != 201 {
		t.Errorf("enrollment after certificate verification = %d %v", st, m)
	}
}

// Institutions act only on their own customers, verifications, certificates and
// registrations; requests without a valid API key are refused.
func TestCenterIsolation(t *testing.T) {
	drivers(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		c := e.customer("901", "홍길동", idnHong)
		v := e.verifiedInPerson("901", c.ID)
		for _, tc := range []struct {
			name, method, path, key string
			body                    any
			status                  int
			code                    string
		}{
			{"no key", "POST", "/api/v1/customers", "", map[string]any{"name": "a", "idn": idnHong}, 401, "UNAUTHENTICATED"},
			{"wrong key", "POST", "/api/v1/customers", "cc_901_nope", map[string]any{"name": "a", "idn": idnHong}, 401, "UNAUTHENTICATED"},
			{"wrong key on the outbox", "GET", "/api/v1/dev/outbox", "nope", nil, 401, "UNAUTHENTICATED"},
			{"read another's customer", "GET", "/api/v1/customers/" + c.ID, e.keys["902"], nil, 403, "FORBIDDEN"},
			{"verify another's customer", "POST", "/api/v1/verifications", e.keys["902"], map[string]any{"customerId": c.ID, "method": "in-person", "tellerId": "T"}, 403, "FORBIDDEN"},
			{"read another's verification", "GET", "/api/v1/verifications/" + v, e.keys["902"], nil, 403, "FORBIDDEN"},
			{"enroll from another's verification", "POST", "/api/v1/enrollments", e.keys["902"], map[string]any{"verificationId": v}, 403, "FORBIDDEN"},
			{"challenge for another's customer", "POST", "/api/v1/registrations/challenges", e.keys["902"], map[string]any{"customerId": c.ID}, 403, "FORBIDDEN"},
			{"list another's registrations", "GET", "/api/v1/registrations?customer=" + c.ID, e.keys["902"], nil, 403, "FORBIDDEN"},
			{"unknown customer", "GET", "/api/v1/customers/cus_none", e.keys["901"], nil, 404, "CUSTOMER_NOT_FOUND"},
		} {
			st, m := e.do(tc.method, tc.path, tc.key, tc.body, nil)
			wantProblem(t, tc.name, st, m, tc.status, tc.code)
		}
		// The refused enrollment consumed nothing: the owner still can.
		if st, m, _ := e.enrollVerified("901", map[string]any{"verificationId": v}); st != 201 {
			t.Errorf("owner's enrollment after a refused one = %d %v", st, m)
		}
	})
}

func decodeB64(s string) ([]byte, error) {
	return base64Std.DecodeString(s)
}

// lastR reads R from an issued certificate answer (the server drew it).
func (e *env) lastR(cert issuedJSON) string {
	e.t.Helper()
	if cert.RandomNum == "" {
		e.t.Fatal("no randomNum in the answer")
	}
	return cert.RandomNum
}
