package signer

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"fmt"
)

// minRSABits is the smallest RSA modulus a CA key may have: NIST SP 800-57 Part 1 rates
// RSA-2048 at 112-bit security, acceptable through 2030, and the CA/Browser Forum
// Baseline Requirements (6.1.5) set the same floor. The joint-certificate profile is
// RSA-2048 (KOREAN-PKI.md section 6); larger CA keys are allowed.
const minRSABits = 2048

// checkPolicy reports whether pub is an acceptable CA public key, and names it for logs
// ("RSA-2048", "ECDSA-P256"). Ed25519, P-521 and other curves are refused: they are
// outside the joint-certificate profile and the Baseline Requirements (6.1.5), so
// relying parties cannot be expected to verify them.
func checkPolicy(pub crypto.PublicKey) (string, error) {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		bits := k.N.BitLen()
		if bits < minRSABits {
			return "", fmt.Errorf("%w: RSA-%d is below the %d-bit minimum", ErrKeyPolicy, bits, minRSABits)
		}
		return fmt.Sprintf("RSA-%d", bits), nil
	case *ecdsa.PublicKey:
		switch k.Curve {
		case elliptic.P256():
			return "ECDSA-P256", nil
		case elliptic.P384():
			return "ECDSA-P384", nil
		}
		return "", fmt.Errorf("%w: ECDSA curve %s is not allowed (use P-256 or P-384)", ErrKeyPolicy, k.Curve.Params().Name)
	default:
		return "", fmt.Errorf("%w: %T keys are not allowed (use RSA of %d bits or more, or ECDSA P-256/P-384)", ErrKeyPolicy, pub, minRSABits)
	}
}
