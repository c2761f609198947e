package npki

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/certcenter/certcenter/internal/testenv"
)

// Independent readers of the key files npki writes by default (issue 18 item 1). The
// file is parsed with encoding/asn1, the KDF is KOREAN-PKI.md section 4 written out
// with crypto/sha1 here, and the decryption is OpenSSL's: nothing of npki's reading
// side is trusted.

// epkiASN1 is EncryptedPrivateKeyInfo with seedCBCWithSHA1's parameters.
type epkiASN1 struct {
	Alg struct {
		OID    asn1.ObjectIdentifier
		Params struct {
			Salt []byte
			Iter int
		}
	}
	Data []byte
}

func TestDefaultKeyFileIndependentReader(t *testing.T) {
	yk := yessignKey(t)
	want, err := MarshalPrivateKeyInfo(yk)
	if err != nil {
		t.Fatal(err)
	}
	der, err := EncryptKeyFile(yk, testPassword, nil)
	if err != nil {
		t.Fatal(err)
	}
	var e epkiASN1
	if rest, err := asn1.Unmarshal(der, &e); err != nil || len(rest) != 0 {
		t.Fatalf("encoding/asn1 cannot read the key file as seedCBCWithSHA1: %v", err)
	}
	if !e.Alg.OID.Equal(asn1.ObjectIdentifier{1, 2, 410, 200004, 1, 15}) || len(e.Alg.Params.Salt) != 8 || e.Alg.Params.Iter != 2048 {
		t.Fatalf("default key file: %v, %d-byte salt, %d iterations; want 1.2.410.200004.1.15, 8, 2048",
			e.Alg.OID, len(e.Alg.Params.Salt), e.Alg.Params.Iter)
	}
	// DK = PBKDF1-SHA1: T1 = SHA1(P || S), Ti = SHA1(Ti-1); K = DK[0:16]; IV = SHA1(DK[16:20])[0:16].
	t1 := sha1.Sum(append(append([]byte(nil), testPassword...), e.Alg.Params.Salt...))
	dk := t1
	for i := 1; i < e.Alg.Params.Iter; i++ {
		dk = sha1.Sum(dk[:])
	}
	ivh := sha1.Sum(dk[16:20])
	key, iv := dk[:16], ivh[:16]

	testenv.OpenSSL(t)
	dir := t.TempDir()
	in, out := filepath.Join(dir, "ct"), filepath.Join(dir, "pt")
	if err := os.WriteFile(in, e.Data, 0o600); err != nil {
		t.Fatal(err)
	}
	testenv.RunOpenSSL(t, "enc", "-d", "-provider", "legacy", "-provider", "default", "-seed-cbc",
		"-K", hex.EncodeToString(key), "-iv", hex.EncodeToString(iv), "-in", in, "-out", out)
	got := readFile(t, out)
	if !bytes.Equal(got, want) {
		t.Fatal("openssl enc -d -seed-cbc with the independently derived K and IV gave another plaintext")
	}
	// The plaintext carries R as Korean software writes it: randomNum attribute.
	var pki struct {
		Version int
		Alg     pkix.AlgorithmIdentifier
		Key     []byte
		Attrs   []struct {
			Type   asn1.ObjectIdentifier
			Values []asn1.BitString `asn1:"set"`
		} `asn1:"optional,tag:0"`
	}
	if _, err := asn1.Unmarshal(got, &pki); err != nil || len(pki.Attrs) != 1 ||
		!pki.Attrs[0].Type.Equal(asn1.ObjectIdentifier{1, 2, 410, 200004, 10, 1, 1, 3}) ||
		hex.EncodeToString(pki.Attrs[0].Values[0].Bytes) != yessignR {
		t.Errorf("plaintext attributes = %+v, %v; want randomNum R", pki.Attrs, err)
	}
	if k, err := x509.ParsePKCS8PrivateKey(got); err != nil || !yk.Key.(*rsa.PrivateKey).Equal(k) {
		t.Errorf("x509.ParsePKCS8PrivateKey(plaintext) = %v", err)
	}
}

