package cloudcert

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"testing"
)

func TestParseDeviceKey(t *testing.T) {
	p256, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	rk, _ := rsa.GenerateKey(rand.Reader, 1024)
	good, _ := x509.MarshalPKIXPublicKey(&p256.PublicKey)
	if _, err := ParseDeviceKey(good); err != nil {
		t.Errorf("P-256 = %v", err)
	}
	for name, spki := range map[string][]byte{"nil": nil, "junk": []byte{0x30, 0x03, 1, 2, 3}, "big": make([]byte, 4096),
		"p384": must(x509.MarshalPKIXPublicKey(&p384.PublicKey)), "rsa": must(x509.MarshalPKIXPublicKey(&rk.PublicKey))} {
		if _, err := ParseDeviceKey(spki); err == nil {
			t.Errorf("ParseDeviceKey(%s) = nil error", name)
		}
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

// A proof verifies in WebCrypto's r||s form and in DER, and only for its own purpose,
// binding and nonce.
func TestVerifyProof(t *testing.T) {
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	msg := ProofMessage("sign", "fsr_1", []byte("nonce"))
	d := sha256.Sum256(msg)
	der, _ := ecdsa.SignASN1(rand.Reader, k, d[:])
	r, s, _ := ecdsa.Sign(rand.Reader, k, d[:])
	raw := make([]byte, 64)
	r.FillBytes(raw[:32])
	s.FillBytes(raw[32:])
	for name, sig := range map[string][]byte{"der": der, "p1363": raw} {
		if !verifyProof(&k.PublicKey, msg, sig) {
			t.Errorf("%s proof does not verify", name)
		}
		for _, other := range [][]byte{ProofMessage("manage", "fsr_1", []byte("nonce")), ProofMessage("sign", "fsr_2", []byte("nonce")),
			ProofMessage("sign", "fsr_1", []byte("nonc3"))} {
			if verifyProof(&k.PublicKey, other, sig) {
				t.Errorf("%s proof verifies for another message", name)
			}
		}
	}
	if verifyProof(&k.PublicKey, msg, []byte{1, 2, 3}) || verifyProof(&k.PublicKey, msg, make([]byte, 64)) {
		t.Error("junk proof verifies")
	}
}
