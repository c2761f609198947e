package app_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/korean"

	"github.com/certcenter/certcenter/internal/cloudcert"
	"github.com/certcenter/certcenter/internal/kek"
	"github.com/certcenter/certcenter/internal/testenv"
)

// A browser of the financial certificate: its WebCrypto device key (here a Go ECDSA
// P-256 key, signing in WebCrypto's r||s form) and the device id it was given.
type browser struct {
	e   *env
	key *ecdsa.PrivateKey
	id  string
}

func newBrowser(e *env) *browser {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		e.t.Fatal(err)
	}
	return &browser{e: e, key: k}
}

func (b *browser) spki() []byte {
	der, err := x509.MarshalPKIXPublicKey(&b.key.PublicKey)
	if err != nil {
		b.e.t.Fatal(err)
	}
	return der
}

// proof draws a challenge and signs it for purpose and binding.
func (b *browser) proof(purpose, binding string) map[string]any {
	b.e.t.Helper()
	var ch cloudcert.Challenge
	if st, m := b.e.do("POST", "/fincert/v1/challenges", "", map[string]string{"deviceId": b.id}, &ch); st != http.StatusCreated {
		b.e.t.Fatalf("challenge = %d %v", st, m)
	}
	return b.sign(purpose, binding, ch.Nonce)
}

func (b *browser) sign(purpose, binding string, nonce []byte) map[string]any {
	d := sha256.Sum256(cloudcert.ProofMessage(purpose, binding, nonce))
	r, s, err := ecdsa.Sign(rand.Reader, b.key, d[:])
	if err != nil {
		b.e.t.Fatal(err)
	}
	sig := make([]byte, 64)
	r.FillBytes(sig[:32])
	s.FillBytes(sig[32:])
	return map[string]any{"deviceId": b.id, "nonce": nonce, "proof": sig}
}

func with(m map[string]any, kv ...any) map[string]any {
	for i := 0; i < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	return m
}

func code(m map[string]any) string { s, _ := m["code"].(string); return s }

// fincertEnrollment verifies the customer at inst and enrolls a financial certificate.
func (e *env) fincertEnrollment(inst, customer string, extra ...any) enrolled {
	e.t.Helper()
	body := with(map[string]any{"verificationId": e.verifiedInPerson(inst, customer), "usage": "fincert"}, extra...)
	st, m, en := e.enrollVerified(inst, body)
	if st != http.StatusCreated {
		e.t.Fatalf("fincert enrollment = %d %v", st, m)
	}
	return en
}

const (
	finName  = "김금융"
	finIDN   = "8501011234567"
	finPhone = "010-2345-6789"
	finPIN   = "135790"
)

// issueFinCert issues with b as the first device.
func (e *env) issueFinCert(b *browser, en enrolled, pin string, confirm bool) (int, map[string]any, cloudcert.CertInfo) {
	e.t.Helper()
	var out cloudcert.CertInfo
	st, m := e.do("POST", "/fincert/v1/issue", "", map[string]any{"refNum": en.Reference, "authCode": en.AuthCode, "pin": pin,
		"phone": finPhone, "devicePublicKey": b.spki(), "deviceLabel": "Chromium on Linux", "confirmSupersede": confirm}, &out)
	if st == http.StatusCreated {
		b.id = out.DeviceID
	}
	return st, m, out
}

type signed struct {
	SignedVals  [][]byte `json:"signedVals"`
	CertSeqNum  string   `json:"certSeqNum"`
	RValue      []byte   `json:"rValue"`
	Certificate []byte   `json:"certificate"`
}

// signRequest creates a sign request as relying institution inst.
func (e *env) signRequest(inst string, req map[string]any) (int, map[string]any, string) {
	e.t.Helper()
	var out cloudcert.Created
	st, m := e.do("POST", "/fincert/v1/sign-requests", e.keys[inst], with(req, "orgCode", inst), &out)
	return st, m, out.ID
}

func (b *browser) complete(id, pin string) (int, map[string]any, signed) {
	b.e.t.Helper()
	var out signed
	st, m := b.e.do("POST", "/fincert/v1/sign-requests/"+id+"/complete", "", with(b.proof("sign", id), "pin", pin), &out)
	return st, m, out
}

func loginRequest(format string, extra ...any) map[string]any {
	return with(map[string]any{
		"signFormat": map[string]any{"type": format, "CMSInfo": map[string]any{"includeR": true, "withoutContent": false, "time": true}},
		"content":    map[string]any{"plainText": map[string]any{"plainTexts": []string{"데모쇼핑 로그인 2026-12-06"}, "encoding": "UTF-8"}},
		"algorithms": "RSASSA-PKCS1-v1_5_SHA256", "view": map[string]any{"enableTextView": true}, "info": map[string]any{"signType": "01"},
	}, extra...)
}

