package npki

import (
	"crypto"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/asn1"
	"errors"
	"fmt"
	"hash"
	"unicode/utf8"

	"golang.org/x/crypto/pbkdf2"
)

// Password-based key derivation for key files and PKCS#12 (KOREAN-PKI.md section 4):
// PBKDF1-SHA1 as the Korean seedCBCWithSHA1 scheme uses it, PBKDF2 (RFC 8018 section
// 5.2) and the PKCS#12 KDF (RFC 7292 appendix B.2).

// Iteration limits for the files npki reads (issue 17 item 6): what real files use,
// with a wide margin. A count above its limit is refused before any work is done
// (ErrIterationsTooHigh), and the error says the limit: a hostile file must not be able
// to pin a CPU for seconds (a PKCS#12 asking for 10,000,000 iterations took 4-5 s).
// Times are for one core of this project's test machine.
const (
	// MaxPBKDF1Iterations bounds seedCBCWithSHA1 and seedCBC key files. Real ones use
	// 2048 (KOREAN-PKI.md section 4); 100,000 runs PBKDF1-SHA1 in about 8 ms.
	MaxPBKDF1Iterations = 100_000
	// MaxPBKDF2Iterations bounds PBES2 key files. OpenSSL writes 2048, certctl's strong
	// form 100,000 (DefaultPBES2Iterations), and certcenter's own CA key files 600,000
	// (internal/signer, after OWASP's 2023 advice), which are read through npki too:
	// real files need more than 100,000 here. 1,000,000 is 0.17 s of HMAC-SHA-256
	// (0.42 s with HMAC-SHA-512).
	MaxPBKDF2Iterations = 1_000_000
	// MaxPKCS12Iterations bounds everything inside a PKCS#12 file: its MAC, its PKCS#12
	// PBEs (3DES, RC2) and PBKDF2 in its PBES2 bags. Korean files use 1024, OpenSSL
	// 2048, Windows 2000, Java 10,000; 100,000 is about 22 ms of the PKCS#12 KDF.
	MaxPKCS12Iterations = 100_000
	// maxPFXIterations bounds the sum over one PKCS#12 file (MAC and every encrypted
	// bag), so that many bags at the limit cannot add up: room for the MAC, the
	// certificate bag and the key bag at the limit each, and one more.
	maxPFXIterations = 4 * MaxPKCS12Iterations
)

// kdf names a key derivation, for its iteration limit.
type kdf int

const (
	kdfPBKDF1 kdf = iota // seedCBCWithSHA1, seedCBC
	kdfPBKDF2            // PBES2
	kdfPKCS12            // PKCS#12 MAC and PBEs
)

// kdfLimits are the iteration limits for one input; the zero value is not usable, see
// keyFileLimits and newPFXLimits.
type kdfLimits struct {
	max    [3]int64
	budget *int64 // iterations left for the whole input (a PFX); nil: no total
}

func keyFileLimits() *kdfLimits {
	return &kdfLimits{max: [3]int64{MaxPBKDF1Iterations, MaxPBKDF2Iterations, MaxPKCS12Iterations}}
}

func newPFXLimits() *kdfLimits {
	b := int64(maxPFXIterations)
	return &kdfLimits{max: [3]int64{MaxPBKDF1Iterations, MaxPKCS12Iterations, MaxPKCS12Iterations}, budget: &b}
}

var kdfNames = [3]struct{ name, real string }{
	kdfPBKDF1: {"PBKDF1 (seedCBCWithSHA1)", "2048"},
	kdfPBKDF2: {"PBKDF2", "2048 to 600,000"},
	kdfPKCS12: {"PKCS#12", "1024 to 10,000"},
}

// spend checks n iterations of k against the limits (before any work) and counts them
// against the input's total.
func (l *kdfLimits) spend(k kdf, n int64) error {
	if n < 1 {
		return fmt.Errorf("%w: iteration count %d", ErrMalformed, n)
	}
	if n > l.max[k] {
		return fmt.Errorf("%w: %s with %d iterations (real files use %s; npki accepts at most %d)",
			ErrIterationsTooHigh, kdfNames[k].name, n, kdfNames[k].real, l.max[k])
	}
	if l.budget != nil {
		if n > *l.budget {
			return fmt.Errorf("%w: the PKCS#12 file asks for more than %d iterations in all (real files: 2 to 3 times 1024 or 2048)",
				ErrIterationsTooHigh, maxPFXIterations)
		}
		*l.budget -= n
	}
	return nil
}

