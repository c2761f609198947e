package npki

import (
	"bytes"
	"crypto/cipher"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	"github.com/certcenter/certcenter/internal/testenv"
)

func TestRC2Table(t *testing.T) {
	var seen [256]bool
	for _, v := range rc2PI {
		if seen[v] {
			t.Fatalf("PITABLE repeats %#x", v)
		}
		seen[v] = true
	}
}

// TestRC2Vectors: RFC 2268 section 5.
func TestRC2Vectors(t *testing.T) {
	for _, tc := range []struct {
		key  string
		t1   int
		pt   string
		want string
	}{
		{"0000000000000000", 63, "0000000000000000", "ebb773f993278eff"},
		{"ffffffffffffffff", 64, "ffffffffffffffff", "278b27e42e2f0d49"},
		{"3000000000000000", 64, "1000000000000001", "30649edf9be7d2c2"},
		{"88", 64, "0000000000000000", "61a8a244adacccf0"},
		{"88bca90e90875a", 64, "0000000000000000", "6ccf4308974c267f"},
		{"88bca90e90875a7f0f79c384627bafb2", 64, "0000000000000000", "1a807d272bbe5db1"},
		{"88bca90e90875a7f0f79c384627bafb2", 128, "0000000000000000", "2269552ab0f85ca6"},
		{"88bca90e90875a7f0f79c384627bafb216f80a6f85920584c42fceb0be255daf1e", 129, "0000000000000000", "5b78d3a43dfff1f1"},
	} {
		b, err := newRC2(mustHex(t, tc.key), tc.t1)
		if err != nil {
			t.Fatal(err)
		}
		got := make([]byte, 8)
		b.Encrypt(got, mustHex(t, tc.pt))
		if hex.EncodeToString(got) != tc.want {
			t.Errorf("RC2(%s, %d) encrypt = %x, want %s", tc.key, tc.t1, got, tc.want)
		}
		b.Decrypt(got, got)
		if hex.EncodeToString(got) != tc.pt {
			t.Errorf("RC2(%s, %d) decrypt = %x, want %s", tc.key, tc.t1, got, tc.pt)
		}
	}
	if _, err := newRC2(nil, 40); err == nil {
		t.Error("newRC2(empty key) succeeded")
	}
}

// TestRC2OpenSSL: RC2-40-CBC agrees with `openssl enc -rc2-40-cbc`.
func TestRC2OpenSSL(t *testing.T) {
	testenv.OpenSSL(t)
	dir := t.TempDir()
	key, iv := mustHex(t, "0102030405"), mustHex(t, "0001020304050607")
	pt := []byte("PKCS#12 certificate bag, 40-bit RC2 as OpenSSL -legacy writes it")
	in, out := filepath.Join(dir, "pt"), filepath.Join(dir, "ct")
	if err := os.WriteFile(in, pt, 0o600); err != nil {
		t.Fatal(err)
	}
	testenv.RunOpenSSL(t, "enc", "-e", "-provider", "legacy", "-provider", "default", "-rc2-40-cbc",
		"-K", hex.EncodeToString(key), "-iv", hex.EncodeToString(iv), "-in", in, "-out", out)
	ct := readFile(t, out)
	b, err := newRC2(key, 40)
	if err != nil {
		t.Fatal(err)
	}
	got := make([]byte, len(ct))
	cipher.NewCBCDecrypter(b, iv).CryptBlocks(got, ct)
	got, err = pkcs7Unpad(got, rc2BlockSize)
	if err != nil || !bytes.Equal(got, pt) {
		t.Errorf("RC2-40-CBC decrypt of openssl's ciphertext = %q, %v", got, err)
	}
}