// TestPasswdKeepsOpenSSLPBES2Form: a PBES2 key file in the form Korean readers take,
// as `openssl pkcs8 -topk8 -v2 seed-cbc` writes it (HMAC-SHA1 without a PRF field,
// 8-byte salt, 2048 iterations, SEED-CBC), keeps that form through ChangePassword: the
// salt no longer grows to 16 bytes and no PRF appears (issue 18 item 1). OpenSSL reads
// the result.
func TestPasswdKeepsOpenSSLPBES2Form(t *testing.T) {
	testenv.OpenSSL(t)
	dir := t.TempDir()
	yk := yessignKey(t)
	plain, err := MarshalPrivateKeyInfo(yk)
	if err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(dir, "plain.der")
	if err := os.WriteFile(in, plain, 0o600); err != nil {
		t.Fatal(err)
	}
	ossl := filepath.Join(dir, "openssl.der")
	testenv.RunOpenSSL(t, "pkcs8", "-topk8", "-inform", "DER", "-in", in, "-outform", "DER", "-out", ossl,
		"-provider", "legacy", "-provider", "default", "-v2", "seed-cbc", "-v2prf", "hmacWithSHA1",
		"-passout", "pass:"+string(yessignPassword))
	orig := readFile(t, ossl)
	der, err := ChangePassword(orig, yessignPassword, testPassword, nil)
	if err != nil {
		t.Fatal(err)
	}
	p0, _ := splitEPKI(t, orig)
	p1, _ := splitEPKI(t, der)
	if len(der) != len(orig) || p1.scheme != PBES2 || p1.prf != p0.prf || p1.cipher != SEEDCBC ||
		len(p1.salt) != len(p0.salt) || p1.iter != p0.iter || bytes.Equal(p1.salt, p0.salt) {
		t.Errorf("ChangePassword(openssl's PBES2) = %d bytes, %v, %d-byte salt, %d iterations; openssl's file: %d bytes, %v, %d-byte salt, %d iterations",
			len(der), p1.prf, len(p1.salt), p1.iter, len(orig), p0.prf, len(p0.salt), p0.iter)
	}
	rewritten := filepath.Join(dir, "rewritten.der")
	if err := os.WriteFile(rewritten, der, 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.der")
	testenv.RunOpenSSL(t, "pkcs8", "-inform", "DER", "-in", rewritten, "-outform", "DER", "-out", out,
		"-provider", "legacy", "-provider", "default", "-passin", "pass:"+string(testPassword))
	if k, err := x509.ParsePKCS1PrivateKey(readFile(t, out)); err != nil || !yk.Key.(*rsa.PrivateKey).Equal(k) {
		t.Errorf("openssl pkcs8 read another key from the rewritten file (%v)", err)
	}
}

func TestKeyFileOptions(t *testing.T) {
	o, err := KeyFileOptions(readTestdata(t, "yessign-test/signPri.key"))
	if err != nil || o.Scheme != SEEDCBCWithSHA1 || o.Iterations != 2048 || o.SaltSize != 8 {
		t.Errorf("KeyFileOptions(yessign signPri.key) = %+v, %v; want seedCBCWithSHA1, 2048, 8-byte salt", o, err)
	}
	der, err := EncryptKeyFile(yessignKey(t), testPassword, &EncryptOptions{Scheme: PBES2, Iterations: 1000})
	if err != nil {
		t.Fatal(err)
	}
	o, err = KeyFileOptions(der)
	if err != nil || o.Scheme != PBES2 || o.PRF != crypto.SHA256 || o.Cipher != SEEDCBC || o.Iterations != 1000 || o.SaltSize != 16 {
		t.Errorf("KeyFileOptions(strong form) = %+v, %v", o, err)
	}
	if _, err := KeyFileOptions([]byte{0x30, 0x00}); !errors.Is(err, ErrMalformed) {
		t.Errorf("KeyFileOptions(empty SEQUENCE) = %v, want ErrMalformed", err)
	}
}
