package cloudcert

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"fmt"
)

// The cloud keys: generated here, RSA-2048, marshalled as PKCS#8 and wrapped at once
// under the key source's KEK, bound to the line id and the purpose. The plaintext DER
// exists only in memory, for the time of one signature, and is cleared after.

func newKey() (*rsa.PrivateKey, error) { return rsa.GenerateKey(rand.Reader, KeyBits) }

func keyAD(lineID string) []byte { return []byte("fincert-key\x00" + lineID) }
func rAD(lineID string) []byte   { return []byte("fincert-r\x00" + lineID) }

func (s *Service) wrapKey(lineID string, k *rsa.PrivateKey) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		return nil, err
	}
	defer clear(der)
	return s.keys.Wrap(der, keyAD(lineID))
}

// unwrapKey returns the line's private key. The caller checked PIN and device first.
func (s *Service) unwrapKey(lineID string, wrapped []byte) (*rsa.PrivateKey, error) {
	der, err := s.keys.Unwrap(wrapped, keyAD(lineID))
	if err != nil {
		return nil, fmt.Errorf("cloudcert: unwrap key of %s: %w", lineID, err)
	}
	defer clear(der)
	k, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, fmt.Errorf("cloudcert: key of %s: %w", lineID, err)
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("cloudcert: key of %s is %T, not RSA", lineID, k)
	}
	return rk, nil
}

var _ crypto.Signer = (*rsa.PrivateKey)(nil)
