package npki

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/testenv"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
	gopkcs12 "software.sslmate.com/src/go-pkcs12"
)

func yessignCert(t testing.TB) *x509.Certificate {
	t.Helper()
	c, err := x509.ParseCertificate(readTestdata(t, "yessign-test/signCert.der"))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestDecodePFXYessign(t *testing.T) {
	pfx, err := DecodePFX(readTestdata(t, "yessign-test/cert.pfx"), yessignPassword)
	if err != nil {
		t.Fatal(err)
	}
	yk := yessignKey(t)
	cert := yessignCert(t)
	if !yk.Key.(*rsa.PrivateKey).Equal(pfx.Key.Key) {
		t.Error("cert.pfx key differs from signPri.key")
	}
	if hex.EncodeToString(pfx.Key.RandomNum) != yessignR {
		t.Errorf("cert.pfx R = %x, want %s", pfx.Key.RandomNum, yessignR)
	}
	if !pfx.Cert.Equal(cert) || len(pfx.CACerts) != 0 {
		t.Errorf("cert.pfx certificates: leaf %v, %d CA", pfx.Cert.Subject, len(pfx.CACerts))
	}
	if !bytes.Equal(pfx.LocalKeyID, cert.SubjectKeyId) {
		t.Errorf("localKeyID = %x, want SKI %x", pfx.LocalKeyID, cert.SubjectKeyId)
	}
	if pfx.KeyScheme != PKCS12TripleDES || pfx.MACHash != crypto.SHA1 {
		t.Errorf("cert.pfx protection = %v, %v; want 3DES key bag, SHA-1 MAC", pfx.KeyScheme, pfx.MACHash)
	}
	if _, err := DecodePFX(readTestdata(t, "yessign-test/cert.pfx"), []byte("wrong-password1!")); !errors.Is(err, ErrWrongPassword) {
		t.Errorf("DecodePFX(wrong password) = %v, want ErrWrongPassword", err)
	}
}

func TestDecodePFXErrors(t *testing.T) {
	good := readTestdata(t, "yessign-test/cert.pfx")
	keyFile := readTestdata(t, "yessign-test/signPri.key")
	for _, tc := range []struct {
		name string
		data []byte
		want error
	}{
		{"truncated", good[:len(good)-20], ErrMalformed},
		{"empty", nil, ErrMalformed},
		{"too large", make([]byte, maxPFXSize+1), ErrTooLarge},
		{"MAC iterations too high", rewriteMACIterations(t, good, 1<<40), ErrIterationsTooHigh},
		{"MAC at 10,000,000 iterations (issue 17)", rewriteMACIterations(t, good, 10_000_000), ErrIterationsTooHigh},
		{"MAC just over the limit", rewriteMACIterations(t, good, MaxPKCS12Iterations+1), ErrIterationsTooHigh},
		{"bag iterations too high", pfxWithKeyBag(t, rewriteIterations(t, keyFile, 1<<40)), ErrIterationsTooHigh},
		{"damaged content", flipInContent(good), ErrWrongPassword}, // the MAC catches it
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			_, err := DecodePFX(tc.data, yessignPassword)
			if !errors.Is(err, tc.want) {
				t.Errorf("DecodePFX(%s) = %v, want %v", tc.name, err, tc.want)
			}
			if d := time.Since(start); d > time.Second {
				t.Errorf("DecodePFX(%s) took %v", tc.name, d)
			}
		})
	}
	// The error says the limit.
	_, err := DecodePFX(rewriteMACIterations(t, good, 10_000_000), yessignPassword)
	if err == nil || !strings.Contains(err.Error(), "at most 100000") {
		t.Errorf("DecodePFX(10,000,000 iterations) = %v, want the limit in the error", err)
	}
	// Bags at the limit each cannot add up to more than four times it.
	bag, err := EncryptKeyFile(yessignKey(t), testPassword, &EncryptOptions{Scheme: PKCS12TripleDES, Iterations: MaxPKCS12Iterations})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = DecodePFX(pfxWithKeyBags(t, bag, bag, bag, bag, bag), testPassword)
	if !errors.Is(err, ErrIterationsTooHigh) || !strings.Contains(err.Error(), "in all") {
		t.Errorf("DecodePFX(5 bags at the limit) = %v, want ErrIterationsTooHigh in all", err)
	}
	t.Logf("5 bags at the limit refused after %v", time.Since(start))
	// A PFX without MAC still tells a wrong password from a good one.
	noMAC := pfxWithKeyBag(t, keyFile)
	if _, err := DecodePFX(noMAC, []byte("wrong-password1!")); !errors.Is(err, ErrWrongPassword) {
		t.Errorf("DecodePFX(no MAC, wrong password) = %v, want ErrWrongPassword", err)
	}
	if _, err := DecodePFX(noMAC, yessignPassword); err == nil || errors.Is(err, ErrWrongPassword) {
		// No certificate bag: a structural error, not a password one.
		t.Errorf("DecodePFX(no MAC, no certificate) = %v, want a malformed-file error", err)
	}
}

func flipInContent(pfx []byte) []byte {
	out := bytes.Clone(pfx)
	out[100] ^= 1
	return out
}

