package kek

import (
	"bytes"
	"errors"
	"testing"

	"github.com/certcenter/certcenter/internal/testenv"
)

func exercise(t *testing.T, s Source) {
	t.Helper()
	key := []byte("a PKCS#8 private key, say")
	w, err := s.Wrap(key, []byte("line-1"))
	if err != nil {
		t.Fatalf("Wrap = %v", err)
	}
	if bytes.Contains(w, key) {
		t.Fatal("wrapped value holds the plaintext")
	}
	got, err := s.Unwrap(w, []byte("line-1"))
	if err != nil || !bytes.Equal(got, key) {
		t.Fatalf("Unwrap = %q, %v; want the key", got, err)
	}
	if _, err := s.Unwrap(w, []byte("line-2")); !errors.Is(err, ErrUnwrap) {
		t.Errorf("Unwrap(other binding) = %v, want ErrUnwrap", err)
	}
	w[len(w)-1] ^= 1
	if _, err := s.Unwrap(w, []byte("line-1")); !errors.Is(err, ErrUnwrap) {
		t.Errorf("Unwrap(tampered) = %v, want ErrUnwrap", err)
	}
	if _, err := s.Unwrap([]byte{1, 2}, nil); !errors.Is(err, ErrUnwrap) {
		t.Errorf("Unwrap(short) = %v, want ErrUnwrap", err)
	}
	p1, err := s.Pepper([]byte("123456"))
	if err != nil || len(p1) != 32 {
		t.Fatalf("Pepper = %x, %v", p1, err)
	}
	p2, _ := s.Pepper([]byte("123456"))
	p3, _ := s.Pepper([]byte("123457"))
	if !bytes.Equal(p1, p2) || bytes.Equal(p1, p3) {
		t.Error("Pepper is not a deterministic keyed function")
	}
}

func TestFile(t *testing.T) {
	s, err := NewFile([]byte("a CA key passphrase of some length"))
	if err != nil {
		t.Fatal(err)
	}
	exercise(t, s)
	// The same secret gives the same keys (wrapped keys survive a restart); another does not.
	w, _ := s.Wrap([]byte("k"), nil)
	s2, _ := NewFile([]byte("a CA key passphrase of some length"))
	if _, err := s2.Unwrap(w, nil); err != nil {
		t.Errorf("Unwrap after re-deriving = %v", err)
	}
	s3, _ := NewFile([]byte("another CA key passphrase entirely"))
	if _, err := s3.Unwrap(w, nil); !errors.Is(err, ErrUnwrap) {
		t.Errorf("Unwrap under another secret = %v, want ErrUnwrap", err)
	}
	if _, err := NewFile(nil); err == nil {
		t.Error("NewFile(empty secret) = nil error")
	}
}

// TestPKCS11 runs the same contract on SoftHSM2: the KEK is an AES key and the pepper an
// HMAC key inside the token, found again (not regenerated) on the next open.
func TestPKCS11(t *testing.T) {
	h := testenv.NewSoftHSM(t)
	cfg := PKCS11Config{Module: h.Module, TokenLabel: h.TokenLabel, PIN: h.PIN}
	s, err := OpenPKCS11(cfg)
	if err != nil {
		t.Fatalf("OpenPKCS11 = %v", err)
	}
	exercise(t, s)
	w, _ := s.Wrap([]byte("k"), nil)
	p, _ := s.Pepper([]byte("x"))
	s.Close()
	s2, err := OpenPKCS11(cfg)
	if err != nil {
		t.Fatalf("OpenPKCS11 again = %v", err)
	}
	defer s2.Close()
	if got, err := s2.Unwrap(w, nil); err != nil || string(got) != "k" {
		t.Errorf("Unwrap after reopening = %q, %v", got, err)
	}
	if p2, _ := s2.Pepper([]byte("x")); !bytes.Equal(p, p2) {
		t.Error("pepper changed after reopening: the key was regenerated")
	}
}
