package signer

import (
	"errors"
	"fmt"
	"io"
)

// Spec describes where a CA key lives, as written in the config file. Exactly one of
// File and PKCS11 is set.
//
// The toml tags match the strict decoder internal/config uses; field names in errors
// from Validate are these keys.
type Spec struct {
	// File is the path of a PEM "ENCRYPTED PRIVATE KEY" file (see LoadFile).
	File string `toml:"file"`
	// Passphrase is a secret reference (env:NAME or file:/path) for File.
	Passphrase string `toml:"passphrase"`

	// PKCS11 selects a key pair inside a PKCS#11 token.
	PKCS11 *PKCS11Config `toml:"pkcs11"`
}

// PKCS11Config selects a PKCS#11 token and, for Open, a key pair in it.
type PKCS11Config struct {
	// Module is the path of the vendor's PKCS#11 shared library,
	// e.g. /usr/lib/softhsm/libsofthsm2.so.
	Module string `toml:"module"`
	// TokenLabel selects the token by label; Slot by slot ID. Set exactly one.
	TokenLabel string `toml:"token_label"`
	Slot       *uint  `toml:"slot"`
	// PIN is a secret reference (env:NAME or file:/path) for the user PIN.
	PIN string `toml:"pin"`
	// KeyLabel is the CKA_LABEL of the key pair Open returns. OpenPKCS11 ignores it:
	// an HSM holds many keys and the caller names one in (*HSM).Signer.
	KeyLabel string `toml:"key_label"`
}

// Validate checks the spec's shape without touching files, environment or tokens, so
// that `certcenter config check` can report every mistake at once. Messages name the
// config keys.
func (s Spec) Validate() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("signer: "+format, args...))
	}
	switch {
	case s.File != "" && s.PKCS11 != nil:
		bad("set either file or pkcs11, not both")
	case s.File == "" && s.PKCS11 == nil:
		bad("no key source: set file (with passphrase) or pkcs11")
	case s.File != "":
		if s.Passphrase == "" {
			bad("passphrase is required with file (env:NAME or file:/path)")
		}
	default:
		p := s.PKCS11
		if s.Passphrase != "" {
			bad("passphrase belongs to file; a token's PIN is pkcs11.pin")
		}
		if p.Module == "" {
			bad("pkcs11.module is required (path of the PKCS#11 library)")
		}
		if (p.TokenLabel == "") == (p.Slot == nil) {
			bad("set exactly one of pkcs11.token_label and pkcs11.slot")
		}
		if p.PIN == "" {
			bad("pkcs11.pin is required (env:NAME or file:/path)")
		}
		if p.KeyLabel == "" {
			bad("pkcs11.key_label is required")
		}
	}
	return errors.Join(errs...)
}

// Open opens the key the spec describes and checks it against the CA key policy. The
// Closer releases the token session for PKCS#11 keys; for key files it does nothing
// (Go cannot reliably erase a key from memory, so we do not pretend to). Close it after
// the last Sign.
func Open(spec Spec) (Signer, io.Closer, error) {
	if err := spec.Validate(); err != nil {
		return nil, nil, err
	}
	if spec.File != "" {
		pass, err := ResolveSecret(spec.Passphrase)
		if err != nil {
			return nil, nil, fmt.Errorf("%w (passphrase for %s)", err, spec.File)
		}
		s, err := LoadFile(spec.File, pass)
		clear(pass)
		if err != nil {
			return nil, nil, err
		}
		return s, nopCloser{}, nil
	}
	hsm, err := OpenPKCS11(*spec.PKCS11)
	if err != nil {
		return nil, nil, err
	}
	s, err := hsm.Signer(spec.PKCS11.KeyLabel)
	if err != nil {
		hsm.Close()
		return nil, nil, err
	}
	return s, hsm, nil
}

type nopCloser struct{}

func (nopCloser) Close() error { return nil }