// TestFinCertEndToEnd walks issue 15's path on the running server, on SQLite and
// PostgreSQL: issuance with a reference number and code and a PIN, login (01) and
// transfer (02) signatures checked by OpenSSL, the VID with R, replays and expiry
// refused with their codes, PIN lockout and reset after re-verification, a second
// device through an SMS code, disconnection, a second issuance at another institution
// superseding the first, renewal only inside its window, and a scan of the database
// that finds neither a cloud key nor a PIN.
func TestFinCertEndToEnd(t *testing.T) {
	drivers(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		cust := e.customer("901", finName, finIDN)
		b := newBrowser(e)

		// A financial certificate enrollment cannot be redeemed with a key of one's own.
		en := e.fincertEnrollment("901", cust.ID)
		if st, m, _ := e.issue(en, csrPEM(t, subscriberKey(t)), ""); st != http.StatusBadRequest || code(m) != "FINCERT_CLOUD_ONLY" {
			t.Fatalf("REST issuance of a fincert enrollment = %d %v, want FINCERT_CLOUD_ONLY", st, m)
		}
		// Obvious PINs are refused, and the enrollment stays usable.
		for _, pin := range []string{"123456", "654321", "111111", "850101", "12345a"} {
			if st, m, _ := e.issueFinCert(b, en, pin, false); st != http.StatusBadRequest || code(m) != "FINCERT_PIN_WEAK" {
				t.Errorf("issue with PIN %s = %d %v, want FINCERT_PIN_WEAK", pin, st, m)
			}
		}
		st, m, ci := e.issueFinCert(b, en, finPIN, false)
		if st != http.StatusCreated || ci.DeviceID == "" {
			t.Fatalf("issue = %d %v", st, m)
		}
		cert, err := x509.ParseCertificate(ci.Certificate)
		if err != nil {
			t.Fatal(err)
		}
		if ou := cert.Subject.OrganizationalUnit; len(ou) != 2 || ou[0] != "personalF" {
			t.Errorf("OU = %q, want personalF first", ou)
		}
		if p := cert.PolicyIdentifiers; len(p) != 1 || !strings.HasSuffix(p[0].String(), ".1.10") {
			t.Errorf("policy = %v, want <arc>.1.10", p)
		}
		if y := cert.NotAfter.Sub(cert.NotBefore); y < 3*365*24*time.Hour || y > 3*366*24*time.Hour {
			t.Errorf("validity %v, want three years", y)
		}

		// Login (01) in CMS with R, then the VID check with the identity number.
		st, m, id := e.signRequest("902", loginRequest("CMS"))
		if st != http.StatusCreated {
			t.Fatalf("sign request = %d %v", st, m)
		}
		var view cloudcert.SignView
		if st, m := e.do("GET", "/fincert/v1/sign-requests/"+id, "", nil, &view); st != 200 || view.SignType != "01" || len(view.Texts) != 1 {
			t.Errorf("view = %d %v %+v", st, m, view)
		}
		st, m, res := b.complete(id, finPIN)
		if st != http.StatusOK || len(res.SignedVals) != 1 || len(res.RValue) != 20 || res.CertSeqNum != ci.Serial {
			t.Fatalf("complete = %d %v %+v", st, m, res)
		}
		opensslCMSVerify(t, e, res.SignedVals[0], []byte("데모쇼핑 로그인 2026-12-06"))
		var vid map[string]bool
		if st, m := e.do("POST", "/fincert/v1/vid", e.keys["902"], map[string]any{"certificate": res.Certificate, "rValue": res.RValue, "idn": finIDN}, &vid); st != 200 || !vid["match"] {
			t.Errorf("VID check = %d %v %v, want match", st, m, vid)
		}
		if _, _ = e.do("POST", "/fincert/v1/vid", e.keys["902"], map[string]any{"certificate": res.Certificate, "rValue": res.RValue, "idn": "8501012234567"}, &vid); vid["match"] {
			t.Error("VID matched another identity number")
		}
		var ver cloudcert.Verified
		if st, m := e.do("POST", "/fincert/v1/verify", e.keys["902"], map[string]any{"signFormat": "CMS", "signedVal": res.SignedVals[0]}, &ver); st != 200 || !ver.Valid || ver.SigningTime == nil {
			t.Errorf("verify = %d %v %+v", st, m, ver)
		}
		// Replayed: the sign request works once.
		if st, m, _ := b.complete(id, finPIN); st != http.StatusConflict || code(m) != "FINCERT_SIGN_REQUEST_USED" {
			t.Errorf("replayed sign request = %d %v", st, m)
		}

		// Transfer (02) in PKCS#1 v1.5 and PSS, EUC-KR text, checked by openssl pkeyutl.
		text := "이체 확인: 홍길동 100,000원"
		for _, alg := range []string{cloudcert.AlgPKCS1, cloudcert.AlgPSS} {
			_, _, id := e.signRequest("902", map[string]any{"signFormat": map[string]any{"type": "PKCS1"},
				"content":    map[string]any{"plainText": map[string]any{"plainTexts": []string{text}, "encoding": "EUC-KR"}},
				"algorithms": alg, "info": map[string]any{"signType": "02"}})
			st, m, res := b.complete(id, finPIN)
			if st != 200 || len(res.SignedVals) != 1 {
				t.Fatalf("%s complete = %d %v", alg, st, m)
			}
			euckr := []byte{0xc0, 0xcc} // "이" in EUC-KR: the text was signed in EUC-KR
			opensslPkeyutlVerify(t, e, res.Certificate, alg, res.SignedVals[0], func(b []byte) bool { return bytes.HasPrefix(b, euckr) }, text)
		}

		// A device challenge is single use, even for another sign request.
		_, _, id2 := e.signRequest("902", loginRequest("PKCS1"))
		p := b.proof("sign", id2)
		if st, m := e.do("POST", "/fincert/v1/sign-requests/"+id2+"/complete", "", with(p, "pin", finPIN), nil); st != 200 {
			t.Fatalf("complete = %d %v", st, m)
		}
		_, _, id3 := e.signRequest("902", loginRequest("PKCS1"))
		replay := b.sign("sign", id3, p["nonce"].([]byte))
		if st, m := e.do("POST", "/fincert/v1/sign-requests/"+id3+"/complete", "", with(replay, "pin", finPIN), nil); st != http.StatusForbidden || code(m) != "FINCERT_CHALLENGE_INVALID" {
			t.Errorf("replayed challenge = %d %v", st, m)
		}
		// Nor with a wrong PIN: refused before the PIN counts (the lockout below starts at 0).
		if st, m := e.do("POST", "/fincert/v1/sign-requests/"+id3+"/complete", "", with(replay, "pin", "975310"), nil); st != http.StatusForbidden || code(m) != "FINCERT_CHALLENGE_INVALID" {
			t.Errorf("replayed challenge with a wrong PIN = %d %v", st, m)
		}
		// A challenge lives 2 minutes.
		late := b.proof("sign", id3)
		restoreLate := e.at(e.clock.Now().Add(cloudcert.ChallengeLifetime + time.Second))
		if st, m := e.do("POST", "/fincert/v1/sign-requests/"+id3+"/complete", "", with(late, "pin", finPIN), nil); st != http.StatusForbidden || code(m) != "FINCERT_CHALLENGE_INVALID" {
			t.Errorf("expired challenge = %d %v", st, m)
		}
		restoreLate()
		// A proof for one sign request does not complete another.
		wrong := b.proof("sign", id2)
		if st, m := e.do("POST", "/fincert/v1/sign-requests/"+id3+"/complete", "", with(wrong, "pin", finPIN), nil); st != http.StatusForbidden || code(m) != "FINCERT_DEVICE_PROOF" {
			t.Errorf("proof bound to another request = %d %v", st, m)
		}
		// Expired sign request; unknown orgCode; API key of another institution.
		_, _, id4 := e.signRequest("902", loginRequest("CMS"))
		restore := e.at(e.clock.Now().Add(cloudcert.SignRequestLifetime + time.Second))
		if st, m, _ := b.complete(id4, finPIN); st != http.StatusGone || code(m) != "FINCERT_SIGN_REQUEST_EXPIRED" {
			t.Errorf("expired sign request = %d %v", st, m)
		}
		restore()
		if st, m := e.do("POST", "/fincert/v1/sign-requests", e.keys["902"], with(loginRequest("CMS"), "orgCode", "999"), nil); st != 401 || code(m) != "FINCERT_ORG_UNKNOWN" {
			t.Errorf("unknown orgCode = %d %v", st, m)
		}
		if st, m := e.do("POST", "/fincert/v1/sign-requests", e.keys["901"], with(loginRequest("CMS"), "orgCode", "902"), nil); st != 401 || code(m) != "FINCERT_API_KEY_INVALID" {
			t.Errorf("API key of another institution = %d %v", st, m)
		}

		// Five wrong PINs lock it; the right PIN then is refused too.
		for i := 1; i <= 5; i++ {
			_, _, id := e.signRequest("902", loginRequest("PKCS1"))
			st, m, _ := b.complete(id, "975310")
			want := "FINCERT_PIN_WRONG"
			if i == 5 {
				want = "FINCERT_PIN_LOCKED"
			}
			if st != http.StatusForbidden || code(m) != want {
				t.Fatalf("wrong PIN %d = %d %v, want %s", i, st, m, want)
			}
		}
		_, _, id5 := e.signRequest("902", loginRequest("PKCS1"))
		if st, m, _ := b.complete(id5, finPIN); code(m) != "FINCERT_PIN_LOCKED" {
			t.Fatalf("right PIN on a locked certificate = %d %v", st, m)
		}
		// Identity verified again at the counter; a new PIN unlocks it.
		var reset cloudcert.PINReset
		if st, m := e.do("POST", "/fincert/v1/pin-resets", e.keys["901"], map[string]string{"verificationId": e.verifiedInPerson("901", cust.ID)}, &reset); st != http.StatusCreated {
			t.Fatalf("PIN reset = %d %v", st, m)
		}
		const newPIN = "246813"
		if st, m := e.do("POST", "/fincert/v1/pin-resets/"+reset.ID+"/complete", "", with(b.proof("pin-reset", reset.ID), "resetCode", reset.Code, "pin", "010185"), nil); code(m) != "FINCERT_PIN_WEAK" {
			t.Errorf("reset to the birth date (MMDDYY) = %d %v, want FINCERT_PIN_WEAK", st, m)
		}
		if st, m := e.do("POST", "/fincert/v1/pin-resets/"+reset.ID+"/complete", "", with(b.proof("pin-reset", reset.ID), "resetCode", reset.Code, "pin", newPIN), nil); st != http.StatusNoContent {
			t.Fatalf("complete PIN reset = %d %v", st, m)
		}
		if st, m, _ := b.complete(id5, newPIN); st != 200 {
			t.Fatalf("sign after the reset = %d %v", st, m)
		}

		// A second browser registers with an SMS code, signs, and is disconnected.
		b2 := newBrowser(e)
		var pend cloudcert.Pending
		if st, m := e.do("POST", "/fincert/v1/device-registrations", "", map[string]any{"name": finName, "birthDate": "850101",
			"phone": finPhone, "publicKey": b2.spki(), "label": "phone"}, &pend); st != http.StatusCreated {
			t.Fatalf("device registration = %d %v", st, m)
		}
		if st, m := e.do("POST", "/fincert/v1/device-registrations/"+pend.ID+"/confirm", "", map[string]string{"code": "000000"}, nil); code(m) != "FINCERT_CODE_INVALID" {
			t.Errorf("wrong SMS code = %d %v", st, m)
		}
		var reg map[string]string
		if st, m := e.do("POST", "/fincert/v1/device-registrations/"+pend.ID+"/confirm", "", map[string]string{"code": e.lastOTP("901")}, &reg); st != http.StatusCreated {
			t.Fatalf("confirm device = %d %v", st, m)
		}
		b2.id = reg["deviceId"]
		_, _, id6 := e.signRequest("902", loginRequest("PKCS1"))
		if st, m, _ := b2.complete(id6, newPIN); st != 200 {
			t.Fatalf("second device signs = %d %v", st, m)
		}
		var devs struct{ Devices []cloudcert.DeviceView }
		if st, m := e.do("POST", "/fincert/v1/devices/list", "", b.proof("manage", ""), &devs); st != 200 || len(devs.Devices) != 2 {
			t.Errorf("devices = %d %v %+v", st, m, devs)
		}
		if st, m := e.do("POST", "/fincert/v1/devices/"+b2.id+"/disconnect", "", b.proof("manage", b2.id), nil); st != http.StatusNoContent {
			t.Fatalf("disconnect = %d %v", st, m)
		}
		if st, m := e.do("POST", "/fincert/v1/challenges", "", map[string]string{"deviceId": b2.id}, nil); st != http.StatusForbidden || code(m) != "FINCERT_DEVICE_UNKNOWN" {
			t.Errorf("disconnected device = %d %v", st, m)
		}

		// Renewal only inside its window.
		if st, m := e.do("POST", "/fincert/v1/renew", "", with(b.proof("renew", ""), "pin", newPIN), nil); st != http.StatusConflict || code(m) != "FINCERT_RENEWAL_WINDOW" {
			t.Errorf("early renewal = %d %v", st, m)
		}

		scanDatabase(t, e, driver, []string{finPIN, newPIN})

		// A second issuance at another institution supersedes the first after confirmation.
		cust2 := e.customer("902", finName, finIDN)
		en2 := e.fincertEnrollment("902", cust2.ID)
		b3 := newBrowser(e)
		if st, m, _ := e.issueFinCert(b3, en2, "314159", false); st != http.StatusConflict || code(m) != "FINCERT_SUPERSEDE_CONFIRM" {
			t.Fatalf("second issuance unconfirmed = %d %v", st, m)
		}
		st, m, ci2 := e.issueFinCert(b3, en2, "314159", true)
		if st != http.StatusCreated || ci2.Superseded != ci.Serial {
			t.Fatalf("second issuance = %d %v %+v", st, m, ci2)
		}
		if old := e.record(ci.Serial); old.Status != "revoked" || old.Reason == nil || old.Reason.String() != "superseded" {
			t.Errorf("first certificate = %s %v, want revoked (superseded)", old.Status, old.Reason)
		}
		_, _, id7 := e.signRequest("903", loginRequest("PKCS1"))
		if st, m, res := b3.complete(id7, "314159"); st != 200 || res.CertSeqNum != ci2.Serial {
			t.Errorf("sign with the new certificate = %d %v", st, m)
		}

		// Renewal inside the window: a new key and certificate, three years on, same PIN.
		restore = e.at(ci2.NotAfter.Add(-10 * 24 * time.Hour))
		var renewed cloudcert.CertInfo
		if st, m := e.do("POST", "/fincert/v1/renew", "", with(b3.proof("renew", ""), "pin", "314159"), &renewed); st != http.StatusCreated {
			t.Fatalf("renew = %d %v", st, m)
		}
		if renewed.Serial == ci2.Serial || renewed.NotAfter.Sub(ci2.NotAfter) < 3*365*24*time.Hour {
			t.Errorf("renewed = %+v, want a new serial three years after %v", renewed, ci2.NotAfter)
		}
		_, _, id8 := e.signRequest("902", loginRequest("PKCS1"))
		if st, m, res := b3.complete(id8, "314159"); st != 200 || res.CertSeqNum != renewed.Serial {
			t.Errorf("sign after renewal = %d %v", st, m)
		}
		k1, _ := x509.ParseCertificate(ci2.Certificate)
		k2, _ := x509.ParseCertificate(renewed.Certificate)
		if k1.PublicKey.(*rsa.PublicKey).Equal(k2.PublicKey) {
			t.Error("renewal kept the key")
		}
		restore()
		auditHas(t, e, "fincert.issued", "fincert.signed", "fincert.pin_wrong", "fincert.pin_reset", "fincert.device_registered",
			"fincert.device_disconnected", "fincert.renewed", "certificate.revoked")
	})
}