// rewriteMACIterations re-encodes a PFX's MacData with another iteration count.
func rewriteMACIterations(t testing.TB, pfx []byte, iter int64) []byte {
	t.Helper()
	in := cryptobyte.String(pfx)
	var top, authSafe, macData, digestInfo cryptobyte.String
	var salt []byte
	if !in.ReadASN1(&top, cbasn1.SEQUENCE) || !top.SkipASN1(cbasn1.INTEGER) ||
		!top.ReadASN1Element(&authSafe, cbasn1.SEQUENCE) || !top.ReadASN1(&macData, cbasn1.SEQUENCE) ||
		!macData.ReadASN1Element(&digestInfo, cbasn1.SEQUENCE) || !macData.ReadASN1Bytes(&salt, cbasn1.OCTET_STRING) {
		t.Fatal("cannot parse PFX")
	}
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1Int64(3)
		b.AddBytes(authSafe)
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddBytes(digestInfo)
			b.AddASN1OctetString(salt)
			b.AddASN1Int64(iter)
		})
	})
	return b.BytesOrPanic()
}

// pfxWithKeyBag builds a MAC-less PFX holding one shrouded key bag.
func pfxWithKeyBag(t testing.TB, epki []byte) []byte {
	t.Helper()
	return pfxWithKeyBags(t, epki)
}

// pfxWithKeyBags builds a MAC-less PFX holding shrouded key bags.
func pfxWithKeyBags(t testing.TB, epkis ...[]byte) []byte {
	t.Helper()
	var sc cryptobyte.Builder
	sc.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		for _, epki := range epkis {
			addBag(b, oidShroudedKeyBag, epki, nil)
		}
	})
	var auth cryptobyte.Builder
	auth.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { addDataContentInfo(b, sc.BytesOrPanic()) })
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1Int64(3)
		addDataContentInfo(b, auth.BytesOrPanic())
	})
	return b.BytesOrPanic()
}

func TestEncodePFXRoundTrip(t *testing.T) {
	yk, cert := yessignKey(t), yessignCert(t)
	for _, form := range []PFXForm{PFXKorean, PFXModern} {
		data, err := EncodePFX(yk, cert, []*x509.Certificate{cert}, testPassword, &PFXOptions{Form: form})
		if err != nil {
			t.Fatal(err)
		}
		pfx, err := DecodePFX(data, testPassword)
		if err != nil {
			t.Fatalf("DecodePFX(EncodePFX(form %d)) = %v", form, err)
		}
		if hex.EncodeToString(pfx.Key.RandomNum) != yessignR || !pfx.Cert.Equal(cert) ||
			!bytes.Equal(pfx.LocalKeyID, cert.SubjectKeyId) || len(pfx.CACerts) != 1 {
			t.Errorf("form %d round trip: R %x, localKeyID %x, %d CA certs", form, pfx.Key.RandomNum, pfx.LocalKeyID, len(pfx.CACerts))
		}
		wantScheme, wantMAC := PKCS12TripleDES, crypto.SHA1
		if form == PFXModern {
			wantScheme, wantMAC = PBES2, crypto.SHA256
		}
		if pfx.KeyScheme != wantScheme || pfx.MACHash != wantMAC {
			t.Errorf("form %d: key scheme %v, MAC %v", form, pfx.KeyScheme, pfx.MACHash)
		}
		// go-pkcs12 reads both forms.
		key, leaf, _, err := gopkcs12.DecodeChain(data, string(testPassword))
		if err != nil {
			t.Errorf("go-pkcs12 DecodeChain(form %d) = %v", form, err)
		} else if !yk.Key.(*rsa.PrivateKey).Equal(key) || !leaf.Equal(cert) {
			t.Errorf("go-pkcs12 read a different key or certificate (form %d)", form)
		}
	}
	if _, err := EncodePFX(yk, cert, nil, []byte("weak"), nil); err == nil {
		t.Error("EncodePFX(weak password) succeeded")
	}
}

