package issuance

import (
	"crypto"
	"crypto/x509/pkix"
	"encoding/asn1"
	"math/big"
	"testing"

	"golang.org/x/crypto/ocsp"
)

// certIDFor encodes the CertID of a parsed request (SHA-1, NULL parameters: what
// ocsp.CreateRequest sends).
func certIDFor(t *testing.T, r *ocsp.Request) []byte {
	t.Helper()
	if r.HashAlgorithm != crypto.SHA1 {
		t.Fatalf("hash %v", r.HashAlgorithm)
	}
	der, err := asn1.Marshal(struct {
		HashAlgorithm pkix.AlgorithmIdentifier
		NameHash      []byte
		KeyHash       []byte
		Serial        *big.Int
	}{pkix.AlgorithmIdentifier{Algorithm: asn1.ObjectIdentifier{1, 3, 14, 3, 2, 26}, Parameters: asn1.NullRawValue},
		r.IssuerNameHash, r.IssuerKeyHash, r.SerialNumber})
	if err != nil {
		t.Fatal(err)
	}
	return der
}
