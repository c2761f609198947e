package cmp

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"errors"
	"math/big"
	"testing"
	"time"

	"golang.org/x/crypto/cryptobyte"
)

var testNow = time.Date(2026, 11, 23, 15, 29, 4, 0, time.UTC)

// TestServerIRFlow answers the captured ir the way a server would: verify the PBM with
// the authorization code, check the POP, issue, reply with an ip under the same PBM
// algorithms, then accept the client's certConf.
func TestServerIRFlow(t *testing.T) {
	ir := parseFixture(t, "ir_req.der")
	secret := []byte("enroll-secret")
	if err := ir.VerifyPBM(secret); err != nil {
		t.Fatal(err)
	}
	req := &ir.Body.CertReqs[0]
	if err := VerifyPOP(req, false); err != nil {
		t.Fatal(err)
	}
	ca := readCertFixture(t, "ca.crt")
	issued := readCertFixture(t, "ee1.crt") // stands in for the certificate the CA would issue
	rt, _ := ResponseType(ir.Body.Type)
	body, err := CertRepBody(rt, []*x509.Certificate{ca}, Issued(req.CertReqID, issued))
	if err != nil {
		t.Fatal(err)
	}
	r := bytes.Repeat([]byte{0x5a}, 20)
	ip, err := NewReply(ir, body, ReplyOptions{Sender: DirectoryName(ca.RawSubject), SenderKID: ir.Header.SenderKID,
		Time: testNow, Rand: rand.Reader, RandomNum: r, ExtraCerts: []*x509.Certificate{ca}})
	if err != nil {
		t.Fatal(err)
	}
	p, err := ir.PBMParameter()
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := p.WithNewSalt(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := ip.ProtectPBM(secret, fresh)
	if err != nil {
		t.Fatal(err)
	}

	// The client's view.
	got, err := Parse(der)
	if err != nil {
		t.Fatal(err)
	}
	if err := got.VerifyPBM(secret); err != nil {
		t.Errorf("client VerifyPBM = %v", err)
	}
	if err := CheckReply(ir, got); err != nil {
		t.Errorf("CheckReply(ir, ip) = %v", err)
	}
	if got.Body.Type != BodyIP || got.Header.PVNO != 2 || !got.Header.Recipient.Equal(ir.Header.Sender) {
		t.Errorf("ip: type %v pvno %d recipient %v", got.Body.Type, got.Header.PVNO, got.Header.Recipient)
	}
	if gr, found, err := got.Header.RandomNum(); !found || err != nil || !bytes.Equal(gr, r) {
		t.Errorf("ip randomNum = %x, %v, %v", gr, found, err)
	}
	if got.Header.ImplicitConfirm() {
		t.Errorf("implicitConfirm granted without being asked")
	}
	resp := got.Body.CertRep.Responses[0]
	if resp.Status.Status != StatusAccepted || !resp.Certificate.Equal(issued) || !got.Body.CertRep.CAPubs[0].Equal(ca) {
		t.Errorf("ip response = %+v", resp)
	}
	if !got.Header.MessageTime.Equal(testNow) {
		t.Errorf("messageTime = %v", got.Header.MessageTime)
	}
	if bytes.Equal(got.Header.SenderNonce, ir.Header.SenderNonce) || len(got.Header.SenderNonce) != NonceSize {
		t.Errorf("senderNonce not fresh: %x", got.Header.SenderNonce)
	}

	// certConf from the client, then the server's pkiconf.
	cs, err := ConfirmCert(resp.CertReqID, resp.Certificate)
	if err != nil {
		t.Fatal(err)
	}
	cc, err := NewReply(got, CertConfBody(cs), ReplyOptions{Sender: ir.Header.Sender, SenderKID: ir.Header.SenderKID, Time: testNow, Rand: rand.Reader})
	if err != nil {
		t.Fatal(err)
	}
	ccDER, err := cc.ProtectPBM(secret, p.mustSalt(t))
	if err != nil {
		t.Fatal(err)
	}
	srvCC, err := Parse(ccDER)
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckReply(ip, srvCC); err != nil {
		t.Errorf("CheckReply(ip, certConf) = %v", err)
	}
	if err := CheckCertHash(srvCC.Body.CertConf[0], issued); err != nil {
		t.Errorf("CheckCertHash = %v", err)
	}
	if err := CheckReply(ir, srvCC); !errors.Is(err, ErrBadRecipientNonce) {
		t.Errorf("CheckReply(ir, certConf) = %v, want ErrBadRecipientNonce", err)
	}
}

func (p *PBMParameter) mustSalt(t *testing.T) PBMParameter {
	t.Helper()
	q, err := p.WithNewSalt(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// TestBuildParseBodies builds every body type we produce and reads it back.
func TestBuildParseBodies(t *testing.T) {
	ca := readCertFixture(t, "ca.crt")
	ee1 := readCertFixture(t, "ee1.crt")
	srvKey := readKeyFixture(t, "srv.key")
	srv := readCertFixture(t, "srv.crt")
	ir := parseFixture(t, "ir_req.der")
	mustBody := func(b Body, err error) Body {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	cs, err := ConfirmCert(0, ee1)
	if err != nil {
		t.Fatal(err)
	}
	rej, err := RejectCert(1, ee1, FailBadCertTemplate, "wrong key")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		body  Body
		check func(t *testing.T, b Body)
	}{
		{"ip", mustBody(CertRepBody(BodyIP, []*x509.Certificate{ca}, Issued(0, ee1))), func(t *testing.T, b Body) {
			if !b.CertRep.Responses[0].Certificate.Equal(ee1) || len(b.CertRep.CAPubs) != 1 {
				t.Errorf("ip = %+v", b.CertRep)
			}
		}},
		{"cp-rejected", mustBody(CertRepBody(BodyCP, nil, Rejected(-1, FailBadPOP|FailBadRequest, "bad POP"))), func(t *testing.T, b Body) {
			s := b.CertRep.Responses[0].Status
			if s.Status != StatusRejection || s.FailInfo != FailBadPOP|FailBadRequest || s.StatusString[0] != "bad POP" ||
				b.CertRep.Responses[0].CertReqID != -1 || b.CertRep.CAPubs != nil {
				t.Errorf("cp = %+v", b.CertRep.Responses[0])
			}
		}},
		{"kup", mustBody(CertRepBody(BodyKUP, nil, Issued(0, ee1))), nil},
		{"rp", RPBody([]StatusInfo{{Status: StatusAccepted}}, []CertID{CertIDOf(ee1)}), func(t *testing.T, b Body) {
			if b.RevRep.RevCerts[0].SerialNumber.Cmp(ee1.SerialNumber) != 0 {
				t.Errorf("rp = %+v", b.RevRep)
			}
		}},
		{"pkiconf", PKIConfBody(), nil},
		{"genp", GenpBody(AnswerGenm(nil, CACertsInfo([]*x509.Certificate{ca}), CAProtEncCertInfo(srv))...), func(t *testing.T, b Body) {
			if len(b.Info) != 2 || !b.Info[0].Type.Equal(OIDITCACerts) {
				t.Errorf("genp = %+v", b.Info)
			}
		}},
		{"genp-empty", GenpBody(), nil},
		{"error", ErrorBody(Rejection(FailBadMessageCheck, "MAC check failed"), "detail"), func(t *testing.T, b Body) {
			if b.Error.Status.FailInfo != FailBadMessageCheck || b.Error.ErrorDetails[0] != "detail" {
				t.Errorf("error = %+v", b.Error)
			}
		}},
		{"certConf", CertConfBody(cs, rej), func(t *testing.T, b Body) {
			if len(b.CertConf) != 2 || b.CertConf[1].StatusInfo.FailInfo != FailBadCertTemplate {
				t.Errorf("certConf = %+v", b.CertConf)
			}
		}},
		{"ir", mustBody(CertReqBody(BodyIR, ir.Body.CertReqs...)), func(t *testing.T, b Body) {
			if err := VerifyPOP(&b.CertReqs[0], false); err != nil {
				t.Errorf("VerifyPOP = %v", err)
			}
		}},
		{"rr", RRBody(RevocationRequest(ee1, 4)), func(t *testing.T, b Body) {
			if r, _, _ := b.RevReqs[0].Reason(); r != 4 {
				t.Errorf("reason = %d, want 4", r)
			}
		}},
		{"genm", Body{Type: BodyGenM, Info: []InfoTypeAndValue{{Type: OIDITCACerts}}}, nil},
		{"p10cr", Body{Type: BodyP10CR, P10CR: parseFixture(t, "p10cr_req.der").Body.P10CR}, func(t *testing.T, b Body) {
			if err := VerifyP10CR(b.P10CR); err != nil {
				t.Errorf("VerifyP10CR = %v", err)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := NewReply(ir, tc.body, ReplyOptions{Time: testNow, Rand: rand.Reader, ImplicitConfirm: true})
			if err != nil {
				t.Fatal(err)
			}
			der, err := m.ProtectSignature(srvKey, srv, rand.Reader)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Parse(der)
			if err != nil {
				t.Fatalf("Parse = %v", err)
			}
			if got.Body.Type != tc.body.Type {
				t.Errorf("type = %v, want %v", got.Body.Type, tc.body.Type)
			}
			if err := got.VerifySignature(srv.PublicKey); err != nil {
				t.Errorf("VerifySignature = %v", err)
			}
			if !got.ExtraCerts[0].Equal(srv) || !bytes.Equal(got.Header.SenderKID, srv.SubjectKeyId) {
				t.Errorf("extraCerts[0] / senderKID not the protecting certificate")
			}
			if !got.Header.ImplicitConfirm() {
				t.Errorf("implicitConfirm lost")
			}
			again, err := got.Marshal()
			if err != nil || !bytes.Equal(again, der) {
				t.Errorf("Marshal(Parse(built)) differs (err %v)", err)
			}
			if tc.check != nil {
				tc.check(t, got.Body)
			}
		})
	}
}

func TestAnswerGenm(t *testing.T) {
	ca := readCertFixture(t, "ca.crt")
	avail := []InfoTypeAndValue{CACertsInfo([]*x509.Certificate{ca}), CAProtEncCertInfo(ca)}
	m := parseFixture(t, "genm_signkeypairtypes_req.der")
	if len(m.Body.Info) != 1 || !m.Body.Info[0].Type.Equal(OIDITSignKeyPairTypes) || m.Body.Info[0].Value != nil {
		t.Fatalf("genm = %+v", m.Body.Info)
	}
	if got := AnswerGenm(m.Body.Info, avail...); len(got) != 0 {
		t.Errorf("AnswerGenm(signKeyPairTypes) = %d items, want 0", len(got))
	}
	if got := AnswerGenm(parseFixture(t, "genm_req.der").Body.Info, avail...); len(got) != 2 {
		t.Errorf("AnswerGenm(empty) = %d items, want 2", len(got))
	}
	if got := AnswerGenm([]InfoTypeAndValue{{Type: OIDITCAProtEncCert}}, avail...); len(got) != 1 || !got[0].Type.Equal(OIDITCAProtEncCert) {
		t.Errorf("AnswerGenm(caProtEncCert) = %+v", got)
	}
}

func TestCPFixtureCertReqIDNone(t *testing.T) {
	m := parseFixture(t, "cp_rsp.der")
	if id := m.Body.CertRep.Responses[0].CertReqID; id != CertReqIDNone {
		t.Errorf("cp certReqId = %d, want %d", id, CertReqIDNone)
	}
}

func TestErrorFixture(t *testing.T) {
	m := parseFixture(t, "error_rsp.der")
	e := m.Body.Error
	if e.Status.Status != StatusRejection || e.Status.FailInfo != FailBadRequest ||
		e.Status.StatusString[0] != "error processing message" ||
		e.ErrorCode.Cmp(big.NewInt(0x1D00009E)) != 0 || len(e.ErrorDetails) != 2 {
		t.Errorf("error = %+v %v", e, e.Status)
	}
	if got := e.Status.String(); got != `PKIStatus: rejection; PKIFailureInfo: badRequest; StatusString: "error processing message"` {
		t.Errorf("String() = %s", got)
	}
}

func TestFailureInfoBits(t *testing.T) {
	// DER named BIT STRING: trailing zero bits dropped (X.690 section 11.2.2).
	tests := []struct {
		f    FailureInfo
		want []byte
	}{
		{FailBadAlg, []byte{0x03, 0x02, 0x07, 0x80}},
		{FailBadRequest, []byte{0x03, 0x02, 0x05, 0x20}},
		{FailBadPOP, []byte{0x03, 0x03, 0x06, 0x00, 0x40}},
		{FailDuplicateCertReq, []byte{0x03, 0x05, 0x05, 0x00, 0x00, 0x00, 0x20}},
	}
	for _, tc := range tests {
		var b cryptobyte.Builder
		addBitString(&b, 0x03, tc.f.bitString())
		got, err := b.Bytes()
		if err != nil || !bytes.Equal(got, tc.want) {
			t.Errorf("%v encodes as %x (%v), want %x", tc.f, got, err, tc.want)
		}
		back, ok := failureInfoFromBits(tc.f.bitString())
		if !ok || back != tc.f {
			t.Errorf("round trip of %v = %v", tc.f, back)
		}
	}
	if s := (FailBadPOP | FailSystemFailure).String(); s != "badPOP|systemFailure" {
		t.Errorf("String = %q", s)
	}
}

func TestNewRequestClient(t *testing.T) {
	key := readKeyFixture(t, "ee2.key")
	req := CertReqMsg{Template: CertTemplate{Subject: readCertFixture(t, "ee1.crt").RawSubject}}
	if err := req.SignPOP(key, rand.Reader); err != nil {
		t.Fatal(err)
	}
	body, err := CertReqBody(BodyIR, req)
	if err != nil {
		t.Fatal(err)
	}
	m, err := NewRequest(body, RequestOptions{ReplyOptions: ReplyOptions{SenderKID: []byte("ref"), Time: testNow, Rand: rand.Reader, ImplicitConfirm: true}})
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewPBMParameter(rand.Reader, crypto.SHA256, crypto.SHA1, 500)
	if err != nil {
		t.Fatal(err)
	}
	der, err := m.ProtectPBM([]byte("code"), p)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Parse(der)
	if err != nil {
		t.Fatal(err)
	}
	if err := got.VerifyPBM([]byte("code")); err != nil {
		t.Errorf("VerifyPBM = %v", err)
	}
	if len(got.Header.TransactionID) != NonceSize || got.Header.RecipNonce != nil || !got.Header.Recipient.IsNullDN() {
		t.Errorf("header = %+v", got.Header)
	}
	if err := VerifyPOP(&got.Body.CertReqs[0], false); err != nil {
		t.Errorf("VerifyPOP = %v", err)
	}
	if _, err := NewRequest(body, RequestOptions{}); err == nil {
		t.Errorf("NewRequest without Rand succeeded")
	}
}
