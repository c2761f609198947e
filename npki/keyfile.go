package npki

import (
	"fmt"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// Key files (signPri.key, kmPri.key): EncryptedPrivateKeyInfo around a PrivateKeyInfo
// that carries R (KOREAN-PKI.md section 4).

// DecryptKeyFile decrypts and parses a key file. Errors are those of DecryptPKCS8 and
// ParsePrivateKeyInfo; test them with errors.Is (ErrWrongPassword, ErrMalformed, ...).
func DecryptKeyFile(der, password []byte) (*PrivateKey, error) {
	plain, err := DecryptPKCS8(der, password)
	if err != nil {
		return nil, fmt.Errorf("npki: decrypt key file: %w", err)
	}
	k, err := ParsePrivateKeyInfo(plain)
	clear(plain)
	if err != nil {
		return nil, fmt.Errorf("npki: decrypt key file: %w", err)
	}
	return k, nil
}

// EncryptKeyFile encodes k (with R and its attributes) and encrypts it under password,
// as opts says. nil writes the form of real signPri.key files, which every Korean
// reader reads (seedCBCWithSHA1, 8-byte salt, 2048 iterations); &EncryptOptions{Scheme:
// PBES2} the strong form, which OpenSSL reads and Korean readers that follow the real
// files refuse (see PBES2). A password that fails CheckPassword is
// refused with a *PasswordError unless opts.ExistingPassword is set.
func EncryptKeyFile(k *PrivateKey, password []byte, opts *EncryptOptions) ([]byte, error) {
	plain, err := MarshalPrivateKeyInfo(k)
	if err != nil {
		return nil, err
	}
	defer clear(plain)
	return EncryptPKCS8(plain, password, opts)
}

// ChangePassword re-encrypts a key file under newPassword, keeping the decrypted
// PrivateKeyInfo byte for byte (R and every attribute survive). With opts nil the new
// file uses the old one's scheme, cipher, PRF, iteration count and salt size with a
// fresh salt and IV, so software that read the old file reads the new one (a scheme
// npki only reads, such as RC2, becomes the default form). newPassword must pass
// CheckPassword unless opts.ExistingPassword is set.
func ChangePassword(der, oldPassword, newPassword []byte, opts *EncryptOptions) ([]byte, error) {
	plain, p, err := decryptPKCS8(der, oldPassword, keyFileLimits())
	if err != nil {
		return nil, fmt.Errorf("npki: change password: %w", err)
	}
	defer clear(plain)
	// Refuse to rewrite a file whose content would not read back.
	if _, err := ParsePrivateKeyInfo(plain); err != nil {
		return nil, fmt.Errorf("npki: change password: %w", err)
	}
	if opts == nil {
		opts = p.options()
	}
	return EncryptPKCS8(plain, newPassword, opts)
}

// KeyFileOptions reports how a key file is protected, as the EncryptOptions that
// would write it again (Scheme, PRF, Cipher, Iterations, SaltSize), without the
// password and without running its KDF. Errors are DecryptPKCS8's for the structure
// (ErrMalformed, ErrUnsupported, ErrIterationsTooHigh, ErrTooLarge).
func KeyFileOptions(der []byte) (*EncryptOptions, error) {
	if len(der) > maxKeyFileSize {
		return nil, fmt.Errorf("%w: %d bytes for an encrypted private key", ErrTooLarge, len(der))
	}
	in := cryptobyte.String(der)
	var epki, alg cryptobyte.String
	if !in.ReadASN1(&epki, cbasn1.SEQUENCE) || !in.Empty() || !epki.ReadASN1(&alg, cbasn1.SEQUENCE) {
		return nil, fmt.Errorf("%w: not an EncryptedPrivateKeyInfo", ErrMalformed)
	}
	p, err := parsePBEAlgorithm(alg, keyFileLimits())
	if err != nil {
		return nil, err
	}
	return &EncryptOptions{Scheme: p.scheme, PRF: p.prf, Cipher: p.cipher, Iterations: p.iter, SaltSize: len(p.salt)}, nil
}
