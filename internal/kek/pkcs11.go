package kek

import (
	"crypto/cipher"
	"errors"
	"fmt"
	"os"

	"github.com/ThalesGroup/crypto11"
	"github.com/miekg/pkcs11"
)

// PKCS11 is the KEK and the pepper as two secret keys inside a PKCS#11 token: an AES-256
// key used with CKM_AES_GCM and an HMAC-SHA256 key. Neither ever leaves the token.
type PKCS11 struct {
	ctx    *crypto11.Context
	aead   cipher.AEAD
	pepper *crypto11.SecretKey
	token  string
	label  string
}

// PKCS11Config names the token and the label prefix of the two keys: <Label>-kek and
// <Label>-pepper. PIN is the user PIN itself (the caller resolved its reference).
type PKCS11Config struct {
	Module     string
	TokenLabel string
	PIN        string
	Label      string // default "certcenter-fincert"
}

// OpenPKCS11 logs in to the token and finds the two keys, generating them (CKA_SENSITIVE,
// not extractable) on first use.
func OpenPKCS11(cfg PKCS11Config) (*PKCS11, error) {
	if cfg.Label == "" {
		cfg.Label = "certcenter-fincert"
	}
	if _, err := os.Stat(cfg.Module); err != nil {
		return nil, fmt.Errorf("kek: pkcs11 module %s: %w (install the vendor's library, or softhsm2 for tests)", cfg.Module, errors.Unwrap(err))
	}
	ctx, err := crypto11.Configure(&crypto11.Config{Path: cfg.Module, TokenLabel: cfg.TokenLabel, Pin: cfg.PIN})
	if err != nil {
		return nil, fmt.Errorf("kek: open token %s: %w", cfg.TokenLabel, err)
	}
	p := &PKCS11{ctx: ctx, token: cfg.TokenLabel, label: cfg.Label}
	kek, err := findOrGenerate(ctx, cfg.Label+"-kek", 256, crypto11.CipherAES)
	if err == nil {
		p.aead, err = kek.NewGCM()
	}
	if err == nil {
		p.pepper, err = findOrGenerate(ctx, cfg.Label+"-pepper", 256, crypto11.CipherGeneric)
	}
	if err != nil {
		ctx.Close()
		return nil, fmt.Errorf("kek: token %s: %w", cfg.TokenLabel, err)
	}
	return p, nil
}

func findOrGenerate(ctx *crypto11.Context, label string, bits int, c *crypto11.SymmetricCipher) (*crypto11.SecretKey, error) {
	ks, err := ctx.FindKeys(nil, []byte(label))
	if err != nil {
		return nil, fmt.Errorf("find key %s: %w", label, err)
	}
	if len(ks) > 0 {
		return ks[0], nil
	}
	id := make([]byte, 16)
	if _, err := crypto11RandRead(ctx, id); err != nil {
		return nil, err
	}
	k, err := ctx.GenerateSecretKeyWithLabel(id, []byte(label), bits, c)
	if err != nil {
		return nil, fmt.Errorf("generate key %s: %w", label, err)
	}
	return k, nil
}

func crypto11RandRead(ctx *crypto11.Context, b []byte) (int, error) {
	r, err := ctx.NewRandomReader()
	if err != nil {
		return 0, err
	}
	return r.Read(b)
}

// Wrap implements Source. crypto11's AEAD panics on a token error; it is returned.
func (p *PKCS11) Wrap(plaintext, ad []byte) (out []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("kek: wrap in token %s: %v", p.token, r)
		}
	}()
	return seal(p.aead, plaintext, ad)
}

// Unwrap implements Source.
func (p *PKCS11) Unwrap(wrapped, ad []byte) ([]byte, error) {
	pt, err := open(p.aead, wrapped, ad)
	var p11 pkcs11.Error
	if err != nil && errors.As(err, &p11) {
		return nil, fmt.Errorf("kek: unwrap in token %s: %w", p.token, err)
	}
	return pt, err
}

// Pepper implements Source: the HMAC is computed inside the token.
func (p *PKCS11) Pepper(msg []byte) (out []byte, err error) {
	defer func() {
		if r := recover(); r != nil { // crypto11's Sum panics on a token error
			out, err = nil, fmt.Errorf("kek: pepper in token %s: %v", p.token, r)
		}
	}()
	h, err := p.pepper.NewHMAC(pkcs11.CKM_SHA256_HMAC, 32)
	if err != nil {
		return nil, fmt.Errorf("kek: pepper in token %s: %w", p.token, err)
	}
	if _, err := h.Write(msg); err != nil {
		return nil, fmt.Errorf("kek: pepper in token %s: %w", p.token, err)
	}
	return h.Sum(nil), nil
}

// Describe implements Source.
func (p *PKCS11) Describe() string {
	return fmt.Sprintf("pkcs11 token %s, keys %s-kek and %s-pepper", p.token, p.label, p.label)
}

// Close logs out of the token.
func (p *PKCS11) Close() error { return p.ctx.Close() }
