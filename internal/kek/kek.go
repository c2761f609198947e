// Package kek holds the financial certificate's key-encryption key and PIN pepper
// (KOREAN-PKI.md section 9: cloud keys are stored only wrapped under a key held in an
// HSM or a key file). It offers exactly two operations, wrap/unwrap with AES-256-GCM and
// an HMAC-SHA256 under the pepper, from one of two sources:
//
//   - PKCS#11 (production; SoftHSM2 in tests): an AES-256 key and an HMAC key generated
//     inside the token, non-extractable. A database dump plus the server's files is then
//     not enough to unwrap a key or test a PIN: the token must answer.
//   - File (the embedded default): both keys are derived with HKDF-SHA256 from the
//     secret that encrypts the CA key file (keys.passphrase, or the generated
//     ca-passphrase in the data folder). They are exactly as safe as the CA key: whoever
//     holds that secret can also sign certificates.
//
// kek deliberately does not touch the CA key: it never imports internal/signer or
// internal/issuance, and the CA key is never a KEK (internal/archtest checks both). Its
// keys are separate objects in the token, with their own labels. It does not store
// anything: wrapped keys live in the database (internal/cloudcert decides what).
package kek

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
)

// Source is a key-encryption key and a pepper. Implementations are safe for concurrent
// use. Wrap binds the ciphertext to ad: Unwrap with other ad fails (ErrUnwrap).
type Source interface {
	Wrap(plaintext, ad []byte) ([]byte, error)
	Unwrap(wrapped, ad []byte) ([]byte, error)
	// Pepper returns HMAC-SHA256(pepper key, msg).
	Pepper(msg []byte) ([]byte, error)
	// Describe names the source for logs: never key material.
	Describe() string
}

// ErrUnwrap means a wrapped value did not authenticate: another KEK, other associated
// data, or tampering.
var ErrUnwrap = errors.New("kek: wrapped value does not open (wrong key-encryption key, wrong binding or tampered)")

// wrapVersion prefixes every wrapped value: 0x01 || nonce(12) || AES-256-GCM ciphertext.
const wrapVersion = 1

func seal(aead cipher.AEAD, plaintext, ad []byte) ([]byte, error) {
	out := make([]byte, 1+aead.NonceSize(), 1+aead.NonceSize()+len(plaintext)+aead.Overhead())
	out[0] = wrapVersion
	if _, err := io.ReadFull(rand.Reader, out[1:]); err != nil {
		return nil, fmt.Errorf("kek: %w", err)
	}
	return aead.Seal(out, out[1:], plaintext, ad), nil
}

func open(aead cipher.AEAD, wrapped, ad []byte) ([]byte, error) {
	n := aead.NonceSize()
	if len(wrapped) < 1+n+aead.Overhead() || wrapped[0] != wrapVersion {
		return nil, ErrUnwrap
	}
	pt, err := aead.Open(nil, wrapped[1:1+n], wrapped[1+n:], ad)
	if err != nil {
		return nil, ErrUnwrap
	}
	return pt, nil
}

// File is the file key source's KEK and pepper, derived from the CA key file's secret.
type File struct {
	aead   cipher.AEAD
	pepper []byte
}

// NewFile derives the KEK and the pepper from secret, the passphrase of the CA key
// files. The same secret always gives the same keys, so wrapped keys survive restarts;
// changing that passphrase needs the cloud keys rewrapped (not implemented: say so in
// the operator's notes).
func NewFile(secret []byte) (*File, error) {
	// Any length is accepted: the KEK is as strong as the passphrase, which already
	// guards the CA key (a server must not fail to start over a passphrase it accepts).
	if len(secret) == 0 {
		return nil, errors.New("kek: the CA key passphrase is empty; it cannot key the financial certificates' KEK")
	}
	const salt = "certcenter fincert key source v1"
	kek, err := hkdf.Key(sha256.New, secret, []byte(salt), "key-encryption key", 32)
	if err != nil {
		return nil, err
	}
	pepper, err := hkdf.Key(sha256.New, secret, []byte(salt), "PIN pepper", 32)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(kek)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &File{aead: aead, pepper: pepper}, nil
}

// Wrap implements Source.
func (f *File) Wrap(plaintext, ad []byte) ([]byte, error) { return seal(f.aead, plaintext, ad) }

// Unwrap implements Source.
func (f *File) Unwrap(wrapped, ad []byte) ([]byte, error) { return open(f.aead, wrapped, ad) }

// Pepper implements Source.
func (f *File) Pepper(msg []byte) ([]byte, error) {
	m := hmac.New(sha256.New, f.pepper)
	m.Write(msg)
	return m.Sum(nil), nil
}

// Describe implements Source.
func (f *File) Describe() string { return "file (derived from the CA key passphrase)" }
