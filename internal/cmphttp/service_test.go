package cmphttp_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/certcenter/certcenter/cmp"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/npki"
)

// checkSigned checks that an answer is signed by the CMP identity, whose certificate
// comes first in extraCerts and chains to the root through the issuing CA.
func (e *env) checkSigned(t *testing.T, m *cmp.Message) {
	t.Helper()
	if m.ProtectionKind() != cmp.ProtectionSignature || len(m.ExtraCerts) != 3 {
		t.Fatalf("answer protection %v with %d extraCerts, want a signature and 3", m.ProtectionKind(), len(m.ExtraCerts))
	}
	if err := m.VerifySignature(m.ExtraCerts[0].PublicKey); err != nil {
		t.Errorf("signature: %v", err)
	}
	if err := m.ExtraCerts[0].CheckSignatureFrom(e.ca); err != nil || !bytes.Equal(m.ExtraCerts[2].Raw, e.root.Raw) {
		t.Errorf("extraCerts do not chain to the root: %v", err)
	}
}

func TestEnrollServerDrawsRandomNum(t *testing.T) {
	e := newEnv(t)
	c := e.srv.Client()
	ref, code := e.enroll()
	rsp := e.post(t, c, pbm(t, certReq(t, ref, code, testKey(t, 0), irOptions{}), code))
	if err := rsp.VerifyPBM([]byte(code)); err != nil {
		t.Fatalf("ip MAC: %v (%s)", err, errorText(rsp))
	}
	cert := issued(t, rsp)
	r, found, err := rsp.Header.RandomNum()
	if !found || err != nil || len(r) != 20 {
		t.Fatalf("ip generalInfo randomNum = %x, %v, %v; want 20 bytes drawn by the server", r, found, err)
	}
	id, err := npki.ParseIdentifyDataFromCert(cert)
	if err != nil {
		t.Fatal(err)
	}
	if ok, _ := id.CheckVID(testIDN, r); !ok {
		t.Error("the VID does not match the R returned in generalInfo")
	}
	if _, ok := rsp.Header.ConfirmWaitTime(); !ok || rsp.Header.ImplicitConfirm() {
		t.Error("ip lacks confirmWaitTime or grants implicitConfirm unasked")
	}
	if caPubs := rsp.Body.CertRep.CAPubs; len(caPubs) != 1 || !bytes.Equal(caPubs[0].Raw, e.root.Raw) {
		t.Errorf("caPubs = %d certificates, want the root", len(caPubs))
	}
	if rec := e.record(t, cert); rec.ConfirmBy == nil {
		t.Error("certificate not awaiting confirmation before certConf")
	}
	conf := certConf(t, rsp, ref, code, cert)
	pc := e.post(t, c, conf)
	if pc.Body.Type != cmp.BodyPKIConf || pc.VerifyPBM([]byte(code)) != nil {
		t.Fatalf("certConf answer %s", errorText(pc))
	}
	if rec := e.record(t, cert); rec.ConfirmBy != nil || rec.Status != model.StatusValid {
		t.Errorf("after certConf: %s, confirmBy %v", rec.Status, rec.ConfirmBy)
	}
	// A retransmitted certConf (its pkiconf lost) is answered again.
	if pc := e.post(t, c, conf); pc.Body.Type != cmp.BodyPKIConf {
		t.Errorf("repeated certConf answer %s, want pkiconf", errorText(pc))
	}
}

func TestEnrollWithRandomNumPVNO3Implicit(t *testing.T) {
	e := newEnv(t)
	ref, code := e.enroll()
	r := bytes.Repeat([]byte{0x5a}, 20)
	rsp := e.post(t, e.srv.Client(), pbm(t, certReq(t, ref, code, testKey(t, 1), irOptions{body: cmp.BodyCR, r: r, implicit: true, pvno: 3}), code))
	cert := issued(t, rsp)
	if rsp.Header.PVNO != 3 || rsp.Body.Type != cmp.BodyCP || !rsp.Header.ImplicitConfirm() {
		t.Errorf("answer pvno %d %v implicitConfirm %v, want 3 cp true", rsp.Header.PVNO, rsp.Body.Type, rsp.Header.ImplicitConfirm())
	}
	if _, found, _ := rsp.Header.RandomNum(); found {
		t.Error("the answer returns an R the client sent")
	}
	id, _ := npki.ParseIdentifyDataFromCert(cert)
	if ok, _ := id.CheckVID(testIDN, r); !ok {
		t.Error("the VID does not match the client's R")
	}
	if rec := e.record(t, cert); rec.ConfirmBy != nil {
		t.Error("implicitConfirm granted but the certificate awaits confirmation")
	}
}

func TestUnconfirmedIsRevoked(t *testing.T) {
	e := newEnv(t)
	c := e.srv.Client()
	ref, code := e.enroll()
	rsp := e.post(t, c, pbm(t, certReq(t, ref, code, testKey(t, 0), irOptions{}), code))
	cert := issued(t, rsp)
	e.clock.Add(6 * time.Minute) // past cmp.confirm_wait (5 minutes)
	if n, err := e.app.CA.RevokeUnconfirmed(context.Background()); err != nil || n != 1 {
		t.Fatalf("RevokeUnconfirmed = %d, %v, want 1", n, err)
	}
	if rec := e.record(t, cert); rec.Status != model.StatusRevoked {
		t.Errorf("unconfirmed certificate is %s, want revoked", rec.Status)
	}
	late := e.post(t, c, certConf(t, rsp, ref, code, cert))
	if late.Body.Type != cmp.BodyError || late.Body.Error.Status.Status != cmp.StatusRejection {
		t.Errorf("late certConf answer %s, want a rejection", errorText(late))
	}
}

