package issuance

import (
	"crypto"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/certcenter/certcenter/internal/signer"
)

// KeySource is where an authority keeps its keys: encrypted key files under a folder,
// or a PKCS#11 token. Keys are named by references stored with the certificates:
// "file:<path relative to Dir>" or "pkcs11:<key label>". This is the only way keys
// reach the authority: internal/ca sees crypto.Signers, never key material or signer.
type KeySource struct {
	Kind       string // "file" or "pkcs11"
	Dir        string // base folder of relative file references
	Passphrase string // secret reference (env:NAME or file:/path) for key files
	// PKCS#11 token.
	PKCS11Module string
	PKCS11Token  string
	PKCS11PIN    string // secret reference
}

// CAKeyBits is the modulus size of generated CA keys: RSA-2048, what the Korean CAs
// and the KISA root use (KOREAN-PKI.md section 6).
const CAKeyBits = 2048

func (ks KeySource) pkcs11Config(label string) *signer.PKCS11Config {
	return &signer.PKCS11Config{Module: ks.PKCS11Module, TokenLabel: ks.PKCS11Token, PIN: ks.PKCS11PIN, KeyLabel: label}
}

// Generate creates a new RSA key named name within the group (a bootstrap attempt id)
// and returns its reference. File keys go to Dir/keys-<group>/<name>.key (0600, never
// overwriting); token keys get the label certcenter-<group>-<name>.
func (ks KeySource) Generate(group, name string, bits int) (string, crypto.Signer, io.Closer, error) {
	switch ks.Kind {
	case "file":
		pass, err := signer.ResolveSecret(ks.Passphrase)
		if err != nil {
			return "", nil, nil, err
		}
		rel := filepath.ToSlash(filepath.Join("keys-"+group, name+".key"))
		if err := os.MkdirAll(filepath.Join(ks.Dir, "keys-"+group), 0o700); err != nil {
			return "", nil, nil, err
		}
		s, err := signer.GenerateFile(filepath.Join(ks.Dir, rel), bits, pass)
		if err != nil {
			return "", nil, nil, err
		}
		return "file:" + rel, s, io.NopCloser(nil), nil
	case "pkcs11":
		label := "certcenter-" + group + "-" + name
		hsm, err := signer.OpenPKCS11(*ks.pkcs11Config(""))
		if err != nil {
			return "", nil, nil, err
		}
		s, err := hsm.GenerateRSA(label, bits)
		if err != nil {
			hsm.Close()
			return "", nil, nil, err
		}
		return "pkcs11:" + label, s, hsm, nil
	}
	return "", nil, nil, fmt.Errorf("issuance: key source %q is not file or pkcs11", ks.Kind)
}

// Ref is the reference Generate gives the key name of group.
func (ks KeySource) Ref(group, name string) string {
	if ks.Kind == "pkcs11" {
		return "pkcs11:certcenter-" + group + "-" + name
	}
	return "file:" + filepath.ToSlash(filepath.Join("keys-"+group, name+".key"))
}

// Create makes a new RSA key at the place a reference names: "file:/path" (absolute,
// or relative to Dir), encrypted under the passphrase, or "pkcs11:LABEL" in the token.
// It never replaces a key (signer.ErrKeyExists). The root key of `certcenter root
// init` is made so, where the operator keeps it rather than in a bootstrap folder.
func (ks KeySource) Create(ref string, bits int) (crypto.Signer, io.Closer, error) {
	switch {
	case strings.HasPrefix(ref, "file:"):
		path := strings.TrimPrefix(ref, "file:")
		if !filepath.IsAbs(path) {
			path = filepath.Join(ks.Dir, filepath.FromSlash(path))
		}
		pass, err := signer.ResolveSecret(ks.Passphrase)
		if err != nil {
			return nil, nil, err
		}
		s, err := signer.GenerateFile(path, bits, pass)
		if err != nil {
			return nil, nil, err
		}
		return s, io.NopCloser(nil), nil
	case strings.HasPrefix(ref, "pkcs11:"):
		hsm, err := signer.OpenPKCS11(*ks.pkcs11Config(""))
		if err != nil {
			return nil, nil, err
		}
		s, err := hsm.GenerateRSA(strings.TrimPrefix(ref, "pkcs11:"), bits)
		if err != nil {
			hsm.Close()
			return nil, nil, err
		}
		return s, hsm, nil
	}
	return nil, nil, fmt.Errorf("issuance: key reference %q is not file: or pkcs11:", ref)
}

// IsKeyExists reports whether err says a key is already where a new one was to go.
func IsKeyExists(err error) bool { return errors.Is(err, signer.ErrKeyExists) }

// Open opens the key a reference names.
func (ks KeySource) Open(ref string) (crypto.Signer, io.Closer, error) {
	switch {
	case strings.HasPrefix(ref, "file:"):
		path := strings.TrimPrefix(ref, "file:")
		if !filepath.IsAbs(path) {
			path = filepath.Join(ks.Dir, filepath.FromSlash(path))
		}
		s, c, err := signer.Open(signer.Spec{File: path, Passphrase: ks.Passphrase})
		return s, c, err
	case strings.HasPrefix(ref, "pkcs11:"):
		s, c, err := signer.Open(signer.Spec{PKCS11: ks.pkcs11Config(strings.TrimPrefix(ref, "pkcs11:"))})
		return s, c, err
	}
	return nil, nil, fmt.Errorf("issuance: key reference %q is not file: or pkcs11:", ref)
}

// Discard removes the file keys of an abandoned bootstrap attempt. Token keys of an
// abandoned attempt stay (they are unreferenced and harmless; HSM policy may forbid
// deletion).
func (ks KeySource) Discard(group string) error {
	if ks.Kind != "file" || group == "" || strings.ContainsAny(group, `/\.`) {
		return nil
	}
	err := os.RemoveAll(filepath.Join(ks.Dir, "keys-"+group))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return err
}

// CheckSubscriberKey applies the subscriber key rules (RSA, at least MinRSABits,
// exponent 65537) without preparing anything, so callers can refuse a request before
// they reserve a serial.
func CheckSubscriberKey(pub crypto.PublicKey) error { return checkSubscriberKey(pub) }
