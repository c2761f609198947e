package signer

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Key files are PEM "ENCRYPTED PRIVATE KEY" blocks: a PKCS#8 EncryptedPrivateKeyInfo
// (RFC 5958) protected with PBES2 (RFC 8018), PBKDF2-HMAC-SHA256 and AES-256-CBC. That
// is what `openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf hmacWithSHA256` writes and what
// `openssl pkey -passin` reads, so an operator can inspect, re-encrypt or move a key into
// an HSM with standard tools.

const (
	// pemEncrypted is the PEM type of an EncryptedPrivateKeyInfo (RFC 7468 section 11).
	pemEncrypted = "ENCRYPTED PRIVATE KEY"
	// maxKeyFileSize bounds what LoadFile reads: an encrypted RSA-8192 key is under 7 KB.
	maxKeyFileSize = 64 << 10
	// minPassphraseLen applies to new key files only. Twelve characters is the floor
	// NIST SP 800-63B's successors and most CA key ceremonies use for an offline secret;
	// existing files (LoadFile) are accepted whatever their passphrase.
	minPassphraseLen = 12
)

// LoadFile reads and decrypts a key file and checks the key against the CA key policy
// (RSA ≥ 2048 bits, ECDSA P-256 or P-384). Errors wrap ErrWrongPassphrase when the
// passphrase does not decrypt the file (or the ciphertext is damaged, which AES-CBC
// cannot tell apart), ErrCorruptKeyFile when the file is not an encrypted PKCS#8 PEM
// file we can parse, and ErrKeyPolicy for an unencrypted file or a disallowed key.
func LoadFile(path string, passphrase []byte) (Signer, error) {
	data, err := readLimited(path)
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, fmt.Errorf("%w: %s: no PEM block (expected %q)", ErrCorruptKeyFile, path, pemEncrypted)
	}
	switch {
	case block.Type == pemEncrypted:
	case block.Type == "PRIVATE KEY" || block.Type == "RSA PRIVATE KEY" || block.Type == "EC PRIVATE KEY":
		// Legacy "Proc-Type: 4,ENCRYPTED" PEM lands here too: its MD5-based KDF is
		// too weak to keep a CA key.
		return nil, fmt.Errorf("%w: %s holds an unencrypted or legacy-encrypted %q key; a CA key file must be PKCS#8 with PBES2 "+
			"(openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf hmacWithSHA256 -in OLD -out NEW)", ErrKeyPolicy, path, block.Type)
	default:
		return nil, fmt.Errorf("%w: %s: PEM type %q, expected %q", ErrCorruptKeyFile, path, block.Type, pemEncrypted)
	}
	pki, err := decryptPKCS8(path, block.Bytes, passphrase)
	if err != nil {
		return nil, err
	}
	key, err := x509.ParsePKCS8PrivateKey(pki)
	clear(pki)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: decrypted, but the key does not parse: %v", ErrCorruptKeyFile, path, err)
	}
	s, ok := key.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("%w: %s: %T cannot sign", ErrKeyPolicy, path, key)
	}
	return describeFile(s, path)
}

func readLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("signer: key file: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxKeyFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("signer: key file: %w", err)
	}
	if len(data) > maxKeyFileSize {
		return nil, fmt.Errorf("%w: %s is larger than %d bytes", ErrCorruptKeyFile, path, maxKeyFileSize)
	}
	return data, nil
}

func describeFile(s crypto.Signer, path string) (Signer, error) {
	alg, err := checkPolicy(s.Public())
	if err != nil {
		return nil, fmt.Errorf("%w (key file %s)", err, path)
	}
	return &described{Signer: s, desc: fmt.Sprintf("file %s (%s)", path, alg)}, nil
}

// GenerateFile creates an RSA key of the given size and writes it encrypted under
// passphrase to path with mode 0600. It refuses to replace an existing file
// (ErrKeyExists): overwriting a CA key is unrecoverable. The file appears atomically
// and complete: it is written and synced under a temporary name in the same directory,
// then hard-linked into place, which (unlike rename) fails if path was created in the
// meantime.
func GenerateFile(path string, bits int, passphrase []byte) (Signer, error) {
	if bits < minRSABits {
		return nil, fmt.Errorf("%w: RSA-%d is below the %d-bit minimum", ErrKeyPolicy, bits, minRSABits)
	}
	if len(passphrase) < minPassphraseLen {
		return nil, fmt.Errorf("signer: passphrase for a new key file must be at least %d bytes", minPassphraseLen)
	}
	// Fail before spending seconds on key generation.
	if _, err := os.Lstat(path); err == nil {
		return nil, fmt.Errorf("%w: %s exists (move it away first; a CA key is never overwritten)", ErrKeyExists, path)
	}
	key, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		return nil, fmt.Errorf("signer: generate RSA-%d: %w", bits, err)
	}
	pki, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("signer: marshal key: %w", err)
	}
	enc, err := encryptPKCS8(pki, passphrase)
	clear(pki)
	if err != nil {
		return nil, fmt.Errorf("signer: encrypt key: %w", err)
	}
	if err := writeNew(path, pem.EncodeToMemory(&pem.Block{Type: pemEncrypted, Bytes: enc})); err != nil {
		return nil, err
	}
	return describeFile(key, path)
}

// writeNew writes data to a new file at path, mode 0600, atomically; see GenerateFile.
func writeNew(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".signer-*.tmp") // CreateTemp uses mode 0600
	if err != nil {
		return fmt.Errorf("signer: write key file: %w", err)
	}
	defer func() {
		tmp.Close()
		os.Remove(tmp.Name())
	}()
	if _, err := tmp.Write(data); err != nil {
		return fmt.Errorf("signer: write key file: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("signer: write key file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("signer: write key file: %w", err)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%w: %s exists (move it away first; a CA key is never overwritten)", ErrKeyExists, path)
		}
		return fmt.Errorf("signer: write key file: %w", err)
	}
	// Sync the directory so the new name survives a crash.
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}
