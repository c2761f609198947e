package cmp

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzParsePKIMessage: go test ./cmp/ -run '^$' -fuzz FuzzParsePKIMessage -fuzztime 15s
func FuzzParsePKIMessage(f *testing.F) {
	for _, fx := range fixtures {
		f.Add(readFixture(f, fx.file))
	}
	pub := readCertFixture(f, "srv.crt").PublicKey
	f.Fuzz(func(t *testing.T, der []byte) {
		m, err := Parse(der)
		if err != nil {
			return
		}
		again, err := m.Marshal()
		if err != nil {
			return // e.g. a body we keep raw but cannot re-encode; never a panic
		}
		m2, err := Parse(again)
		if err != nil {
			t.Fatalf("Parse(Marshal(Parse(x))) = %v", err)
		}
		if again2, err := m2.Marshal(); err != nil || !bytes.Equal(again, again2) {
			t.Fatalf("Marshal is not stable (err %v)", err)
		}
		// Exercise the helpers a server calls on untrusted input.
		m.Header.ImplicitConfirm()
		m.Header.RandomNum()
		m.Header.ConfirmWaitTime()
		_ = m.Header.Sender.String()
		if p, err := m.PBMParameter(); err == nil && p.IterationCount <= 1000 {
			m.VerifyPBM([]byte("enroll-secret"))
		}
		m.VerifySignature(pub)
		for i := range m.Body.CertReqs {
			VerifyPOP(&m.Body.CertReqs[i], false)
			m.Body.CertReqs[i].OldCertID()
			m.Body.CertReqs[i].RandomNum()
			m.Body.CertReqs[i].Template.SubjectName()
		}
		for i := range m.Body.RevReqs {
			m.Body.RevReqs[i].Reason()
		}
	})
}

func TestParseLimits(t *testing.T) {
	big := make([]byte, MaxMessageSize+1)
	big[0] = 0x30
	if _, err := Parse(big); !errors.Is(err, ErrTooLarge) {
		t.Errorf("Parse(%d bytes) = %v, want ErrTooLarge", len(big), err)
	}
	// 1000 nested SEQUENCEs: 30 82 xx xx ... (long-form lengths keep it valid DER).
	deep := []byte{0x30, 0x00}
	for i := 0; i < 1000; i++ {
		n := len(deep)
		switch {
		case n < 0x80:
			deep = append([]byte{0x30, byte(n)}, deep...)
		case n < 0x100:
			deep = append([]byte{0x30, 0x81, byte(n)}, deep...)
		default:
			deep = append([]byte{0x30, 0x82, byte(n >> 8), byte(n)}, deep...)
		}
	}
	if _, err := Parse(deep); !errors.Is(err, ErrTooLarge) {
		t.Errorf("Parse(1000 nested SEQUENCEs) = %v, want ErrTooLarge", err)
	}
	for _, in := range [][]byte{nil, {}, {0x30}, {0x30, 0x80, 0x00, 0x00}, {0x30, 0x00}, {0x30, 0x00, 0x00}} {
		if _, err := Parse(in); !errors.Is(err, ErrMalformed) {
			t.Errorf("Parse(%x) = %v, want ErrMalformed", in, err)
		}
	}
	// Every truncation of a real message fails cleanly.
	der := readFixture(t, "kup_rsp.der")
	for i := 0; i < len(der); i++ {
		if _, err := Parse(der[:i]); err == nil {
			t.Fatalf("Parse(kup_rsp[:%d]) succeeded", i)
		}
	}
}

func TestParseUnsupportedVersion(t *testing.T) {
	der := readFixture(t, "ir_req.der")
	der[9] = 1 // pvno INTEGER at offset 7: 02 01 02
	if _, err := Parse(der); !errors.Is(err, ErrUnsupportedVersion) || FailureInfoOf(err) != FailUnsupportedVersion {
		t.Errorf("Parse(pvno 1) = %v, want ErrUnsupportedVersion", err)
	}
}

func TestParseUnknownBodyKeptRaw(t *testing.T) {
	// Turn pkiconf [19] NULL into pollReq [25] SEQUENCE {}: parsed as raw, re-encoded as is.
	der := readFixture(t, "pkiconf_rsp.der")
	i := bytes.Index(der, []byte{0xb3, 0x02, 0x05, 0x00})
	if i < 0 {
		t.Fatal("pkiconf body not found")
	}
	copy(der[i:], []byte{0xb9, 0x02, 0x30, 0x00})
	m, err := Parse(der)
	if err != nil {
		t.Fatal(err)
	}
	if m.Body.Type != BodyPollReq || m.Body.Type.String() != "pollReq" {
		t.Errorf("type = %v", m.Body.Type)
	}
	if again, err := m.Marshal(); err != nil || !bytes.Equal(again, der) {
		t.Errorf("Marshal = %v", err)
	}
}