// Errors shared by the key-file and PKCS#12 decoders. Messages never contain the
// password.
var (
	// ErrWrongPassword: the decryption did not give a well-formed plaintext (bad padding,
	// or a plaintext that is not a PrivateKeyInfo), or a PKCS#12 MAC did not verify. A
	// damaged ciphertext looks the same; a damaged structure is ErrMalformed.
	ErrWrongPassword = errors.New("npki: wrong password")
	// ErrMalformed: the file's structure is truncated or not valid DER for its type.
	ErrMalformed = errors.New("npki: malformed or truncated file")
	// ErrIterationsTooHigh: an iteration count above its limit (MaxPBKDF1Iterations,
	// MaxPBKDF2Iterations, MaxPKCS12Iterations), or a PKCS#12 file whose counts add up
	// to more than four times MaxPKCS12Iterations.
	ErrIterationsTooHigh = errors.New("npki: iteration count too high")
	// ErrTooLarge: the input is larger than any real key file or PFX.
	ErrTooLarge = errors.New("npki: input too large")
	// ErrUnsupported: a well-formed file using an algorithm npki does not implement.
	ErrUnsupported = errors.New("npki: unsupported algorithm")
)

// Limits on inputs (rule): a signPri.key is about 1.3 KB and a PFX about 3 KB; a
// certificate chain in a PFX stays well under 64 KiB for key files and 1 MiB for PFX.
const (
	maxKeyFileSize = 64 << 10
	maxPFXSize     = 1 << 20
	maxSaltSize    = 1024
)

// pbkdf1SHA1 returns T_c where T_1 = SHA1(P || S), T_i = SHA1(T_{i-1}) (RFC 8018 section
// 5.1), the 20-byte DK of the seedCBCWithSHA1 scheme.
func pbkdf1SHA1(password, salt []byte, iter int) [sha1.Size]byte {
	h := sha1.New()
	h.Write(password)
	h.Write(salt)
	var t [sha1.Size]byte
	h.Sum(t[:0])
	for i := 1; i < iter; i++ {
		t = sha1.Sum(t[:])
	}
	return t
}

// seedKeyIV derives the SEED key and IV of the Korean seedCBCWithSHA1 scheme
// (KOREAN-PKI.md section 4, form 1): K = DK[0:16], IV = SHA1(DK[16:20])[0:16].
func seedKeyIV(password, salt []byte, iter int) (key, iv []byte) {
	dk := pbkdf1SHA1(password, salt, iter)
	ivh := sha1.Sum(dk[16:20])
	return append([]byte(nil), dk[:16]...), append([]byte(nil), ivh[:16]...)
}

// PRF and digest OIDs (RFC 8018 appendix B.1, RFC 8017 appendix C).
var (
	oidHMACWithSHA1   = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 7}
	oidHMACWithSHA224 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 8}
	oidHMACWithSHA256 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 9}
	oidHMACWithSHA384 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 10}
	oidHMACWithSHA512 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 11}
)

func prfOID(h crypto.Hash) (asn1.ObjectIdentifier, bool) {
	switch h {
	case crypto.SHA1:
		return oidHMACWithSHA1, true
	case crypto.SHA224:
		return oidHMACWithSHA224, true
	case crypto.SHA256:
		return oidHMACWithSHA256, true
	case crypto.SHA384:
		return oidHMACWithSHA384, true
	case crypto.SHA512:
		return oidHMACWithSHA512, true
	}
	return nil, false
}

func prfFromOID(oid asn1.ObjectIdentifier) (crypto.Hash, bool) {
	for _, h := range []crypto.Hash{crypto.SHA1, crypto.SHA224, crypto.SHA256, crypto.SHA384, crypto.SHA512} {
		if o, _ := prfOID(h); o.Equal(oid) {
			return h, true
		}
	}
	return 0, false
}

