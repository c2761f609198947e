package signer_test

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/certcenter/certcenter/internal/signer"
	"github.com/certcenter/certcenter/internal/testenv"
)

const testPassphrase = "correct horse battery staple"

// newKeyFile generates an RSA-2048 key file in a temporary directory.
func newKeyFile(t testing.TB) (string, signer.Signer) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ca.key")
	s, err := signer.GenerateFile(path, 2048, []byte(testPassphrase))
	if err != nil {
		t.Fatalf("GenerateFile: %v", err)
	}
	return path, s
}

func TestGenerateFileLoadFile(t *testing.T) {
	path, made := newKeyFile(t)
	if got, want := made.Describe(), "file "+path+" (RSA-2048)"; got != want {
		t.Errorf("Describe() = %q, want %q", got, want)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode = %v, want 0600", fi.Mode().Perm())
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".signer-*")); len(left) != 0 {
		t.Errorf("temporary files left behind: %v", left)
	}

	loaded, err := signer.LoadFile(path, []byte(testPassphrase))
	if err != nil {
		t.Fatalf("LoadFile: %v", err)
	}
	if !loaded.Public().(*rsa.PublicKey).Equal(made.Public()) {
		t.Fatalf("LoadFile returned a different key")
	}
	if loaded.Describe() != made.Describe() {
		t.Errorf("LoadFile Describe() = %q, want %q", loaded.Describe(), made.Describe())
	}
	digest := sha256.Sum256([]byte("certcenter"))
	sig, err := loaded.Sign(rand.Reader, digest[:], crypto.SHA256)
	if err != nil {
		t.Fatalf("Sign: %v", err)
	}
	if err := rsa.VerifyPKCS1v15(made.Public().(*rsa.PublicKey), crypto.SHA256, digest[:], sig); err != nil {
		t.Errorf("VerifyPKCS1v15: %v", err)
	}
	selfSign(t, loaded)
	concurrentSign(t, loaded, 4, 5)
}

func TestGenerateFileRefuses(t *testing.T) {
	path, _ := newKeyFile(t)
	before, _ := os.ReadFile(path)
	if _, err := signer.GenerateFile(path, 2048, []byte(testPassphrase)); !errors.Is(err, signer.ErrKeyExists) {
		t.Errorf("GenerateFile(existing) = %v, want ErrKeyExists", err)
	}
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Errorf("GenerateFile(existing) changed the file")
	}
	dir := t.TempDir()
	if _, err := signer.GenerateFile(filepath.Join(dir, "small.key"), 1024, []byte(testPassphrase)); !errors.Is(err, signer.ErrKeyPolicy) {
		t.Errorf("GenerateFile(1024 bits) = %v, want ErrKeyPolicy", err)
	}
	if _, err := signer.GenerateFile(filepath.Join(dir, "short.key"), 2048, []byte("short")); err == nil {
		t.Errorf("GenerateFile(short passphrase) succeeded, want an error")
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*")); len(left) != 0 {
		t.Errorf("refused GenerateFile left files: %v", left)
	}
}

func TestLoadFileErrors(t *testing.T) {
	path, _ := newKeyFile(t)
	good, _ := os.ReadFile(path)
	block, _ := pem.Decode(good)
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	reencode := func(typ string, der []byte) []byte {
		return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
	}
	flipped := append([]byte(nil), block.Bytes...)
	// Flip the last byte of the second-to-last ciphertext block: CBC garbles that block and
	// flips the same bit pattern in the last plaintext byte, the padding length (1..16),
	// which ^0x55 can never leave valid. So the damage is always caught, never by luck.
	// (A flip anywhere else may leave valid padding and a key that parses to garbage; that
	// is ErrCorruptKeyFile, covered below.)
	flipped[len(flipped)-17] ^= 0x55
	garbled := append([]byte(nil), block.Bytes...)
	garbled[len(garbled)-40] ^= 0x55 // inside the key's last integers, padding intact
	plain, _ := x509.MarshalPKCS8PrivateKey(mustRSA(t))

	tests := []struct {
		name string
		path string
		pass string
		want error
	}{
		{"wrong passphrase", path, "not the passphrase", signer.ErrWrongPassphrase},
		{"damaged ciphertext", write("flipped.key", reencode("ENCRYPTED PRIVATE KEY", flipped)), testPassphrase, signer.ErrWrongPassphrase},
		{"not PEM", write("garbage.key", []byte("hello, world\n")), testPassphrase, signer.ErrCorruptKeyFile},
		{"empty", write("empty.key", nil), testPassphrase, signer.ErrCorruptKeyFile},
		{"truncated DER", write("truncated.key", reencode("ENCRYPTED PRIVATE KEY", block.Bytes[:len(block.Bytes)/2])), testPassphrase, signer.ErrCorruptKeyFile},
		{"wrong PEM type", write("cert.key", reencode("CERTIFICATE", block.Bytes)), testPassphrase, signer.ErrCorruptKeyFile},
		{"unencrypted", write("plain.key", reencode("PRIVATE KEY", plain)), testPassphrase, signer.ErrKeyPolicy},
		{"too large", write("large.key", make([]byte, 100<<10)), testPassphrase, signer.ErrCorruptKeyFile},
		{"missing", filepath.Join(dir, "absent.key"), testPassphrase, os.ErrNotExist},
	}
	// A flip that leaves the padding valid: the refusal is one of the two, never a key.
	t.Run("damaged key material", func(t *testing.T) {
		p := write("garbled.key", reencode("ENCRYPTED PRIVATE KEY", garbled))
		s, err := signer.LoadFile(p, []byte(testPassphrase))
		if err == nil {
			t.Fatalf("LoadFile accepted a damaged key: %T", s)
		}
		if !errors.Is(err, signer.ErrWrongPassphrase) && !errors.Is(err, signer.ErrCorruptKeyFile) {
			t.Fatalf("LoadFile = %v, want ErrWrongPassphrase or ErrCorruptKeyFile", err)
		}
		if !strings.Contains(err.Error(), p) {
			t.Errorf("LoadFile = %q, want it to name %s", err, p)
		}
	})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := signer.LoadFile(tt.path, []byte(tt.pass))
			if !errors.Is(err, tt.want) {
				t.Fatalf("LoadFile = %v, want %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.path) {
				t.Errorf("LoadFile = %q, want it to name %s", err, tt.path)
			}
			if strings.Contains(err.Error(), tt.pass) {
				t.Errorf("LoadFile = %q, contains the passphrase", err)
			}
		})
	}
}