func auditHas(t *testing.T, e *env, types ...string) {
	t.Helper()
	seen := map[string]bool{}
	rows, err := e.app.Store.SQL().Query(`SELECT type FROM audit_log`)
	if err != nil {
		t.Logf("audit query: %v", err)
		return
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		rows.Scan(&s)
		seen[s] = true
	}
	for _, ty := range types {
		if !seen[ty] {
			t.Errorf("no %s in the audit log", ty)
		}
	}
}

// opensslCMSVerify checks a CMS signedVal with `openssl cms -verify` against the demo root.
func opensslCMSVerify(t *testing.T, e *env, sig, content []byte) {
	t.Helper()
	testenv.OpenSSL(t)
	dir := t.TempDir()
	chain := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: e.app.CA.RootDER()})
	chain = append(chain, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: e.app.CA.IssuingDER()})...)
	os.WriteFile(filepath.Join(dir, "ca.pem"), chain, 0o600)
	os.WriteFile(filepath.Join(dir, "sig.der"), sig, 0o600)
	out := testenv.RunOpenSSL(t, "cms", "-verify", "-inform", "DER", "-in", filepath.Join(dir, "sig.der"), "-CAfile", filepath.Join(dir, "ca.pem"), "-purpose", "any")
	if !bytes.Contains(out, []byte("Verification successful")) || !bytes.HasSuffix(out, content) {
		t.Errorf("openssl cms -verify content = %q, want %q", out, content)
	}
	attrs := testenv.RunOpenSSL(t, "cms", "-cmsout", "-print", "-inform", "DER", "-in", filepath.Join(dir, "sig.der"))
	if !bytes.Contains(attrs, []byte("signingTime")) || !bytes.Contains(attrs, []byte("1.2.410.200004.10.1.1.3")) {
		t.Errorf("CMS lacks signingTime or the randomNum attribute:\n%s", attrs)
	}
}

