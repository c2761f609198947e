package cloudcert

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/kek"
)

// benchService is the service's crypto path with the file key source: the store and
// the HTTP round trips are left out (internal/app's BenchmarkFinCertHTTP has them).
func benchService(b *testing.B) (*Service, string, []byte, []byte) {
	keys, err := kek.NewFile([]byte("a CA key passphrase for the benchmark"))
	if err != nil {
		b.Fatal(err)
	}
	s := &Service{keys: keys, now: time.Now}
	key, err := newKey()
	if err != nil {
		b.Fatal(err)
	}
	wrapped, err := s.wrapKey("fcl_bench", key)
	if err != nil {
		b.Fatal(err)
	}
	pin, err := s.pinVerifier("fcl_bench", "135790")
	if err != nil {
		b.Fatal(err)
	}
	return s, "fcl_bench", wrapped, pin
}

// BenchmarkPINCheck is the CPU cost of one PIN check: the pepper's HMAC and argon2id.
func BenchmarkPINCheck(b *testing.B) {
	s, id, _, pin := benchService(b)
	b.ReportAllocs()
	for b.Loop() {
		if err := s.matchPIN(id, "135790", pin); err != nil {
			b.Fatal(err)
		}
	}
}

// serviceSign is one signature as Complete makes it: device proof (ECDSA P-256
// verify), PIN check, key unwrap and parse, RSA-2048 PKCS#1 v1.5 over SHA-256.
func serviceSign(b *testing.B, s *Service, id string, wrapped, pin []byte, dev *ecdsa.PrivateKey, proof, nonce, msg []byte, cold bool) {
	if !verifyProof(&dev.PublicKey, ProofMessage("sign", "fsr_bench", nonce), proof) {
		b.Fatal("proof")
	}
	if err := s.matchPIN(id, "135790", pin); err != nil {
		b.Fatal(err)
	}
	open := s.unwrapKey
	if cold { // every signature by another user: no opened key in memory
		open = s.openKey
	}
	k, err := open(id, wrapped)
	if err != nil {
		b.Fatal(err)
	}
	d := sha256.Sum256(msg)
	if _, err := signRaw(k, AlgPKCS1, d[:]); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkSignVsRaw alternates blocks of raw RSA-2048 signatures and signatures through
// the service's path in one run and reports their rates and ratios (goal: >= 0.8):
// x-raw with the key already opened in memory (a user's second signature within
// keyCacheTTL), x-raw-cold with the key unwrapped and parsed for each signature.
func BenchmarkSignVsRaw(b *testing.B) {
	s, id, wrapped, pin := benchService(b)
	raw, _ := rsa.GenerateKey(rand.Reader, 2048)
	dev, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	nonce := make([]byte, 32)
	rand.Read(nonce)
	d := sha256.Sum256(ProofMessage("sign", "fsr_bench", nonce))
	proof, _ := ecdsa.SignASN1(rand.Reader, dev, d[:])
	msg := []byte("데모쇼핑 로그인")
	const block = 10
	var tRaw, tWarm, tCold time.Duration
	n := 0
	runs := []func(){
		func() {
			for range block {
				h := sha256.Sum256(msg)
				if _, err := rsa.SignPKCS1v15(nil, raw, crypto.SHA256, h[:]); err != nil {
					b.Fatal(err)
				}
			}
		},
		func() {
			for range block {
				serviceSign(b, s, id, wrapped, pin, dev, proof, nonce, msg, false)
			}
		},
		func() {
			for range block {
				serviceSign(b, s, id, wrapped, pin, dev, proof, nonce, msg, true)
			}
		},
	}
	var spent [3]time.Duration
	for i := 0; b.Loop(); i++ {
		// The three blocks take turns going first, so that no kind always follows another.
		for j := range 3 {
			k := (i + j) % 3
			t0 := time.Now()
			runs[k]()
			spent[k] += time.Since(t0)
		}
		n += block
	}
	tRaw, tWarm, tCold = spent[0], spent[1], spent[2]
	rate := func(d time.Duration) float64 { return float64(n) / d.Seconds() }
	b.ReportMetric(rate(tRaw), "raw-sig/s")
	b.ReportMetric(rate(tWarm), "service-sig/s")
	b.ReportMetric(rate(tWarm)/rate(tRaw), "x-raw")
	b.ReportMetric(rate(tCold)/rate(tRaw), "x-raw-cold")
}

// BenchmarkUnwrapKey is the cost of opening a wrapped cloud key (AES-GCM and PKCS#8).
func BenchmarkUnwrapKey(b *testing.B) {
	s, id, wrapped, _ := benchService(b)
	for b.Loop() {
		if _, err := s.openKey(id, wrapped); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDeviceProof is the cost of verifying one device proof (ECDSA P-256).
func BenchmarkDeviceProof(b *testing.B) {
	dev, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	msg := ProofMessage("sign", "fsr_bench", make([]byte, 32))
	d := sha256.Sum256(msg)
	proof, _ := ecdsa.SignASN1(rand.Reader, dev, d[:])
	for b.Loop() {
		if !verifyProof(&dev.PublicKey, msg, proof) {
			b.Fatal("proof")
		}
	}
}