func mustRSA(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestKeyFileOpenSSLReads: openssl reads our file with the passphrase and finds the
// same public key.
func TestKeyFileOpenSSLReads(t *testing.T) {
	testenv.OpenSSL(t)
	path, s := newKeyFile(t)
	testenv.RunOpenSSL(t, "pkey", "-in", path, "-passin", "pass:"+testPassphrase, "-noout")
	out := testenv.RunOpenSSL(t, "pkey", "-in", path, "-passin", "pass:"+testPassphrase, "-pubout")
	spki, _ := x509.MarshalPKIXPublicKey(s.Public())
	if want := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: spki}); string(out) != string(want) {
		t.Errorf("openssl pkey -pubout =\n%s\nwant\n%s", out, want)
	}
	// And the algorithms are the ones we promise, with 600,000 (0x0927C0) iterations.
	dump := string(testenv.RunOpenSSL(t, "asn1parse", "-in", path))
	for _, alg := range []string{"PBES2", "PBKDF2", "INTEGER           :0927C0", "hmacWithSHA256", "aes-256-cbc"} {
		if !strings.Contains(dump, alg) {
			t.Errorf("openssl asn1parse: no %s in\n%s", alg, dump)
		}
	}
}

// TestLoadFileFromOpenSSL: keys that openssl writes load, and the policy applies.
func TestLoadFileFromOpenSSL(t *testing.T) {
	testenv.OpenSSL(t)
	dir := t.TempDir()
	tests := []struct {
		name    string
		genpkey []string
		want    string // Describe suffix; "" means ErrKeyPolicy
	}{
		{"rsa2048", []string{"-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"}, "(RSA-2048)"},
		{"p256", []string{"-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"}, "(ECDSA-P256)"},
		{"p384", []string{"-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"}, "(ECDSA-P384)"},
		{"p521", []string{"-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-521"}, ""},
		{"ed25519", []string{"-algorithm", "ED25519"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plain := filepath.Join(dir, tt.name+".pem")
			enc := filepath.Join(dir, tt.name+".key")
			testenv.RunOpenSSL(t, append([]string{"genpkey", "-out", plain}, tt.genpkey...)...)
			testenv.RunOpenSSL(t, "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-v2prf", "hmacWithSHA256",
				"-in", plain, "-out", enc, "-passout", "pass:"+testPassphrase)
			s, err := signer.LoadFile(enc, []byte(testPassphrase))
			if tt.want == "" {
				if !errors.Is(err, signer.ErrKeyPolicy) {
					t.Fatalf("LoadFile = %v, want ErrKeyPolicy", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("LoadFile: %v", err)
			}
			if got := s.Describe(); got != "file "+enc+" "+tt.want {
				t.Errorf("Describe() = %q, want suffix %q", got, tt.want)
			}
			selfSign(t, s)
		})
	}
}

func TestOpenFileSpec(t *testing.T) {
	path, made := newKeyFile(t)
	t.Setenv("CERTCENTER_TEST_CA_PASS", testPassphrase)
	s, closer, err := signer.Open(signer.Spec{File: path, Passphrase: "env:CERTCENTER_TEST_CA_PASS"})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer closer.Close()
	if !s.Public().(*rsa.PublicKey).Equal(made.Public()) {
		t.Errorf("Open returned a different key")
	}

	_, _, err = signer.Open(signer.Spec{File: path, Passphrase: "env:CERTCENTER_TEST_UNSET"})
	if !errors.Is(err, signer.ErrSecretRef) || !strings.Contains(err.Error(), path) {
		t.Errorf("Open(unset passphrase variable) = %v, want ErrSecretRef naming %s", err, path)
	}
	_, _, err = signer.Open(signer.Spec{File: path, Passphrase: testPassphrase})
	if !errors.Is(err, signer.ErrSecretRef) || strings.Contains(err.Error(), testPassphrase) {
		t.Errorf("Open(inline passphrase) = %v, want ErrSecretRef without the passphrase", err)
	}
}
