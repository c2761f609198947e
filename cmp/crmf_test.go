package cmp

import (
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"math/big"
	"testing"
	"time"
)

func readKeyFixture(t testing.TB, name string) crypto.Signer {
	t.Helper()
	blk, _ := pem.Decode(readFixture(t, name))
	if blk == nil {
		t.Fatalf("%s: no PEM", name)
	}
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return k.(crypto.Signer)
}

type publicKey interface{ Equal(crypto.PublicKey) bool }

func TestIRFields(t *testing.T) {
	m := parseFixture(t, "ir_req.der")
	if len(m.Body.CertReqs) != 1 {
		t.Fatalf("%d CertReqMsg, want 1", len(m.Body.CertReqs))
	}
	req := &m.Body.CertReqs[0]
	if req.CertReqID != 0 {
		t.Errorf("certReqId = %d, want 0", req.CertReqID)
	}
	name, ok, err := req.Template.SubjectName()
	if !ok || err != nil || name.String() != "CN=Hong Gildong" {
		t.Errorf("subject = %q, %v, %v", name.String(), ok, err)
	}
	pub, err := req.Template.ParsePublicKey()
	if err != nil {
		t.Fatal(err)
	}
	if !pub.(publicKey).Equal(readKeyFixture(t, "ee1.key").Public()) {
		t.Errorf("template public key is not ee1.key's")
	}
	if req.POP == nil || req.POP.Kind != POPSignature {
		t.Fatalf("POP = %+v, want signature", req.POP)
	}
	if err := VerifyPOP(req, false); err != nil {
		t.Errorf("VerifyPOP = %v", err)
	}
	if _, found, _ := req.RandomNum(); found {
		t.Errorf("OpenSSL sent a randomNum")
	}
}

func TestKURFields(t *testing.T) {
	m := parseFixture(t, "kur_req.der")
	ee1 := readCertFixture(t, "ee1.crt")
	req := &m.Body.CertReqs[0]
	id, found, err := req.OldCertID()
	if !found || err != nil {
		t.Fatalf("OldCertID = %v, %v", found, err)
	}
	if id.SerialNumber.Cmp(ee1.SerialNumber) != 0 || !id.Issuer.Equal(DirectoryName(ee1.RawIssuer)) {
		t.Errorf("oldCertID = %v %x, want ee1.crt's", id.Issuer, id.SerialNumber)
	}
	if issuer, ok, _ := req.Template.IssuerName(); !ok || issuer.String() != "CN=Scout Root CA" {
		t.Errorf("template issuer = %q", issuer.String())
	}
	if err := VerifyPOP(req, false); err != nil {
		t.Errorf("VerifyPOP = %v", err)
	}
	if !m.ExtraCerts[0].Equal(ee1) {
		t.Errorf("extraCerts[0] is not ee1.crt")
	}
}

func TestVerifyPOPFailures(t *testing.T) {
	tampered := readFixture(t, "ir_req.der")
	// Offset 230 is inside the template's subject CN "Hong Gildong" (openssl asn1parse: 225).
	tampered[230] ^= 0x20
	m, err := Parse(tampered)
	if err != nil {
		t.Fatal(err)
	}
	err = VerifyPOP(&m.Body.CertReqs[0], false)
	if !errors.Is(err, ErrBadPOP) || FailureInfoOf(err) != FailBadPOP {
		t.Errorf("VerifyPOP(tampered) = %v, want ErrBadPOP", err)
	}

	m = parseFixture(t, "ir_req.der")
	req := m.Body.CertReqs[0]
	other, _ := x509.MarshalPKIXPublicKey(readKeyFixture(t, "ee2.key").Public())
	req.Template.PublicKey = other
	req.RawCertReq = nil
	if err := VerifyPOP(&req, false); !errors.Is(err, ErrBadPOP) {
		t.Errorf("VerifyPOP(other key) = %v, want ErrBadPOP", err)
	}
	req.POP = nil
	if err := VerifyPOP(&req, false); !errors.Is(err, ErrBadPOP) {
		t.Errorf("VerifyPOP(no popo) = %v, want ErrBadPOP", err)
	}
	req.POP = &ProofOfPossession{Kind: POPRAVerified}
	if err := VerifyPOP(&req, false); !errors.Is(err, ErrBadPOP) {
		t.Errorf("VerifyPOP(raVerified, not allowed) = %v, want ErrBadPOP", err)
	}
	if err := VerifyPOP(&req, true); err != nil {
		t.Errorf("VerifyPOP(raVerified, allowed) = %v", err)
	}
}