func TestEncodePFXOpenSSLReads(t *testing.T) {
	testenv.OpenSSL(t)
	dir := t.TempDir()
	yk, cert := yessignKey(t), yessignCert(t)
	for _, tc := range []struct {
		form PFXForm
		args []string
		mac  string
	}{
		{PFXKorean, []string{"-legacy"}, "MAC: sha1, Iteration 1024"},
		{PFXModern, nil, "MAC: sha256, Iteration 2048"},
	} {
		data, err := EncodePFX(yk, cert, nil, testPassword, &PFXOptions{Form: tc.form})
		if err != nil {
			t.Fatal(err)
		}
		in := filepath.Join(dir, "out.pfx")
		if err := os.WriteFile(in, data, 0o600); err != nil {
			t.Fatal(err)
		}
		out := string(testenv.RunOpenSSL(t, append([]string{"pkcs12", "-info", "-nodes", "-in", in,
			"-passin", "pass:" + string(testPassword)}, tc.args...)...))
		// openssl exits non-zero when the MAC does not verify.
		if !strings.Contains(out, tc.mac) {
			t.Errorf("form %d: openssl does not report %q:\n%s", tc.form, tc.mac, out)
		}
		key, leaf := pemBlocks(t, out)
		if !yk.Key.(*rsa.PrivateKey).Equal(key) || !leaf.Equal(cert) {
			t.Errorf("openssl read a different key or certificate (form %d)", tc.form)
		}
		if tc.form == PFXKorean {
			// Line for line what openssl says of the yessign sample (issue 18 item 2):
			// MAC SHA-1 and key bag at 1024 iterations, 8-byte salt, one unencrypted
			// SafeContents with the certificate bag then the 3DES key bag, localKeyID
			// and R as Korean software wrote them.
			sample := filepath.Join(dir, "yessign.pfx")
			if err := os.WriteFile(sample, readTestdata(t, "yessign-test/cert.pfx"), 0o600); err != nil {
				t.Fatal(err)
			}
			want := string(testenv.RunOpenSSL(t, "pkcs12", "-info", "-nodes", "-legacy", "-in", sample,
				"-passin", "pass:"+string(yessignPassword)))
			if got, want := opensslOutline(out), opensslOutline(want); got != want {
				t.Errorf("Korean form: openssl -info says\n%s\nof the yessign sample\n%s", got, want)
			}
		}
		if tc.form == PFXModern && !strings.Contains(out, "AES-256-CBC") {
			t.Errorf("modern form: openssl does not report AES-256-CBC:\n%s", out)
		}
	}
}

// pemBlocks returns the private key and the first certificate in openssl's output.
func pemBlocks(t testing.TB, out string) (crypto.PrivateKey, *x509.Certificate) {
	t.Helper()
	var key crypto.PrivateKey
	var cert *x509.Certificate
	rest := []byte(out)
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		switch b.Type {
		case "PRIVATE KEY":
			k, err := x509.ParsePKCS8PrivateKey(b.Bytes)
			if err != nil {
				t.Fatal(err)
			}
			key = k
		case "CERTIFICATE":
			if cert == nil {
				c, err := x509.ParseCertificate(b.Bytes)
				if err != nil {
					t.Fatal(err)
				}
				cert = c
			}
		}
	}
	if key == nil || cert == nil {
		t.Fatalf("no key or certificate in openssl output:\n%s", out)
	}
	return key, cert
}

// TestDecodePFXOpenSSLWrites: OpenSSL 3's default PKCS#12 and the SEED-CBC form import.
func TestDecodePFXOpenSSLWrites(t *testing.T) {
	testenv.OpenSSL(t)
	dir := t.TempDir()
	yk, cert := yessignKey(t), yessignCert(t)
	plain, err := MarshalPrivateKeyInfo(yk)
	if err != nil {
		t.Fatal(err)
	}
	keyPEM := filepath.Join(dir, "key.pem")
	certPEM := filepath.Join(dir, "cert.pem")
	os.WriteFile(keyPEM, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: plain}), 0o600)
	os.WriteFile(certPEM, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}), 0o600)
	for _, tc := range []struct {
		name      string
		args      []string
		keyScheme Scheme
		mac       crypto.Hash
	}{
		{"openssl3-default", nil, PBES2, crypto.SHA256},
		{"seed-cbc", []string{"-keypbe", "SEED-CBC", "-certpbe", "SEED-CBC", "-provider", "legacy", "-provider", "default"}, PBES2, crypto.SHA256},
		{"3des-sha1-nocert-encryption", []string{"-keypbe", "PBE-SHA1-3DES", "-certpbe", "NONE", "-macalg", "sha1"}, PKCS12TripleDES, crypto.SHA1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(dir, tc.name+".pfx")
			testenv.RunOpenSSL(t, append([]string{"pkcs12", "-export", "-inkey", keyPEM, "-in", certPEM,
				"-out", out, "-passout", "pass:" + string(testPassword)}, tc.args...)...)
			pfx, err := DecodePFX(readFile(t, out), testPassword)
			if err != nil {
				t.Fatalf("DecodePFX(openssl %s) = %v", tc.name, err)
			}
			if !yk.Key.(*rsa.PrivateKey).Equal(pfx.Key.Key) || !pfx.Cert.Equal(cert) {
				t.Error("different key or certificate")
			}
			if pfx.KeyScheme != tc.keyScheme || pfx.MACHash != tc.mac {
				t.Errorf("protection = %v, %v; want %v, %v", pfx.KeyScheme, pfx.MACHash, tc.keyScheme, tc.mac)
			}
			if _, err := DecodePFX(readFile(t, out), []byte("wrong-password1!")); !errors.Is(err, ErrWrongPassword) {
				t.Errorf("DecodePFX(wrong password) = %v, want ErrWrongPassword", err)
			}
		})
	}
}

// opensslOutline keeps what `openssl pkcs12 -info` says about a file, without the PEM
// blocks.
func opensslOutline(out string) string {
	var keep []string
	inPEM := false
	for _, l := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(l, "-----BEGIN"):
			inPEM = true
		case strings.HasPrefix(l, "-----END"):
			inPEM = false
		case !inPEM:
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}
