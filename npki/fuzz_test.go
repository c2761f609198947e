package npki

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"errors"
	"testing"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// Fuzz targets for every decoder that takes bytes from a user's device. Seeds come from
// testdata/. Run each with, e.g., go test ./npki/ -run '^$' -fuzz FuzzDecryptKeyFile -fuzztime 10s

// fuzzIterationLimit keeps fuzzing fast: inputs whose KDF would run more iterations
// are only checked for the refusal above the limits, not decrypted.
const fuzzIterationLimit = 5000

// pbeIterations returns the iteration count an EncryptedPrivateKeyInfo asks for, or 0.
func pbeIterations(der []byte) (int, error) {
	in := cryptobyte.String(der)
	var epki, alg cryptobyte.String
	if !in.ReadASN1(&epki, cbasn1.SEQUENCE) || !epki.ReadASN1(&alg, cbasn1.SEQUENCE) {
		return 0, nil
	}
	p, err := parsePBEAlgorithm(alg, keyFileLimits())
	if err != nil {
		return 0, err
	}
	return p.iter, nil
}

func FuzzDecryptKeyFile(f *testing.F) {
	yessign := readTestdata(f, "yessign-test/signPri.key")
	f.Add(yessign, yessignPassword)
	f.Add(rewriteIterations(f, yessign, 1), yessignPassword)
	yk := yessignKey(f)
	for _, opts := range allSchemes() {
		opts.Iterations = 10
		der, err := EncryptKeyFile(yk, testPassword, opts)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(der, testPassword)
	}
	f.Fuzz(func(t *testing.T, der, pw []byte) {
		n, err := pbeIterations(der)
		if errors.Is(err, ErrIterationsTooHigh) {
			if _, err := DecryptKeyFile(der, pw); !errors.Is(err, ErrIterationsTooHigh) {
				t.Fatalf("DecryptKeyFile(too many iterations) = %v", err)
			}
			return
		}
		if n > fuzzIterationLimit {
			t.Skip("iteration count within limits but slow for fuzzing")
		}
		k, err := DecryptKeyFile(der, pw)
		if err != nil {
			if k != nil {
				t.Fatal("non-nil key with an error")
			}
			return
		}
		// Whatever decrypts must re-encrypt and read back the same.
		out, err := EncryptKeyFile(k, pw, &EncryptOptions{Scheme: SEEDCBCWithSHA1, Iterations: 1, ExistingPassword: true})
		if err != nil {
			if len(pw) == 0 {
				return
			}
			t.Fatalf("EncryptKeyFile(decrypted key) = %v", err)
		}
		k2, err := DecryptKeyFile(out, pw)
		if err != nil || !bytes.Equal(k2.RandomNum, k.RandomNum) || len(k2.Attributes) != len(k.Attributes) {
			t.Fatalf("round trip: %v", err)
		}
	})
}

func FuzzParsePrivateKeyInfo(f *testing.F) {
	plain, err := DecryptPKCS8(readTestdata(f, "yessign-test/signPri.key"), yessignPassword)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(plain)
	f.Fuzz(func(t *testing.T, der []byte) {
		k, err := ParsePrivateKeyInfo(der)
		if err != nil {
			return
		}
		out, err := MarshalPrivateKeyInfo(k)
		if err != nil {
			t.Fatalf("MarshalPrivateKeyInfo(parsed key) = %v", err)
		}
		k2, err := ParsePrivateKeyInfo(out)
		if err != nil {
			t.Fatalf("ParsePrivateKeyInfo(MarshalPrivateKeyInfo(k)) = %v", err)
		}
		if !bytes.Equal(k.RandomNum, k2.RandomNum) || len(k.Attributes) != len(k2.Attributes) {
			t.Fatal("attributes changed in a round trip")
		}
	})
}

func FuzzParseSAN(f *testing.F) {
	cert, err := x509.ParseCertificate(readTestdata(f, "yessign-test/signCert.der"))
	if err != nil {
		f.Fatal(err)
	}
	for _, ext := range cert.Extensions {
		if ext.Id.Equal(oidSAN) {
			f.Add(ext.Value)
		}
	}
	f.Fuzz(func(t *testing.T, der []byte) {
		d, err := ParseSAN(der)
		if err != nil {
			return
		}
		san, err := MarshalSAN(*d)
		if err != nil {
			t.Fatalf("MarshalSAN(parsed) = %v", err)
		}
		d2, err := ParseSAN(san)
		if err != nil || d2.RealName != d.RealName || !bytes.Equal(d2.VID, d.VID) || d2.HashAlg != d.HashAlg {
			t.Fatalf("SAN round trip: %v", err)
		}
	})
}

func FuzzParseIdentifyData(f *testing.F) {
	for _, id := range []IdentifyData{
		{RealName: "홍길동", HashAlg: crypto.SHA256, VID: make([]byte, 32)},
		{RealName: "HKD", HashAlg: crypto.SHA1, VID: make([]byte, 20)},
	} {
		d, err := MarshalIdentifyData(id)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(d)
	}
	f.Fuzz(func(t *testing.T, der []byte) {
		d, err := ParseIdentifyData(der)
		if err != nil {
			return
		}
		if _, err := MarshalIdentifyData(*d); err != nil {
			t.Fatalf("MarshalIdentifyData(parsed) = %v", err)
		}
	})
}

func FuzzDecodePFX(f *testing.F) {
	f.Add(readTestdata(f, "yessign-test/cert.pfx"), yessignPassword)
	f.Add(readTestdata(f, "pkcs12/rc2-40-legacy.pfx"), legacyPassword)
	f.Add(readTestdata(f, "pkcs12/rc2-40-ber.pfx"), legacyPassword)
	yk := yessignKey(f)
	cert, err := x509.ParseCertificate(readTestdata(f, "yessign-test/signCert.der"))
	if err != nil {
		f.Fatal(err)
	}
	for _, form := range []PFXForm{PFXKorean, PFXModern} {
		data, err := EncodePFX(yk, cert, nil, testPassword, &PFXOptions{Form: form, Iterations: 10})
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, testPassword)
	}
	f.Fuzz(func(t *testing.T, data, pw []byte) {
		pfx, err := DecodePFX(data, pw)
		if err != nil {
			if pfx != nil {
				t.Fatal("non-nil PFX with an error")
			}
			return
		}
		if pfx.Key == nil || pfx.Cert == nil || !publicKeyMatches(pfx.Key.Key, pfx.Cert) {
			t.Fatal("DecodePFX returned a key without its certificate")
		}
	})
}
