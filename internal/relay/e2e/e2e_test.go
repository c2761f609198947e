package e2e

import (
	"bytes"
	"errors"
	"testing"
)

func agree(t *testing.T, own *KeyPair, peer, rPub, sPub []byte, code string) *Channel {
	t.Helper()
	c, err := own.Agree(peer, rPub, sPub, code)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestChannel(t *testing.T) {
	r, _ := NewKeyPair()
	s, _ := NewKeyPair()
	const code = "123456789012"
	rc := agree(t, r, s.Public(), r.Public(), s.Public(), code)
	sc := agree(t, s, r.Public(), r.Public(), s.Public(), code)
	if rc.Confirmation != sc.Confirmation || len(rc.Confirmation) != 6 {
		t.Fatalf("confirmation numbers %q and %q, want the same six digits", rc.Confirmation, sc.Confirmation)
	}
	ct, err := sc.Seal([]byte("key file"))
	if err != nil {
		t.Fatal(err)
	}
	if pt, err := rc.Open(ct); err != nil || !bytes.Equal(pt, []byte("key file")) {
		t.Fatalf("Open(Seal(x)) = %q, %v", pt, err)
	}
	ct[len(ct)-1] ^= 1
	if _, err := rc.Open(ct); !errors.Is(err, ErrDecrypt) {
		t.Errorf("Open(tampered) = %v, want ErrDecrypt", err)
	}

	// Another code: other numbers, and no decryption.
	other := agree(t, r, s.Public(), r.Public(), s.Public(), "123456789013")
	if other.Confirmation == sc.Confirmation {
		t.Errorf("a different code gave the same confirmation number")
	}
	ct, _ = sc.Seal([]byte("x"))
	if _, err := other.Open(ct); !errors.Is(err, ErrDecrypt) {
		t.Errorf("Open with another code's key = %v, want ErrDecrypt", err)
	}
}

// A relay that puts its own keys in the middle has one channel with each device; the
// two devices then show different numbers.
func TestManInTheMiddleShowsDifferentNumbers(t *testing.T) {
	const code = "000011112222"
	r, _ := NewKeyPair()
	s, _ := NewKeyPair()
	m1, _ := NewKeyPair() // posing as the sender to r
	m2, _ := NewKeyPair() // posing as the receiver to s
	rc := agree(t, r, m1.Public(), r.Public(), m1.Public(), code)
	sc := agree(t, s, m2.Public(), m2.Public(), s.Public(), code)
	if rc.Confirmation == sc.Confirmation {
		t.Errorf("both devices show %s with a relay in the middle (1 in 10^6: rerun)", rc.Confirmation)
	}
	if !CheckCommitment(r.Public(), Commitment(r.Public())) || CheckCommitment(m2.Public(), Commitment(r.Public())) {
		t.Errorf("CheckCommitment does not tell the committed key from another")
	}
}

func TestPayload(t *testing.T) {
	b, err := MarshalPayload(Payload{Folder: "yessign/USER/cn=x", SignCert: []byte{1}, SignKey: []byte{2}})
	if err != nil {
		t.Fatal(err)
	}
	p, err := ParsePayload(b)
	if err != nil || p.Folder != "yessign/USER/cn=x" || !bytes.Equal(p.SignKey, []byte{2}) {
		t.Fatalf("ParsePayload() = %+v, %v", p, err)
	}
	for _, bad := range []string{`{}`, `{"v":2,"signCert":"AQ==","signKey":"Ag=="}`, `{"v":1,"signCert":"AQ=="}`,
		`{"v":1,"signCert":"AQ==","signKey":"Ag==","kmCert":"AQ=="}`, `[`} {
		if _, err := ParsePayload([]byte(bad)); err == nil {
			t.Errorf("ParsePayload(%s) = nil error", bad)
		}
	}
}

// The receiver's outcome opens on the sender's side only as an outcome: the sender's own
// payload handed back does not pass for one, nor an outcome for a payload.
func TestOutcome(t *testing.T) {
	r, _ := NewKeyPair()
	s, _ := NewKeyPair()
	const code = "123456789012"
	rc := agree(t, r, s.Public(), r.Public(), s.Public(), code)
	sc := agree(t, s, r.Public(), r.Public(), s.Public(), code)
	pt, err := MarshalOutcome(Outcome{Reason: OutcomeExists, Folder: "yessign/USER/cn=x"})
	if err != nil {
		t.Fatal(err)
	}
	ct, err := rc.SealOutcome(pt)
	if err != nil {
		t.Fatal(err)
	}
	got, err := sc.OpenOutcome(ct)
	if err != nil {
		t.Fatalf("OpenOutcome(SealOutcome(x)) = %v", err)
	}
	o, err := ParseOutcome(got)
	if err != nil || o.Stored || o.Reason != OutcomeExists || o.Folder != "yessign/USER/cn=x" {
		t.Errorf("ParseOutcome = %+v, %v", o, err)
	}
	if _, err := sc.Open(ct); !errors.Is(err, ErrDecrypt) {
		t.Errorf("an outcome opened as a payload: %v", err)
	}
	payload, _ := sc.Seal([]byte(`{"v":1,"stored":true}`))
	if _, err := sc.OpenOutcome(payload); !errors.Is(err, ErrDecrypt) {
		t.Errorf("the sender's own payload opened as an outcome: %v", err)
	}
	if _, err := ParseOutcome([]byte(`{"v":2}`)); err == nil {
		t.Errorf("ParseOutcome(version 2) = nil error")
	}
}
