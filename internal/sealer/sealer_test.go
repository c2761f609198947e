package sealer

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestSealOpen(t *testing.T) {
	s, err := New(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	ct, err := s.Seal("idn", "ref-1", []byte("8001011234567"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(ct, []byte("8001011234567")) {
		t.Fatal("ciphertext contains the plaintext")
	}
	pt, err := s.Open("idn", "ref-1", ct)
	if err != nil || string(pt) != "8001011234567" {
		t.Fatalf("Open = %q, %v", pt, err)
	}
	// Bound to purpose and row; tampering and other keys fail.
	for name, open := range map[string]func() ([]byte, error){
		"other row":     func() ([]byte, error) { return s.Open("idn", "ref-2", ct) },
		"other purpose": func() ([]byte, error) { return s.Open("authcode", "ref-1", ct) },
		"tampered": func() ([]byte, error) {
			c := bytes.Clone(ct)
			c[len(c)-1] ^= 1
			return s.Open("idn", "ref-1", c)
		},
		"truncated": func() ([]byte, error) { return s.Open("idn", "ref-1", ct[:10]) },
		"other key": func() ([]byte, error) {
			o, _ := New(bytes.Repeat([]byte{8}, 32))
			return o.Open("idn", "ref-1", ct)
		},
	} {
		if _, err := open(); !errors.Is(err, ErrOpen) {
			t.Errorf("%s: Open error = %v, want ErrOpen", name, err)
		}
	}
	if _, err := New([]byte("short")); err == nil {
		t.Error("New(short key) succeeded")
	}
}

func TestKeyFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "sub", "secrets.key")
	k1, err := LoadOrCreateKeyFile(p)
	if err != nil {
		t.Fatal(err)
	}
	k2, err := LoadOrCreateKeyFile(p)
	if err != nil || !bytes.Equal(k1, k2) {
		t.Fatalf("second load = %x, %v; want %x", k2, err, k1)
	}
	fi, _ := os.Stat(p)
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode = %v, want 0600", fi.Mode().Perm())
	}
	if err := WriteFileAtomic(p, []byte("x"), 0o600); err == nil {
		t.Error("WriteFileAtomic replaced an existing file")
	}
	os.WriteFile(p, []byte("not hex"), 0o600)
	if _, err := LoadOrCreateKeyFile(p); err == nil {
		t.Error("a corrupt key file loaded")
	}
}

func TestMAC(t *testing.T) {
	k1, k2 := make([]byte, 32), make([]byte, 32)
	k2[0] = 1
	s1, _ := New(k1)
	s2, _ := New(k2)
	a := s1.MAC("idn", []byte("8001011234567"))
	if !bytes.Equal(a, s1.MAC("idn", []byte("8001011234567"))) {
		t.Error("MAC is not deterministic")
	}
	if bytes.Equal(a, s2.MAC("idn", []byte("8001011234567"))) || bytes.Equal(a, s1.MAC("otp", []byte("8001011234567"))) {
		t.Error("MAC ignores the key or the purpose")
	}
	if bytes.Equal(s1.MAC("x", []byte("ab"), []byte("c")), s1.MAC("x", []byte("a"), []byte("bc"))) {
		t.Error("MAC parts are ambiguous")
	}
}
