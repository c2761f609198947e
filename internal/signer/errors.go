package signer

import "errors"

// Sentinel errors, for errors.Is. Returned errors wrap them with the path, token or label
// concerned and a hint; they never contain a passphrase or a PIN.
var (
	// ErrSecretRef: a secret reference is malformed, or names an environment variable or
	// file that is missing or empty.
	ErrSecretRef = errors.New("signer: bad secret reference")

	// ErrWrongPassphrase: the key file decrypted to garbage. With AES-CBC a damaged
	// ciphertext is indistinguishable from a wrong passphrase, so the message says both.
	ErrWrongPassphrase = errors.New("signer: wrong passphrase")
	// ErrCorruptKeyFile: the key file is not an encrypted PKCS#8 PEM file we can read.
	ErrCorruptKeyFile = errors.New("signer: corrupt key file")
	// ErrKeyExists: GenerateFile or GenerateRSA would overwrite an existing key.
	ErrKeyExists = errors.New("signer: key already exists")
	// ErrKeyPolicy: the key is of a type or size a CA key must not have.
	ErrKeyPolicy = errors.New("signer: key does not meet the CA key policy")

	// ErrModuleNotFound: the PKCS#11 module (shared library) is missing or cannot be loaded.
	ErrModuleNotFound = errors.New("signer: pkcs11 module not found")
	// ErrTokenNotFound: no token with the configured label or slot is present.
	ErrTokenNotFound = errors.New("signer: pkcs11 token not found")
	// ErrWrongPIN: the token refused the user PIN.
	ErrWrongPIN = errors.New("signer: pkcs11 wrong PIN")
	// ErrPINLocked: the token locked the user PIN after too many failures.
	ErrPINLocked = errors.New("signer: pkcs11 PIN locked")
	// ErrKeyNotFound: no key pair with the label exists in the token.
	ErrKeyNotFound = errors.New("signer: pkcs11 key not found")
)
