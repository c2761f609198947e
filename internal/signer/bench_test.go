package signer_test

import (
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"testing"

	"github.com/certcenter/certcenter/internal/signer"
)

// BenchmarkSign measures one RSA-2048 PKCS#1 v1.5 SHA-256 signature per operation, the
// cost of a certificate, CRL or OCSP response signature. Keep it short on shared
// machines: go test -run '^$' -bench Sign -benchtime 200x ./internal/signer/
func BenchmarkSign(b *testing.B) {
	digest := sha256.Sum256([]byte("certcenter"))
	run := func(b *testing.B, s signer.Signer) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := s.Sign(rand.Reader, digest[:], crypto.SHA256); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("file-RSA-2048", func(b *testing.B) {
		_, s := newKeyFile(b)
		run(b, s)
	})
	b.Run("softhsm-RSA-2048", func(b *testing.B) {
		cfg, _ := newToken(b)
		hsm := openHSM(b, cfg)
		defer hsm.Close()
		s, err := hsm.GenerateRSA("bench", 2048)
		if err != nil {
			b.Fatal(err)
		}
		run(b, s)
	})
}