func TestP10CR(t *testing.T) {
	m := parseFixture(t, "p10cr_req.der")
	if err := VerifyP10CR(m.Body.P10CR); err != nil {
		t.Errorf("VerifyP10CR = %v", err)
	}
	if m.Body.P10CR.Subject.CommonName != "Hong Gildong" {
		t.Errorf("p10cr subject = %q", m.Body.P10CR.Subject)
	}
	csr := *m.Body.P10CR
	csr.Signature = append([]byte{}, csr.Signature...)
	csr.Signature[10] ^= 1
	if err := VerifyP10CR(&csr); !errors.Is(err, ErrBadPOP) {
		t.Errorf("VerifyP10CR(tampered) = %v, want ErrBadPOP", err)
	}
}

func TestRRFields(t *testing.T) {
	m := parseFixture(t, "rr_req.der")
	ee1 := readCertFixture(t, "ee1.crt")
	if len(m.Body.RevReqs) != 1 {
		t.Fatalf("%d RevDetails", len(m.Body.RevReqs))
	}
	d := &m.Body.RevReqs[0]
	if d.CertDetails.SerialNumber.Cmp(ee1.SerialNumber) != 0 {
		t.Errorf("serial = %x, want %x", d.CertDetails.SerialNumber, ee1.SerialNumber)
	}
	if issuer, ok, _ := d.CertDetails.IssuerName(); !ok || issuer.String() != "CN=Scout Root CA" {
		t.Errorf("issuer = %q", issuer.String())
	}
	reason, found, err := d.Reason()
	if !found || err != nil || reason != 1 {
		t.Errorf("Reason = %d, %v, %v; want 1 (keyCompromise)", reason, found, err)
	}
	rp := parseFixture(t, "rp_rsp.der")
	if len(rp.Body.RevRep.Status) != 1 || rp.Body.RevRep.Status[0].Status != StatusAccepted {
		t.Errorf("rp status = %+v", rp.Body.RevRep.Status)
	}
	if len(rp.Body.RevRep.RevCerts) != 1 || rp.Body.RevRep.RevCerts[0].SerialNumber.Cmp(ee1.SerialNumber) != 0 {
		t.Errorf("rp revCerts = %+v", rp.Body.RevRep.RevCerts)
	}
}

// TestCertReqMsgRoundTrip builds a request with every template field, signs the POP
// and reads it back.
func TestCertReqMsgRoundTrip(t *testing.T) {
	key := readKeyFixture(t, "ee2.key")
	ca := readCertFixture(t, "ca.crt")
	ee1 := readCertFixture(t, "ee1.crt")
	v := int64(2)
	r := []byte("0123456789abcdefghij")
	req := CertReqMsg{
		CertReqID: 7,
		Template: CertTemplate{
			Version:      &v,
			SerialNumber: big.NewInt(99),
			SigningAlg:   &AlgorithmIdentifier{Algorithm: oidSHA256WithRSA, Parameters: derNull},
			Issuer:       ca.RawSubject,
			Validity:     &OptionalValidity{NotBefore: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2055, 1, 1, 0, 0, 0, 0, time.UTC)},
			Subject:      ee1.RawSubject,
			Extensions:   []Extension{{ID: []int{2, 5, 29, 15}, Critical: true, Value: []byte{3, 2, 6, 0xc0}}},
		},
		Controls: []AttributeTypeAndValue{OldCertIDControl(CertIDOf(ee1))},
		RegInfo:  []AttributeTypeAndValue{RandomNumAttribute(r)},
	}
	if err := req.SignPOP(key, rand.Reader); err != nil {
		t.Fatal(err)
	}
	msg := &Message{Header: testHeader(), Body: Body{Type: BodyKUR, CertReqs: []CertReqMsg{req}}}
	der, err := msg.ProtectSignature(readKeyFixture(t, "ee1.key"), ee1, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Parse(der)
	if err != nil {
		t.Fatal(err)
	}
	if err := got.VerifySignature(ee1.PublicKey); err != nil {
		t.Errorf("VerifySignature = %v", err)
	}
	g := &got.Body.CertReqs[0]
	if err := VerifyPOP(g, false); err != nil {
		t.Errorf("VerifyPOP = %v", err)
	}
	if g.CertReqID != 7 || *g.Template.Version != 2 || g.Template.SerialNumber.Int64() != 99 ||
		!g.Template.Validity.NotAfter.Equal(req.Template.Validity.NotAfter) ||
		len(g.Template.Extensions) != 1 || !g.Template.Extensions[0].Critical {
		t.Errorf("template = %+v", g.Template)
	}
	if gr, found, err := g.RandomNum(); !found || err != nil || string(gr) != string(r) {
		t.Errorf("RandomNum = %q, %v, %v", gr, found, err)
	}
	if id, found, err := g.OldCertID(); !found || err != nil || id.SerialNumber.Cmp(ee1.SerialNumber) != 0 {
		t.Errorf("OldCertID = %+v, %v, %v", id, found, err)
	}
	again, err := got.Marshal()
	if err != nil || string(again) != string(der) {
		t.Errorf("Marshal(Parse(built)) differs (err %v)", err)
	}
}
