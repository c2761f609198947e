package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"testing"
	"time"

	"github.com/smallstep/pkcs7"
)

// FuzzParseSignedFile feeds hostile signature files to verify's parser and signature
// check: errors, never panics.
func FuzzParseSignedFile(f *testing.F) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "fuzz"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, _ := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	cert, _ := x509.ParseCertificate(der)
	for _, detach := range []bool{false, true} {
		sd, _ := pkcs7.NewSignedData([]byte("content"))
		sd.SetDigestAlgorithm(pkcs7.OIDDigestAlgorithmSHA256)
		sd.AddSigner(cert, key, pkcs7.SignerInfoConfig{})
		if detach {
			sd.Detach()
		}
		b, _ := sd.Finish()
		f.Add(b)
	}
	f.Add([]byte("-----BEGIN PKCS7-----\nMAA=\n-----END PKCS7-----\n"))
	f.Add([]byte{0x30, 0x80, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02, 0x00, 0x00})
	f.Fuzz(func(t *testing.T, b []byte) {
		sf, err := parseSignedFile(b)
		if err != nil {
			return
		}
		if sf.signer == nil {
			t.Fatal("parsed without a signer")
		}
		sf.checkSignature()
	})
}