// opensslPkeyutlVerify checks a PKCS#1 v1.5 or PSS signature over SHA-256 of the text
// in EUC-KR with `openssl pkeyutl -verify`.
func opensslPkeyutlVerify(t *testing.T, e *env, certDER []byte, alg string, sig []byte, isEUCKR func([]byte) bool, text string) {
	t.Helper()
	bin := testenv.OpenSSL(t)
	dir := t.TempDir()
	cert, err := x509.ParseCertificate(certDER)
	if err != nil {
		t.Fatal(err)
	}
	pub, _ := x509.MarshalPKIXPublicKey(cert.PublicKey)
	os.WriteFile(filepath.Join(dir, "pub.pem"), pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}), 0o600)
	os.WriteFile(filepath.Join(dir, "sig.bin"), sig, 0o600)
	msg, err := korean.EUCKR.NewEncoder().Bytes([]byte(text))
	if err != nil || !isEUCKR(msg) {
		t.Fatalf("EUC-KR encoding of %q = %x, %v", text, msg, err)
	}
	d := sha256.Sum256(msg)
	os.WriteFile(filepath.Join(dir, "digest.bin"), d[:], 0o600)
	args := []string{"pkeyutl", "-verify", "-pubin", "-inkey", filepath.Join(dir, "pub.pem"), "-in", filepath.Join(dir, "digest.bin"),
		"-sigfile", filepath.Join(dir, "sig.bin"), "-pkeyopt", "digest:sha256"}
	if alg == cloudcert.AlgPSS {
		args = append(args, "-pkeyopt", "rsa_padding_mode:pss", "-pkeyopt", "rsa_pss_saltlen:32")
	}
	out, err := exec.Command(bin, args...).CombinedOutput()
	if err != nil || !bytes.Contains(out, []byte("Signature Verified Successfully")) {
		t.Errorf("openssl pkeyutl -verify (%s) = %v\n%s", alg, err, out)
	}
}

