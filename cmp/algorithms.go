package cmp

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	encoding_asn1 "encoding/asn1"
	"fmt"
	"io"

	// Register the hashes the tables below name.
	_ "crypto/sha1"
	_ "crypto/sha256"
	_ "crypto/sha512"
)

// sigAlg is a signature algorithm we verify and produce (RFC 9481 section 3).
type sigAlg struct {
	oid  encoding_asn1.ObjectIdentifier
	hash crypto.Hash // 0 for Ed25519 (pure)
	key  string      // "rsa", "ecdsa", "ed25519"
	null bool        // parameters are an explicit NULL (RSA, RFC 4055 section 5)
}

// sigAlgs lists the signature algorithms we accept. RSASSA-PSS is not implemented.
var sigAlgs = []sigAlg{
	{oidSHA256WithRSA, crypto.SHA256, "rsa", true},
	{oidSHA384WithRSA, crypto.SHA384, "rsa", true},
	{oidSHA512WithRSA, crypto.SHA512, "rsa", true},
	{oidSHA224WithRSA, crypto.SHA224, "rsa", true},
	{oidSHA1WithRSA, crypto.SHA1, "rsa", true},
	{oidECDSAWithSHA256, crypto.SHA256, "ecdsa", false},
	{oidECDSAWithSHA384, crypto.SHA384, "ecdsa", false},
	{oidECDSAWithSHA512, crypto.SHA512, "ecdsa", false},
	{oidECDSAWithSHA224, crypto.SHA224, "ecdsa", false},
	{oidECDSAWithSHA1, crypto.SHA1, "ecdsa", false},
	{oidEd25519, 0, "ed25519", false},
}

func lookupSigAlg(oid encoding_asn1.ObjectIdentifier) (sigAlg, bool) {
	for _, a := range sigAlgs {
		if a.oid.Equal(oid) {
			return a, true
		}
	}
	return sigAlg{}, false
}

// isSignatureAlg reports whether the OID is one of the signature algorithms we know.
func isSignatureAlg(oid encoding_asn1.ObjectIdentifier) bool {
	_, ok := lookupSigAlg(oid)
	return ok
}

// verifySignature checks sig over data with pub under the algorithm alg. It returns
// ErrUnsupportedAlgorithm for algorithms we do not implement and ErrBadMessageCheck
// (wrapped) when the signature or key does not match.
func verifySignature(pub crypto.PublicKey, alg AlgorithmIdentifier, data, sig []byte, bad error) error {
	a, ok := lookupSigAlg(alg.Algorithm)
	if !ok {
		return fmt.Errorf("%w: signature algorithm %v", ErrUnsupportedAlgorithm, alg.Algorithm)
	}
	var digest []byte
	if a.hash != 0 {
		h := a.hash.New()
		h.Write(data)
		digest = h.Sum(nil)
	}
	switch k := pub.(type) {
	case *rsa.PublicKey:
		if a.key == "rsa" {
			if err := rsa.VerifyPKCS1v15(k, a.hash, digest, sig); err != nil {
				return fmt.Errorf("%w: RSA signature: %v", bad, err)
			}
			return nil
		}
	case *ecdsa.PublicKey:
		if a.key == "ecdsa" {
			if !ecdsa.VerifyASN1(k, digest, sig) {
				return fmt.Errorf("%w: ECDSA signature does not verify", bad)
			}
			return nil
		}
	case ed25519.PublicKey:
		if a.key == "ed25519" {
			if !ed25519.Verify(k, data, sig) {
				return fmt.Errorf("%w: Ed25519 signature does not verify", bad)
			}
			return nil
		}
	default:
		return fmt.Errorf("%w: public key type %T", ErrUnsupportedAlgorithm, pub)
	}
	return fmt.Errorf("%w: %T key cannot verify %v", bad, pub, alg.Algorithm)
}

// signatureAlgorithmFor picks the algorithm for a key: RSA with SHA-256, ECDSA with the
// hash matching the curve (RFC 5480 section 4), Ed25519 pure.
func signatureAlgorithmFor(pub crypto.PublicKey) (sigAlg, error) {
	var oid encoding_asn1.ObjectIdentifier
	switch k := pub.(type) {
	case *rsa.PublicKey:
		oid = oidSHA256WithRSA
	case *ecdsa.PublicKey:
		switch k.Curve {
		case elliptic.P256():
			oid = oidECDSAWithSHA256
		case elliptic.P384():
			oid = oidECDSAWithSHA384
		case elliptic.P521():
			oid = oidECDSAWithSHA512
		default:
			return sigAlg{}, fmt.Errorf("%w: ECDSA curve %s", ErrUnsupportedAlgorithm, k.Curve.Params().Name)
		}
	case ed25519.PublicKey:
		oid = oidEd25519
	default:
		return sigAlg{}, fmt.Errorf("%w: key type %T", ErrUnsupportedAlgorithm, pub)
	}
	a, _ := lookupSigAlg(oid)
	return a, nil
}

