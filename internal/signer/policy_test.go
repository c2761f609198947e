package signer

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"math/big"
	"testing"
)

func TestCheckPolicy(t *testing.T) {
	rsaKey := func(bits int) *rsa.PublicKey {
		// Built by hand: generating a 1024-bit key is refused by Go 1.24+ and slow anyway.
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		pub := k.PublicKey
		if bits != 2048 {
			pub.N = new(big.Int).Rsh(pub.N, uint(2048-bits))
		}
		return &pub
	}
	ecKey := func(c elliptic.Curve) *ecdsa.PublicKey {
		k, err := ecdsa.GenerateKey(c, rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return &k.PublicKey
	}
	edPub, _, _ := ed25519.GenerateKey(rand.Reader)

	tests := []struct {
		name string
		pub  any
		want string // "" means refused
	}{
		{"rsa2048", rsaKey(2048), "RSA-2048"},
		{"rsa1024", rsaKey(1024), ""},
		{"p256", ecKey(elliptic.P256()), "ECDSA-P256"},
		{"p384", ecKey(elliptic.P384()), "ECDSA-P384"},
		{"p521", ecKey(elliptic.P521()), ""},
		{"ed25519", edPub, ""},
	}
	for _, tt := range tests {
		got, err := checkPolicy(tt.pub)
		if tt.want == "" {
			if !errors.Is(err, ErrKeyPolicy) {
				t.Errorf("checkPolicy(%s) = %q, %v, want ErrKeyPolicy", tt.name, got, err)
			}
		} else if got != tt.want || err != nil {
			t.Errorf("checkPolicy(%s) = %q, %v, want %q", tt.name, got, err, tt.want)
		}
	}
}
