package issuance

import (
	"crypto/ed25519"
	"crypto/rsa"
	"errors"
	"math/big"
	"testing"
)

func TestCheckSubscriberKey(t *testing.T) {
	good := loadKey(t, "subscriber-rsa2048.key").Public().(*rsa.PublicKey)
	evenN := &rsa.PublicKey{N: new(big.Int).Lsh(big.NewInt(1), 2047), E: 65537}
	huge := &rsa.PublicKey{N: new(big.Int).Add(new(big.Int).Lsh(big.NewInt(1), 8200), big.NewInt(1)), E: 65537}
	tests := []struct {
		name string
		key  any
		want error
	}{
		{"RSA-2048 e=65537", good, nil},
		{"RSA-1024", loadKey(t, "subscriber-rsa1024.key").Public(), ErrKeyTooWeak},
		{"e=3", withExponent(good, 3), ErrKeyUnsupported},
		{"e=65536", withExponent(good, 65536), ErrKeyUnsupported},
		{"e=2^31-1", withExponent(good, 1<<31-1), ErrKeyUnsupported},
		{"even modulus", evenN, ErrKeyUnsupported},
		{"RSA-8201", huge, ErrKeyUnsupported},
		{"P-256", loadKey(t, "subscriber-p256.key").Public(), ErrKeyUnsupported},
		{"Ed25519", ed25519.PublicKey(make([]byte, 32)), ErrKeyUnsupported},
		{"nil", nil, ErrKeyUnsupported},
	}
	for _, tt := range tests {
		err := CheckSubscriberKey(tt.key)
		if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
			t.Errorf("CheckSubscriberKey(%s) = %v, want %v", tt.name, err, tt.want)
		}
	}
}