func (a sigAlg) identifier() AlgorithmIdentifier {
	id := AlgorithmIdentifier{Algorithm: a.oid}
	if a.null {
		id.Parameters = clone(derNull)
	}
	return id
}

// sign signs data with signer, choosing the algorithm from its public key.
func sign(signer crypto.Signer, rand io.Reader, data []byte) (AlgorithmIdentifier, []byte, error) {
	a, err := signatureAlgorithmFor(signer.Public())
	if err != nil {
		return AlgorithmIdentifier{}, nil, err
	}
	msg := data
	if a.hash != 0 {
		h := a.hash.New()
		h.Write(data)
		msg = h.Sum(nil)
	}
	sig, err := signer.Sign(rand, msg, a.hash)
	if err != nil {
		return AlgorithmIdentifier{}, nil, fmt.Errorf("cmp: sign: %w", err)
	}
	return a.identifier(), sig, nil
}

// hashByOID maps one-way function OIDs (RFC 9481 section 2) to hashes.
func hashByOID(oid encoding_asn1.ObjectIdentifier) (crypto.Hash, bool) {
	switch {
	case oid.Equal(OIDSHA1):
		return crypto.SHA1, true
	case oid.Equal(OIDSHA224):
		return crypto.SHA224, true
	case oid.Equal(OIDSHA256):
		return crypto.SHA256, true
	case oid.Equal(OIDSHA384):
		return crypto.SHA384, true
	case oid.Equal(OIDSHA512):
		return crypto.SHA512, true
	}
	return 0, false
}

func oidOfHash(h crypto.Hash) (encoding_asn1.ObjectIdentifier, bool) {
	switch h {
	case crypto.SHA1:
		return OIDSHA1, true
	case crypto.SHA224:
		return OIDSHA224, true
	case crypto.SHA256:
		return OIDSHA256, true
	case crypto.SHA384:
		return OIDSHA384, true
	case crypto.SHA512:
		return OIDSHA512, true
	}
	return nil, false
}

// macByOID maps MAC algorithm OIDs (RFC 9481 section 6.2.1) to their HMAC hash.
func macByOID(oid encoding_asn1.ObjectIdentifier) (crypto.Hash, bool) {
	switch {
	case oid.Equal(OIDHMACSHA1), oid.Equal(OIDHMACWithSHA1):
		return crypto.SHA1, true
	case oid.Equal(OIDHMACWithSHA224):
		return crypto.SHA224, true
	case oid.Equal(OIDHMACWithSHA256):
		return crypto.SHA256, true
	case oid.Equal(OIDHMACWithSHA384):
		return crypto.SHA384, true
	case oid.Equal(OIDHMACWithSHA512):
		return crypto.SHA512, true
	}
	return 0, false
}

// macOIDOf names HMAC with h: hmac-sha1 (what OpenSSL uses) for SHA-1, hmacWithSHAx otherwise.
func macOIDOf(h crypto.Hash) (encoding_asn1.ObjectIdentifier, bool) {
	switch h {
	case crypto.SHA1:
		return OIDHMACSHA1, true
	case crypto.SHA224:
		return OIDHMACWithSHA224, true
	case crypto.SHA256:
		return OIDHMACWithSHA256, true
	case crypto.SHA384:
		return OIDHMACWithSHA384, true
	case crypto.SHA512:
		return OIDHMACWithSHA512, true
	}
	return nil, false
}

// certHashAlgorithm returns the hash of a certificate's signature algorithm, the
// certHash algorithm of RFC 4210 section 5.3.18. For Ed25519, which has no separate
// hash, RFC 9481 section 3.3 names SHA-512 (and certConf then needs hashAlg, pvno 3).
func certHashAlgorithm(cert *x509.Certificate) (crypto.Hash, error) {
	switch cert.SignatureAlgorithm {
	case x509.SHA1WithRSA, x509.ECDSAWithSHA1:
		return crypto.SHA1, nil
	case x509.SHA256WithRSA, x509.SHA256WithRSAPSS, x509.ECDSAWithSHA256:
		return crypto.SHA256, nil
	case x509.SHA384WithRSA, x509.SHA384WithRSAPSS, x509.ECDSAWithSHA384:
		return crypto.SHA384, nil
	case x509.SHA512WithRSA, x509.SHA512WithRSAPSS, x509.ECDSAWithSHA512:
		return crypto.SHA512, nil
	case x509.PureEd25519:
		return crypto.SHA512, nil
	}
	return 0, fmt.Errorf("%w: certificate signature algorithm %v", ErrUnsupportedAlgorithm, cert.SignatureAlgorithm)
}

// SignatureHash returns the hash a signature algorithm we know uses (0 for Ed25519,
// which hashes with SHA-512 internally), so that a caller can refuse weak ones: a
// server refuses a POP signed with SHA-1 (RFC 9481 section 3 keeps SHA-1 only for
// compatibility).
func SignatureHash(alg AlgorithmIdentifier) (crypto.Hash, bool) {
	a, ok := lookupSigAlg(alg.Algorithm)
	return a.hash, ok
}
