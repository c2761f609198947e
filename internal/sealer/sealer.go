// Package sealer encrypts personal data and enrollment secrets at rest (identity numbers,
// authorization codes) with AES-256-GCM under a key from the configuration. Each sealed
// value is bound to its purpose and its row by associated data, so a ciphertext copied to
// another row or field does not open. Sealed form: 0x01 || nonce(12) || ciphertext+tag.
//
// sealer does not manage key rotation beyond the version byte, and never logs.
package sealer

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

const version = 1

// ErrOpen means a sealed value did not authenticate: wrong key, wrong binding or tampering.
var ErrOpen = errors.New("sealer: sealed value does not open (wrong key or tampered)")

// Sealer seals and opens values. It is safe for concurrent use.
type Sealer struct {
	aead   cipher.AEAD
	macKey []byte // see mac.go
}

// New returns a Sealer for a 32-byte key.
func New(key []byte) (*Sealer, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("sealer: key is %d bytes, want 32", len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Sealer{aead: aead, macKey: deriveMACKey(key)}, nil
}

func ad(purpose, binding string) []byte { return []byte(purpose + "\x00" + binding) }

// Seal encrypts plaintext for a purpose ("idn", "authcode") bound to a row id.
func (s *Sealer) Seal(purpose, binding string, plaintext []byte) ([]byte, error) {
	out := make([]byte, 1+s.aead.NonceSize(), 1+s.aead.NonceSize()+len(plaintext)+s.aead.Overhead())
	out[0] = version
	if _, err := io.ReadFull(rand.Reader, out[1:]); err != nil {
		return nil, fmt.Errorf("sealer: %w", err)
	}
	return s.aead.Seal(out, out[1:], plaintext, ad(purpose, binding)), nil
}

// Open decrypts a sealed value; ErrOpen if it does not authenticate.
func (s *Sealer) Open(purpose, binding string, sealed []byte) ([]byte, error) {
	n := s.aead.NonceSize()
	if len(sealed) < 1+n+s.aead.Overhead() || sealed[0] != version {
		return nil, ErrOpen
	}
	pt, err := s.aead.Open(nil, sealed[1:1+n], sealed[1+n:], ad(purpose, binding))
	if err != nil {
		return nil, ErrOpen
	}
	return pt, nil
}

// ParseKey decodes a key file's content: 64 hex digits, surrounding space ignored.
func ParseKey(content []byte) ([]byte, error) {
	k, err := hex.DecodeString(strings.TrimSpace(string(content)))
	if err != nil || len(k) != 32 {
		return nil, errors.New("sealer: the secrets key must be 32 bytes written as 64 hex digits")
	}
	return k, nil
}

// LoadOrCreateKeyFile reads a hex key file, creating it (mode 0600) with a random key
// when it does not exist. Used by the demo bootstrap.
func LoadOrCreateKeyFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err == nil {
		return ParseKey(b)
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("sealer: %w", err)
	}
	k := make([]byte, 32)
	if _, err := io.ReadFull(rand.Reader, k); err != nil {
		return nil, err
	}
	if err := WriteFileAtomic(path, []byte(hex.EncodeToString(k)+"\n"), 0o600); err != nil {
		return nil, err
	}
	return k, nil
}

// WriteFileAtomic writes data to path through a synced temporary file and a rename, so a
// crash leaves either the old content or the new, never a half-written file. It refuses
// to replace an existing file.
func WriteFileAtomic(path string, data []byte, mode os.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if err := f.Chmod(mode); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	// Link fails if path exists: no silent overwrite.
	if err := os.Link(tmp, path); err != nil {
		return err
	}
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}
