package issuance

import (
	"crypto"
	"crypto/rsa"
	"errors"
	"fmt"
)

// Errors of the subscriber key check; internal/ca maps them to the error codes
// KEY_TOO_WEAK and KEY_UNSUPPORTED. They are wrapped with the detail: test with errors.Is.
var (
	// ErrKeyTooWeak: an RSA key shorter than MinRSABits.
	ErrKeyTooWeak = errors.New("issuance: subscriber key too weak")
	// ErrKeyUnsupported: not an RSA key, or an exponent other than 65537.
	ErrKeyUnsupported = errors.New("issuance: subscriber key unsupported")
)

// MinRSABits is the smallest subscriber modulus accepted (KOREAN-PKI.md section 6:
// RSA-2048).
const MinRSABits = 2048

// maxRSABits bounds the modulus so a hostile request cannot make verification costly.
const maxRSABits = 8192

// checkSubscriberKey accepts RSA keys of MinRSABits to 8192 bits with exponent 65537
// only: Korean client software and the profile use RSA (KOREAN-PKI.md section 6), and
// exponent 3, even exponents and unusual large exponents are refused outright rather
// than judged one by one.
func checkSubscriberKey(pub crypto.PublicKey) error {
	k, ok := pub.(*rsa.PublicKey)
	if !ok {
		return fmt.Errorf("%w: %T keys are not issued; the Korean profile uses RSA (generate an RSA-2048 key)", ErrKeyUnsupported, pub)
	}
	if k.N == nil || k.N.Sign() <= 0 {
		return fmt.Errorf("%w: RSA modulus missing", ErrKeyUnsupported)
	}
	if k.E != 65537 {
		return fmt.Errorf("%w: RSA exponent %d; only 65537 is accepted", ErrKeyUnsupported, k.E)
	}
	bits := k.N.BitLen()
	if bits < MinRSABits {
		return fmt.Errorf("%w: RSA-%d; at least %d bits are required", ErrKeyTooWeak, bits, MinRSABits)
	}
	if bits > maxRSABits {
		return fmt.Errorf("%w: RSA-%d; at most %d bits are accepted", ErrKeyUnsupported, bits, maxRSABits)
	}
	if k.N.Bit(0) == 0 {
		return fmt.Errorf("%w: RSA modulus is even", ErrKeyUnsupported)
	}
	return nil
}
