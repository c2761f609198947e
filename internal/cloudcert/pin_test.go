package cloudcert

import (
	"bytes"
	"crypto/rsa"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/errs"
)

func TestCheckPINPolicy(t *testing.T) {
	const idn = "8501011234567" // born 1985-01-01
	for _, tc := range []struct {
		pin  string
		weak bool
	}{
		{"135790", false}, {"246813", false}, {"902417", false},
		{"000000", true}, {"777777", true}, // one digit
		{"123456", true}, {"654321", true}, {"890123", true}, {"321098", true}, // runs, wrapping too
		{"121212", true}, {"123123", true}, // repeated patterns
		{"850101", true}, {"010185", true}, // birth date, YYMMDD and MMDDYY
		{"12345", true}, {"1234567", true}, {"12a456", true}, {"", true}, {"１２３４５６", true},
	} {
		err := CheckPINPolicy(tc.pin, idn)
		if tc.weak != (err != nil) {
			t.Errorf("CheckPINPolicy(%q) = %v, want weak=%v", tc.pin, err, tc.weak)
		}
		if err != nil && errs.CodeOf(err) != errs.FinCertPINWeak {
			t.Errorf("CheckPINPolicy(%q) code = %s", tc.pin, errs.CodeOf(err))
		}
	}
}

type fakeKeys struct{ pepper []byte }

func (f fakeKeys) Wrap(p, ad []byte) ([]byte, error) {
	return append(append([]byte{}, ad...), p...), nil
}
func (f fakeKeys) Unwrap(w, ad []byte) ([]byte, error) { return bytes.TrimPrefix(w, ad), nil }
func (f fakeKeys) Pepper(m []byte) ([]byte, error) {
	return append(append([]byte{}, f.pepper...), m...), nil
}

// The verifier depends on the pepper and the line: the same PIN under another pepper or
// on another line gives another verifier.
func TestPINVerifier(t *testing.T) {
	s := &Service{keys: fakeKeys{pepper: []byte("p1")}}
	v, _ := s.pinVerifier("fcl_a", "135790")
	if err := s.matchPIN("fcl_a", "135790", v); err != nil {
		t.Errorf("right PIN = %v", err)
	}
	if err := s.matchPIN("fcl_a", "135791", v); err != errPINMismatch {
		t.Errorf("wrong PIN = %v", err)
	}
	if err := s.matchPIN("fcl_b", "135790", v); err != errPINMismatch {
		t.Errorf("other line = %v", err)
	}
	if err := s.matchPIN("fcl_a", "135790", nil); err != errPINMismatch {
		t.Errorf("no PIN set = %v", err)
	}
	other := &Service{keys: fakeKeys{pepper: []byte("p2")}}
	if err := other.matchPIN("fcl_a", "135790", v); err != errPINMismatch {
		t.Errorf("another pepper = %v", err)
	}
}

func TestKeyCache(t *testing.T) {
	var c keyCache
	now := time.Unix(1_800_000_000, 0)
	k := new(rsa.PrivateKey)
	c.put("fcl_a\x00h1", k, now)
	if c.get("fcl_a\x00h1", now.Add(time.Minute)) != k {
		t.Error("cached key not found")
	}
	if c.get("fcl_a\x00h1", now.Add(time.Minute+keyCacheTTL+time.Second)) != nil {
		t.Error("key kept past its TTL")
	}
	c.put("fcl_a\x00h2", k, now)
	c.put("fcl_ab\x00h3", k, now)
	c.drop("fcl_a")
	if c.get("fcl_a\x00h2", now) != nil || c.get("fcl_ab\x00h3", now) == nil {
		t.Error("drop removed the wrong keys")
	}
}
