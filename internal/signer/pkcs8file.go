package signer

import (
	"crypto"
	"errors"
	"fmt"

	"github.com/certcenter/certcenter/npki"
)

// pbkdf2Iterations for new key files. OWASP's Password Storage Cheat Sheet (2023) asks
// 600,000 iterations of PBKDF2-HMAC-SHA256 for passwords. npki's default (100,000) is
// tuned for users who open their key on phones many times a day; a CA key is opened once
// when the process starts, so a few hundred milliseconds buy six times the guessing cost
// for someone holding a stolen backup, for nothing.
const pbkdf2Iterations = 600_000

// encryptPKCS8 encrypts a PrivateKeyInfo the way `openssl pkcs8 -topk8 -v2 aes-256-cbc
// -v2prf hmacWithSHA256` does. The PBES2 code is npki's: one implementation for user key
// files and CA key files.
func encryptPKCS8(pki, passphrase []byte) ([]byte, error) {
	return npki.EncryptPKCS8(pki, passphrase, &npki.EncryptOptions{
		Scheme:     npki.PBES2,
		PRF:        crypto.SHA256,
		Cipher:     npki.AES256CBC,
		Iterations: pbkdf2Iterations,
		// npki's password policy is KISA's rule for subscribers' signPri.key (ASCII
		// only, letter+digit+special). A CA passphrase is a machine secret, often a
		// diceware phrase with spaces or base64 from `openssl rand`; GenerateFile applies
		// its own length rule instead. The option's name says "existing"; npki has no
		// other way to say "caller's policy applies".
		ExistingPassword: true,
	})
}

// decryptPKCS8 returns the PrivateKeyInfo inside an EncryptedPrivateKeyInfo, mapping
// npki's errors onto ours: a wrong passphrase, or a file we cannot read.
func decryptPKCS8(path string, der, passphrase []byte) ([]byte, error) {
	pki, err := npki.DecryptPKCS8(der, passphrase)
	switch {
	case err == nil:
		return pki, nil
	case errors.Is(err, npki.ErrWrongPassword):
		return nil, fmt.Errorf("%w for key file %s (or the encrypted key is damaged: AES-CBC cannot tell which)", ErrWrongPassphrase, path)
	case errors.Is(err, npki.ErrUnsupported):
		return nil, fmt.Errorf("%w: %s: %w (re-encrypt with openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf hmacWithSHA256)", ErrCorruptKeyFile, path, err)
	default:
		return nil, fmt.Errorf("%w: %s: %w", ErrCorruptKeyFile, path, err)
	}
}