func hashFunc(h crypto.Hash) func() hash.Hash {
	switch h {
	case crypto.SHA1:
		return sha1.New
	case crypto.SHA224:
		return sha256.New224
	case crypto.SHA256:
		return sha256.New
	case crypto.SHA384:
		return sha512.New384
	case crypto.SHA512:
		return sha512.New
	}
	return nil
}

// pbkdf2Key is PBKDF2 (RFC 8018 section 5.2) with HMAC over h.
func pbkdf2Key(h crypto.Hash, password, salt []byte, iter, keyLen int) []byte {
	return pbkdf2.Key(password, salt, iter, keyLen, hashFunc(h))
}

// bmpPassword encodes a password for the PKCS#12 KDF: UTF-16 big-endian with a
// two-byte zero terminator (RFC 7292 appendix B.1). Invalid UTF-8 is refused rather
// than guessed at.
func bmpPassword(password []byte) ([]byte, error) {
	if !utf8.Valid(password) {
		return nil, errors.New("npki: PKCS#12 password is not valid UTF-8")
	}
	out := make([]byte, 0, 2*len(password)+2)
	for _, r := range string(password) {
		if r > 0xffff {
			r1, r2 := utf16Surrogates(r)
			out = append(out, byte(r1>>8), byte(r1), byte(r2>>8), byte(r2))
			continue
		}
		out = append(out, byte(r>>8), byte(r))
	}
	return append(out, 0, 0), nil
}

func utf16Surrogates(r rune) (rune, rune) {
	r -= 0x10000
	return 0xd800 + (r>>10)&0x3ff, 0xdc00 + r&0x3ff
}

// PKCS#12 KDF purposes (RFC 7292 appendix B.3).
const (
	pkcs12KeyID = 1
	pkcs12IVID  = 2
	pkcs12MACID = 3
)

// pkcs12KDF is the PKCS#12 key derivation (RFC 7292 appendix B.2) with hash h. bmpPass
// is the already BMP-encoded password (see bmpPassword).
func pkcs12KDF(h crypto.Hash, id byte, bmpPass, salt []byte, iter, n int) []byte {
	newHash := hashFunc(h)
	hh := newHash()
	u, v := hh.Size(), hh.BlockSize()

	// Steps 1 to 4: D, and I = S || P with S and P each repeated to a multiple of v.
	d := make([]byte, v)
	for i := range d {
		d[i] = id
	}
	fill := func(src []byte) []byte {
		if len(src) == 0 {
			return nil
		}
		out := make([]byte, v*((len(src)+v-1)/v))
		for i := range out {
			out[i] = src[i%len(src)]
		}
		return out
	}
	I := append(fill(salt), fill(bmpPass)...)

	out := make([]byte, 0, ((n+u-1)/u)*u)
	a := make([]byte, 0, u)
	b := make([]byte, v)
	for len(out) < n {
		// Step 6a: A_i = H^r(D || I).
		hh.Reset()
		hh.Write(d)
		hh.Write(I)
		a = hh.Sum(a[:0])
		for j := 1; j < iter; j++ {
			hh.Reset()
			hh.Write(a)
			a = hh.Sum(a[:0])
		}
		out = append(out, a...)
		if len(out) >= n {
			break
		}
		// Steps 6b, 6c: I_j = (I_j + B + 1) mod 2^(8v), B = A_i repeated to v bytes.
		for j := range b {
			b[j] = a[j%u]
		}
		for j := 0; j < len(I); j += v {
			carry := 1
			for k := v - 1; k >= 0; k-- {
				s := int(I[j+k]) + int(b[k]) + carry
				I[j+k] = byte(s)
				carry = s >> 8
			}
		}
	}
	return out[:n]
}

// hmacSum returns HMAC-h(key, data).
func hmacSum(h crypto.Hash, key, data []byte) []byte {
	m := hmac.New(hashFunc(h), key)
	m.Write(data)
	return m.Sum(nil)
}