// scanDatabase reads the whole database (SQLite's files, or pg_dump of the schema) and
// looks for any cloud key, as PKCS#1 or PKCS#8 DER or its prime, and for the PINs. It
// also proves that the stored PIN verifier cannot be recomputed from the dump alone:
// without the key source's pepper the right PIN does not match, with it it does.
func scanDatabase(t *testing.T, e *env, driver string, pins []string) {
	t.Helper()
	var dump []byte
	switch driver {
	case "sqlite":
		for _, suffix := range []string{"", "-wal", "-shm"} {
			b, _ := os.ReadFile(e.cfg.Database.DSN + suffix)
			dump = append(dump, b...)
		}
	case "postgres":
		pgDump, err := exec.LookPath("pg_dump")
		if err != nil {
			testenv.Missing(t, "pg_dump not installed")
			return
		}
		dsn, schema, _ := strings.Cut(e.cfg.Database.DSN, "search_path=")
		out, err := exec.Command(pgDump, "--schema="+schema, "--data-only", strings.TrimRight(dsn, "?&")).Output()
		if err != nil {
			t.Fatalf("pg_dump: %v", err)
		}
		dump = out
	}
	if len(dump) < 1000 {
		t.Fatalf("database dump is %d bytes", len(dump))
	}
	secret, err := os.ReadFile(filepath.Join(e.cfg.DataDir, "ca-passphrase"))
	if err != nil {
		t.Fatal(err)
	}
	keys, err := kek.NewFile(bytes.TrimRight(secret, "\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := e.app.Store.SQL().Query(`SELECT id, wrapped_key, pin_hash FROM fincert_lines`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var id string
		var wrapped, pinHash []byte
		if err := rows.Scan(&id, &wrapped, &pinHash); err != nil {
			t.Fatal(err)
		}
		n++
		// Positive control: the dump does hold the line (wrapped), so absence below means something.
		if !bytes.Contains(dump, wrapped) && !bytes.Contains(dump, []byte(hexOf(wrapped))) {
			t.Fatalf("the dump does not hold line %s's wrapped key: the scan would prove nothing", id)
		}
		der, err := keys.Unwrap(wrapped, []byte("fincert-key\x00"+id))
		if err != nil {
			t.Fatalf("unwrap %s: %v", id, err)
		}
		k, err := x509.ParsePKCS8PrivateKey(der)
		if err != nil {
			t.Fatal(err)
		}
		rk := k.(*rsa.PrivateKey)
		for name, needle := range map[string][]byte{"PKCS#8": der, "PKCS#1": x509.MarshalPKCS1PrivateKey(rk),
			"prime p": rk.Primes[0].Bytes(), "private exponent": rk.D.Bytes()[:32]} {
			if bytes.Contains(dump, needle) || bytes.Contains(dump, []byte(hexOf(needle))) || bytes.Contains(dump, []byte(base64.StdEncoding.EncodeToString(needle))) {
				t.Errorf("the database holds the cloud key of %s (%s)", id, name)
			}
		}
		// The dump-alone PIN test: every way to recompute the verifier without the pepper fails.
		for _, pin := range pins {
			plain := sha256.Sum256([]byte("fincert-pin\x00" + id + "\x00" + pin))
			for _, guess := range [][]byte{[]byte(pin), plain[:], []byte("fincert-pin\x00" + id + "\x00" + pin)} {
				if bytes.Equal(cloudcert.PINHash(guess, id), pinHash) {
					t.Errorf("PIN %s of %s recomputed without the pepper", pin, id)
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no financial certificate lines to scan")
	}
	// Positive control: with the pepper, the current PIN of the active line matches.
	var id string
	var pinHash []byte
	e.app.Store.SQL().QueryRow(`SELECT id, pin_hash FROM fincert_lines WHERE active = 1`).Scan(&id, &pinHash)
	peppered, _ := keys.Pepper([]byte("fincert-pin\x00" + id + "\x00" + pins[len(pins)-1]))
	if !bytes.Equal(cloudcert.PINHash(peppered, id), pinHash) {
		t.Error("with the pepper the right PIN does not match: the dump test proves nothing")
	}
	for _, pin := range pins {
		if bytes.Contains(dump, []byte(pin)) {
			t.Errorf("the database holds PIN %s in clear", pin)
		}
	}
}

func hexOf(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 2*len(b))
	for i, c := range b {
		out[2*i], out[2*i+1] = digits[c>>4], digits[c&15]
	}
	return string(out)
}

// TestFinCertReminders: the center's reminder job reminds the holder of a financial
// certificate at 30, 7 and 1 days before expiry, naming it as such.
func TestFinCertReminders(t *testing.T) {
	e := newEnv(t, "sqlite")
	cust := e.customer("901", finName, finIDN)
	b := newBrowser(e)
	_, _, ci := e.issueFinCert(b, e.fincertEnrollment("901", cust.ID), finPIN, false)
	for _, days := range []int{29, 6} {
		restore := e.at(ci.NotAfter.Add(-time.Duration(days) * 24 * time.Hour))
		if n, err := e.app.Desk.NewReminders().RunOnce(t.Context()); err != nil || n != 1 {
			t.Fatalf("reminders at D-%d = %d, %v; want 1", days+1, n, err)
		}
		restore()
	}
	found := 0
	for _, m := range e.outbox("901").Messages {
		if strings.Contains(m.Body, "금융인증서(일련번호 ") {
			found++
		}
	}
	if found != 4 { // e-mail and SMS at D-30 and D-7
		t.Errorf("%d financial certificate reminders in the outbox, want 4", found)
	}
}

// TestFinCertRegistration: the financial certificate registers at another institution
// through the existing registration flow (타기관 인증서 등록): the institution's
// challenge is signed through the signing API (PKCS#1 with R), and the desk checks the
// signature, the status and the VID.
func TestFinCertRegistration(t *testing.T) {
	e := newEnv(t, "sqlite")
	cust := e.customer("901", finName, finIDN)
	b := newBrowser(e)
	if st, m, _ := e.issueFinCert(b, e.fincertEnrollment("901", cust.ID), finPIN, false); st != http.StatusCreated {
		t.Fatalf("issue = %d %v", st, m)
	}
	other := e.customer("902", finName, finIDN)
	var ch struct {
		ID        string `json:"id"`
		Challenge string `json:"challenge"`
	}
	if st, m := e.do("POST", "/api/v1/registrations/challenges", e.keys["902"], map[string]any{"customerId": other.ID}, &ch); st != 201 {
		t.Fatalf("challenge = %d %v", st, m)
	}
	challenge, _ := base64.StdEncoding.DecodeString(ch.Challenge)
	_, _, id := e.signRequest("902", map[string]any{"signFormat": map[string]any{"type": "PKCS1", "PKCS1Info": map[string]any{"includeR": true}},
		"content": map[string]any{"binary": map[string]any{"binaries": [][]byte{challenge}}}, "info": map[string]any{"signType": "99"}})
	st, m, res := b.complete(id, finPIN)
	if st != 200 || len(res.RValue) == 0 {
		t.Fatalf("sign the challenge = %d %v", st, m)
	}
	var reg map[string]any
	if st, m := e.do("POST", "/api/v1/registrations", e.keys["902"], map[string]any{"challengeId": ch.ID,
		"certificate": base64.StdEncoding.EncodeToString(res.Certificate), "signature": base64.StdEncoding.EncodeToString(res.SignedVals[0]),
		"randomNum": hexOf(res.RValue)}, &reg); st != 201 || reg["status"] != "valid" {
		t.Fatalf("register at 902 = %d %v %v", st, m, reg)
	}
}

// TestFinCertLifecycleAtTheDesk: suspension, resumption, expiry, reissue and revocation
// go through the center's existing API; the signing API honours each with its code.
func TestFinCertLifecycleAtTheDesk(t *testing.T) {
	e := newEnv(t, "sqlite")
	cust := e.customer("901", finName, finIDN)
	b := newBrowser(e)
	_, _, ci := e.issueFinCert(b, e.fincertEnrollment("901", cust.ID), finPIN, false)
	path := "/api/v1/certificates/" + ci.Serial
	sign := func() (int, map[string]any, signed) {
		_, _, id := e.signRequest("902", loginRequest("PKCS1"))
		return b.complete(id, finPIN)
	}
	var info cloudcert.CertInfo
	if st, m := e.do("POST", "/fincert/v1/cert-info", "", b.proof("manage", ""), &info); st != 200 || info.Serial != ci.Serial || info.Status != "valid" {
		t.Errorf("cert-info = %d %v %+v", st, m, info)
	}
	if st, m := e.do("POST", path+"/suspension", e.keys["901"], nil, nil); st != 200 {
		t.Fatalf("suspend = %d %v", st, m)
	}
	if st, m, _ := sign(); st != http.StatusConflict || code(m) != "FINCERT_SUSPENDED" {
		t.Errorf("sign while suspended = %d %v", st, m)
	}
	if st, m := e.do("DELETE", path+"/suspension", e.keys["901"], nil, nil); st != 200 {
		t.Fatalf("resume = %d %v", st, m)
	}
	if st, m, _ := sign(); st != 200 {
		t.Errorf("sign after resumption = %d %v", st, m)
	}
	restore := e.at(ci.NotAfter.Add(time.Second))
	if st, m, _ := sign(); st != http.StatusConflict || code(m) != "FINCERT_EXPIRED" {
		t.Errorf("sign after expiry = %d %v", st, m)
	}
	restore()

	// Reissue (재발급): identity verified again, the enrollment names the old certificate;
	// the new one keeps its expiry, the old one is revoked, the browser keeps working.
	en := e.fincertEnrollment("901", cust.ID, "replaces", ci.Serial)
	b2 := newBrowser(e)
	st, m, ci2 := e.issueFinCert(b2, en, "975319", false)
	if st != http.StatusCreated || !ci2.NotAfter.Equal(ci.NotAfter) {
		t.Fatalf("reissue = %d %v %+v, want the old expiry %v", st, m, ci2, ci.NotAfter)
	}
	if old := e.record(ci.Serial); old.Status != "revoked" {
		t.Errorf("reissued certificate = %s, want revoked", old.Status)
	}
	_, _, id := e.signRequest("902", loginRequest("PKCS1"))
	if st, m, res := b.complete(id, "975319"); st != 200 || res.CertSeqNum != ci2.Serial {
		t.Errorf("first browser after the reissue = %d %v", st, m)
	}
	// Revocation by the institution.
	if st, m := e.do("POST", "/api/v1/certificates/"+ci2.Serial+"/revocation", e.keys["901"], map[string]any{"reason": "cessationOfOperation"}, nil); st != 200 {
		t.Fatalf("revoke = %d %v", st, m)
	}
	_, _, id = e.signRequest("902", loginRequest("PKCS1"))
	if st, m, _ := b.complete(id, "975319"); st != http.StatusConflict || code(m) != "FINCERT_REVOKED" {
		t.Errorf("sign after revocation = %d %v", st, m)
	}
	// An institution disconnects a lost device.
	if st, m := e.do("DELETE", "/fincert/v1/devices/"+b2.id, e.keys["902"], nil, nil); st != http.StatusForbidden {
		t.Errorf("disconnect by another institution = %d %v", st, m)
	}
	if st, m := e.do("DELETE", "/fincert/v1/devices/"+b2.id, e.keys["901"], nil, nil); st != http.StatusNoContent {
		t.Errorf("disconnect by the issuing institution = %d %v", st, m)
	}
}

// A financial certificate enrollment that "reissues" a joint certificate is refused: it
// would inherit a one-year expiry and revoke the wrong certificate.
func TestFinCertReissueOnlyReplacesAFinCert(t *testing.T) {
	e := newEnv(t, "sqlite")
	cust := e.customer("901", finName, finIDN)
	joint := e.issueFor("901", cust.ID, subscriberKey(t), nil)
	en := e.fincertEnrollment("901", cust.ID, "replaces", joint.Serial)
	if st, m, _ := e.issueFinCert(newBrowser(e), en, finPIN, false); st != http.StatusBadRequest || code(m) != "FINCERT_ENROLLMENT_KIND" {
		t.Errorf("fincert reissue of a joint certificate = %d %v", st, m)
	}
	if c := e.record(joint.Serial); c.Status != "valid" {
		t.Errorf("joint certificate = %s, want still valid", c.Status)
	}
}

// Hostile signedVals are refused, never a 500.
func TestFinCertVerifyHostile(t *testing.T) {
	e := newEnv(t, "sqlite")
	for _, sv := range [][]byte{nil, {0x30}, {0x30, 0x80, 0, 0}, bytes.Repeat([]byte{0x30, 0x82, 0xff, 0xff}, 100)} {
		var v cloudcert.Verified
		if st, m := e.do("POST", "/fincert/v1/verify", e.keys["902"], map[string]any{"signFormat": "CMS", "signedVal": sv}, &v); st != 200 || v.Valid {
			t.Errorf("verify(%x) = %d %v %+v", sv, st, m, v)
		}
	}
}

// TestFinCertRegistrationThrottled: at most 5 device registration codes per hour and
// certificate; the sixth request looks the same but sends no SMS.
func TestFinCertRegistrationThrottled(t *testing.T) {
	e := newEnv(t, "sqlite")
	cust := e.customer("901", finName, finIDN)
	if st, m, _ := e.issueFinCert(newBrowser(e), e.fincertEnrollment("901", cust.ID), finPIN, false); st != http.StatusCreated {
		t.Fatalf("issue = %d %v", st, m)
	}
	codes := func() int {
		n := 0
		for _, m := range e.outbox("901").Messages {
			if strings.Contains(m.Body, "기기 등록 인증번호") {
				n++
			}
		}
		return n
	}
	for i := 1; i <= cloudcert.MaxRegistrationsPerHour+1; i++ {
		if st, m := e.do("POST", "/fincert/v1/device-registrations", "", map[string]any{"name": finName, "birthDate": "850101",
			"phone": finPhone, "publicKey": newBrowser(e).spki(), "label": "x"}, nil); st != http.StatusCreated {
			t.Fatalf("registration %d = %d %v", i, st, m)
		}
	}
	if n := codes(); n != cloudcert.MaxRegistrationsPerHour {
		t.Errorf("%d registration codes sent, want %d", n, cloudcert.MaxRegistrationsPerHour)
	}
	// Someone else's details: answered alike, nothing sent.
	if st, _ := e.do("POST", "/fincert/v1/device-registrations", "", map[string]any{"name": "아무개", "birthDate": "990101",
		"phone": "010-0000-0000", "publicKey": newBrowser(e).spki(), "label": "x"}, nil); st != http.StatusCreated {
		t.Errorf("unknown person's registration = %d, want the same answer", st)
	}
}
