package cmp

import (
	"bytes"
	"testing"
	"time"
)

func testHeader() Header {
	return Header{
		PVNO:          PVNO2000,
		Sender:        NullDN(),
		Recipient:     NullDN(),
		MessageTime:   time.Date(2026, 11, 23, 15, 29, 3, 0, time.UTC),
		TransactionID: bytes.Repeat([]byte{1}, 16),
		SenderNonce:   bytes.Repeat([]byte{2}, 16),
	}
}

func TestHeaderIR(t *testing.T) {
	m := parseFixture(t, "ir_req.der")
	h := m.Header
	if h.PVNO != 2 {
		t.Errorf("pvno = %d, want 2", h.PVNO)
	}
	if string(h.SenderKID) != "1234" {
		t.Errorf("senderKID = %q, want 1234", h.SenderKID)
	}
	if got := h.Sender.String(); got != "CN=Hong Gildong" {
		t.Errorf("sender = %q", got)
	}
	if got := h.Recipient.String(); got != "CN=Scout Root CA" {
		t.Errorf("recipient = %q", got)
	}
	if want := time.Date(2026, 11, 23, 15, 29, 3, 0, time.UTC); !h.MessageTime.Equal(want) {
		t.Errorf("messageTime = %v, want %v", h.MessageTime, want)
	}
	if len(h.TransactionID) != 16 || len(h.SenderNonce) != 16 || h.RecipNonce != nil {
		t.Errorf("transactionID %x senderNonce %x recipNonce %x", h.TransactionID, h.SenderNonce, h.RecipNonce)
	}
	p, err := m.PBMParameter()
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Salt) != 16 || !p.OWF.Algorithm.Equal(OIDSHA256) || p.IterationCount != 500 || !p.MAC.Algorithm.Equal(OIDHMACSHA1) {
		t.Errorf("PBM = salt %d bytes, owf %v, %d iterations, mac %v", len(p.Salt), p.OWF.Algorithm, p.IterationCount, p.MAC.Algorithm)
	}
}

func TestHeaderNullDNAndNonces(t *testing.T) {
	ir := parseFixture(t, "ir_req.der")
	ip := parseFixture(t, "ip_rsp.der")
	if !ip.Header.Sender.IsNullDN() {
		t.Errorf("ip sender = %q, want NULL-DN", ip.Header.Sender)
	}
	if !bytes.Equal(ip.Header.TransactionID, ir.Header.TransactionID) {
		t.Errorf("ip transactionID differs from ir")
	}
	if !bytes.Equal(ip.Header.RecipNonce, ir.Header.SenderNonce) {
		t.Errorf("ip recipNonce = %x, want ir senderNonce %x", ip.Header.RecipNonce, ir.Header.SenderNonce)
	}
	if !bytes.Equal(NullDN().Raw, []byte{0xa4, 0x02, 0x30, 0x00}) {
		t.Errorf("NullDN = %x", NullDN().Raw)
	}
}

func TestGeneralInfo(t *testing.T) {
	if m := parseFixture(t, "p10cr_req.der"); !m.Header.ImplicitConfirm() {
		t.Errorf("p10cr (sent with -implicit_confirm) has no implicitConfirm")
	}
	if m := parseFixture(t, "cp_rsp.der"); m.Header.ImplicitConfirm() {
		t.Errorf("cp grants implicitConfirm; the mock does not")
	}
	r := []byte{0x78, 0x58, 0xb4, 0x32, 0x83, 0x90, 0x80, 0x51, 0x29, 0xf0, 0x1c, 0x97, 0xfe, 0x6c, 0xa4, 0xa5, 0x20, 0xcb, 0xd4, 0x79}
	cwt := time.Date(2026, 11, 23, 16, 0, 0, 0, time.UTC)
	h := testHeader()
	h.GeneralInfo = []InfoTypeAndValue{ImplicitConfirmInfo(), ConfirmWaitTimeInfo(cwt), RandomNumInfo(r),
		{Type: []int{1, 2, 3, 4}, Value: []byte{0x04, 0x01, 0xff}}}
	h.FreeText = []string{"안녕하세요", "hello"}
	der, err := marshalHeader(&h)
	if err != nil {
		t.Fatal(err)
	}
	var got Header
	if err := parseHeader(der, &got); err != nil {
		t.Fatal(err)
	}
	if !got.ImplicitConfirm() {
		t.Errorf("implicitConfirm lost")
	}
	if tm, ok := got.ConfirmWaitTime(); !ok || !tm.Equal(cwt) {
		t.Errorf("ConfirmWaitTime = %v, %v", tm, ok)
	}
	gotR, found, err := got.RandomNum()
	if !found || err != nil || !bytes.Equal(gotR, r) {
		t.Errorf("RandomNum = %x, %v, %v; want %x", gotR, found, err, r)
	}
	if len(got.FreeText) != 2 || got.FreeText[0] != "안녕하세요" {
		t.Errorf("freeText = %q", got.FreeText)
	}
	// The R value: BIT STRING, 0 unused bits, 20 bytes (KOREAN-PKI.md section "VID").
	if want := append([]byte{0x03, 0x15, 0x00}, r...); !bytes.Equal(RandomNumInfo(r).Value, want) {
		t.Errorf("RandomNumInfo value = %x, want %x", RandomNumInfo(r).Value, want)
	}
}