// Bad MACs and an unknown reference number answer alike (no oracle of which references
// exist), and wrong codes do not end the enrollment: the client that guesses is made to
// wait instead (TestBadMACsRateLimited).
func TestBadMACsAnswerAsUnknownReference(t *testing.T) {
	e := newEnv(t)
	c := e.srv.Client()
	ref, code := e.enroll()
	status := func(ref, code string) cmp.StatusInfo {
		rsp := e.post(t, c, pbm(t, certReq(t, ref, code, testKey(t, 0), irOptions{}), code))
		e.checkSigned(t, rsp)
		if rsp.Body.Type != cmp.BodyError {
			t.Fatalf("answer %v, want an error", rsp.Body.Type)
		}
		st := rsp.Body.Error.Status
		for i := range st.StatusString {
			st.StatusString[i] = strings.ReplaceAll(st.StatusString[i], ref, "REF")
		}
		return st
	}
	unknown := status("1234567890", "WRONG")
	if !strings.HasPrefix(unknown.StatusString[0], "AUTH_CODE_INVALID") || unknown.FailInfo != cmp.FailBadMessageCheck {
		t.Errorf("unknown reference: %s, want AUTH_CODE_INVALID with badMessageCheck", unknown)
	}
	for i := 1; i <= 4; i++ { // the 5th would make this client wait (TestBadMACsRateLimited)
		if st := status(ref, "WRONG"); st.String() != unknown.String() {
			t.Errorf("bad MAC %d: %s\nwant the unknown reference's %s", i, st, unknown)
		}
	}
	rsp := e.post(t, c, pbm(t, certReq(t, ref, code, testKey(t, 0), irOptions{implicit: true}), code))
	issued(t, rsp)
}

func TestRefusals(t *testing.T) {
	e := newEnv(t)
	c := e.srv.Client()
	// Not a PKIMessage: HTTP errors.
	for _, tc := range []struct {
		ctype string
		body  []byte
		want  int
	}{
		{"application/pkixcmp", []byte("not DER"), http.StatusBadRequest},
		{"application/json", []byte("{}"), http.StatusUnsupportedMediaType},
		{"application/pkixcmp", make([]byte, cmp.MaxMessageSize+1), http.StatusRequestEntityTooLarge},
	} {
		resp, err := c.Post(e.srv.URL+"/pkix/", tc.ctype, bytes.NewReader(tc.body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("POST %s %d bytes = %d, want %d", tc.ctype, len(tc.body), resp.StatusCode, tc.want)
		}
	}
	// A PKIMessage we do not serve, unprotected requests and a POP made with another key:
	// error messages, signed.
	ref, code := e.enroll()
	bad := certReq(t, ref, code, testKey(t, 0), irOptions{})
	bad.Body.CertReqs[0].POP.Signature.Signature[10] ^= 1
	bad.Body.CertReqs[0].RawCertReq = nil
	unsupported, _ := cmp.NewRequest(cmp.PKIConfBody(), cmp.RequestOptions{ReplyOptions: cmp.ReplyOptions{Time: time.Now(), Rand: rand.Reader}})
	unprotected := certReq(t, ref, code, testKey(t, 0), irOptions{})
	unprotected.Protection, unprotected.Header.ProtectionAlg = nil, nil
	for _, tc := range []struct {
		name   string
		der    []byte
		code   string
		fail   cmp.FailureInfo
		signed bool
	}{
		{"pkiconf as a request", mustMarshal(t, unsupported), "CMP_UNSUPPORTED", cmp.FailBadRequest, true},
		{"unprotected ir", mustMarshal(t, unprotected), "CMP_PROTECTION_REQUIRED", cmp.FailBadMessageCheck, true},
		{"bad POP", pbm(t, bad, code), "CMP_BAD_MESSAGE", cmp.FailBadPOP, false},
	} {
		rsp := e.post(t, c, tc.der)
		if rsp.Body.Type != cmp.BodyError {
			t.Errorf("%s: answer %v, want error", tc.name, rsp.Body.Type)
			continue
		}
		st := rsp.Body.Error.Status
		if !strings.HasPrefix(st.StatusString[0], tc.code) || st.FailInfo&tc.fail == 0 {
			t.Errorf("%s: %s, want %s with %v", tc.name, st, tc.code, tc.fail)
		}
		if tc.signed {
			e.checkSigned(t, rsp)
		} else if err := rsp.VerifyPBM([]byte(code)); err != nil {
			t.Errorf("%s: the answer to a verified MAC is not MACed with the code: %v", tc.name, err)
		}
	}
}

func mustMarshal(t *testing.T, m *cmp.Message) []byte {
	t.Helper()
	der, err := m.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return der
}
