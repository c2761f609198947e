package npki

import (
	"bytes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/certcenter/certcenter/internal/testenv"
)

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// KISA / RFC 4269 appendix B vectors, as listed in KOREAN-PKI.md section 4.
var seedVectors = []struct{ key, pt, ct string }{
	{"00000000000000000000000000000000", "000102030405060708090A0B0C0D0E0F", "5EBAC6E0054E166819AFF1CC6D346CDB"},
	{"000102030405060708090A0B0C0D0E0F", "00000000000000000000000000000000", "C11F22F20140505084483597E4370F43"},
	{"4706480851E61BE85D74BFB3FD956185", "83A2F8A288641FB9A4E9A5CC2F131C7D", "EE54D13EBCAE706D226BC3142CD40D4A"},
	{"28DBC3BC49FFD87DCFA509B11D422BE7", "B41E6BE2EBA84A148E2EED84593C5EC7", "9B9B7BFCD1813CB95D0B3618F40F5122"},
}

func TestSEEDVectors(t *testing.T) {
	for _, v := range seedVectors {
		t.Run(v.key, func(t *testing.T) {
			b, err := NewSEED(mustHex(t, v.key))
			if err != nil {
				t.Fatal(err)
			}
			pt, ct := mustHex(t, v.pt), mustHex(t, v.ct)
			got := make([]byte, 16)
			b.Encrypt(got, pt)
			if !bytes.Equal(got, ct) {
				t.Errorf("Encrypt(%s) = %X, want %s", v.pt, got, v.ct)
			}
			b.Decrypt(got, ct)
			if !bytes.Equal(got, pt) {
				t.Errorf("Decrypt(%s) = %X, want %s", v.ct, got, v.pt)
			}
			// In place.
			buf := append([]byte(nil), pt...)
			b.Encrypt(buf, buf)
			if !bytes.Equal(buf, ct) {
				t.Errorf("in-place Encrypt = %X, want %s", buf, v.ct)
			}
		})
	}
}

func TestSEEDKeySize(t *testing.T) {
	for _, n := range []int{0, 8, 15, 17, 24, 32} {
		if _, err := NewSEED(make([]byte, n)); err == nil {
			t.Errorf("NewSEED(%d-byte key) succeeded, want error", n)
		}
	}
}

func TestSEEDNoAllocs(t *testing.T) {
	b, _ := NewSEED(make([]byte, 16))
	buf := make([]byte, 16)
	if n := testing.AllocsPerRun(100, func() { b.Encrypt(buf, buf); b.Decrypt(buf, buf) }); n != 0 {
		t.Errorf("Encrypt+Decrypt allocate %v times per block, want 0", n)
	}
}

// TestSEEDCBCOpenSSL encrypts random data with OpenSSL's SEED-CBC and checks that we
// produce the same ciphertext and decrypt it back.
func TestSEEDCBCOpenSSL(t *testing.T) {
	testenv.OpenSSL(t)
	dir := t.TempDir()
	for _, n := range []int{0, 1, 15, 16, 17, 100, 4096, 65537} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			key, iv, data := make([]byte, 16), make([]byte, 16), make([]byte, n)
			rand.Read(key)
			rand.Read(iv)
			rand.Read(data)
			in := filepath.Join(dir, "in")
			out := filepath.Join(dir, "out")
			if err := os.WriteFile(in, data, 0o600); err != nil {
				t.Fatal(err)
			}
			testenv.RunOpenSSL(t, "enc", "-provider", "legacy", "-provider", "default", "-seed-cbc",
				"-K", hex.EncodeToString(key), "-iv", hex.EncodeToString(iv), "-in", in, "-out", out)
			want, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			b, err := NewSEED(key)
			if err != nil {
				t.Fatal(err)
			}
			padded := pkcs7Pad(data, SEEDBlockSize)
			got := make([]byte, len(padded))
			cipher.NewCBCEncrypter(b, iv).CryptBlocks(got, padded)
			if !bytes.Equal(got, want) {
				t.Fatalf("SEED-CBC(%d bytes) differs from openssl enc -seed-cbc", n)
			}
			dec := make([]byte, len(want))
			cipher.NewCBCDecrypter(b, iv).CryptBlocks(dec, want)
			if !bytes.Equal(dec, padded) {
				t.Fatalf("SEED-CBC decrypt(%d bytes) did not give the plaintext back", n)
			}
		})
	}
}

func BenchmarkSEEDCBC(b *testing.B) {
	blk, _ := NewSEED(make([]byte, 16))
	buf := make([]byte, 8192)
	enc := cipher.NewCBCEncrypter(blk, make([]byte, 16))
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	for b.Loop() {
		enc.CryptBlocks(buf, buf)
	}
}

func BenchmarkSEEDCBCDecrypt(b *testing.B) {
	blk, _ := NewSEED(make([]byte, 16))
	buf := make([]byte, 8192)
	dec := cipher.NewCBCDecrypter(blk, make([]byte, 16))
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	for b.Loop() {
		dec.CryptBlocks(buf, buf)
	}
}

// BenchmarkOpenSSLSEEDCBC runs `openssl speed` once for SEED-CBC on 8 KiB buffers and
// reports OpenSSL's throughput as the metric "openssl-MB/s", so one run of
// `go test -bench SEEDCBC` shows both figures side by side. Its own ns/op is meaningless.
func BenchmarkOpenSSLSEEDCBC(b *testing.B) {
	testenv.OpenSSL(b)
	out := testenv.RunOpenSSL(b, "speed", "-provider", "legacy", "-provider", "default",
		"-evp", "seed-cbc", "-seconds", "1", "-bytes", "8192", "-mr")
	var bps float64
	for _, line := range strings.Split(string(out), "\n") {
		// +F:<n>:SEED-CBC:<bytes per second>
		if f := strings.Split(strings.TrimSpace(line), ":"); len(f) == 4 && f[0] == "+F" {
			v, err := strconv.ParseFloat(f[3], 64)
			if err != nil {
				b.Fatalf("openssl speed: bad line %q", line)
			}
			bps = v
		}
	}
	if bps == 0 {
		b.Fatalf("openssl speed printed no +F line:\n%s", out)
	}
	for b.Loop() {
	}
	b.ReportMetric(bps/1e6, "openssl-MB/s")
}
