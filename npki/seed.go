package npki

import (
	"crypto/cipher"
	"encoding/binary"
	"fmt"
	"math/bits"
)

// SEED-128, the Korean block cipher of TTAS.KO-12.0004 and RFC 4269 (KOREAN-PKI.md
// section 4): a 16-round Feistel cipher on 128-bit blocks with a 128-bit key. Korean
// key files (signPri.key) are encrypted with it in CBC mode.
//
// The round function's G function is four table lookups (RFC 4269 section 2.3, the
// "SS-boxes"). The tables are not written out here: they are derived once, when the
// package is initialised, from the algebraic definition of the two S-boxes, which is
// shorter to check than 1,024 hexadecimal constants. Test vectors (RFC 4269 appendix B,
// KOREAN-PKI.md section 4) and OpenSSL interop confirm the derivation.

// SEEDBlockSize is the SEED block size in bytes.
const SEEDBlockSize = 16

// seedSS holds SS0..SS3 (RFC 4269 section 2.3 and appendix A).
var seedSS = buildSEEDTables()

// seedKC holds the key-schedule constants KC0..KC15: the golden-ratio constant
// 0x9e3779b9 rotated left by i bits (RFC 4269 section 2.2).
var seedKC = func() (kc [16]uint32) {
	for i := range kc {
		kc[i] = bits.RotateLeft32(0x9e3779b9, i)
	}
	return kc
}()

// gfMul multiplies in GF(2^8) modulo p(x) = x^8 + x^6 + x^5 + x + 1, SEED's field.
func gfMul(a, b byte) byte {
	var r byte
	for ; b != 0; b >>= 1 {
		if b&1 != 0 {
			r ^= a
		}
		hi := a & 0x80
		a <<= 1
		if hi != 0 {
			a ^= 0x63 // x^8 = x^6 + x^5 + x + 1
		}
	}
	return r
}

func gfPow(a byte, e int) byte {
	r := byte(1)
	for ; e > 0; e >>= 1 {
		if e&1 != 0 {
			r = gfMul(r, a)
		}
		a = gfMul(a, a)
	}
	return r
}

// affine returns A·x ⊕ c over GF(2), where rows[i] selects the input bits that make
// output bit i.
func affine(rows [8]byte, x, c byte) byte {
	var y byte
	for i, row := range rows {
		y |= byte(bits.OnesCount8(row&x)&1) << i
	}
	return y ^ c
}

// buildSEEDTables derives the SS-boxes. The S-boxes are (TTAS.KO-12.0004):
//
//	S1(x) = A1 · x^247 ⊕ 169,  S2(x) = A2 · x^251 ⊕ 56   in GF(2^8)
//
// and the G function's output byte j takes S(Y_k) masked by m[(j+k) mod 4] with
// m = {0xfc, 0xf3, 0xcf, 0x3f}, S1 for Y0 and Y2, S2 for Y1 and Y3 (RFC 4269
// section 2.3). SSk[y] is that contribution of input byte k precomputed for all y,
// so G(Y) = SS0[Y0] ⊕ SS1[Y1] ⊕ SS2[Y2] ⊕ SS3[Y3].
func buildSEEDTables() (ss [4][256]uint32) {
	a1 := [8]byte{0x14, 0x88, 0x21, 0x45, 0x42, 0x85, 0xfe, 0x8a}
	a2 := [8]byte{0x14, 0x42, 0x88, 0x8a, 0x21, 0xfe, 0x85, 0x45}
	m := [4]byte{0xfc, 0xf3, 0xcf, 0x3f}
	for y := 0; y < 256; y++ {
		s := [2]byte{
			affine(a1, gfPow(byte(y), 247), 169),
			affine(a2, gfPow(byte(y), 251), 56),
		}
		for k := 0; k < 4; k++ {
			x := s[k&1]
			var w uint32
			for j := 0; j < 4; j++ {
				w |= uint32(x&m[(j+k)&3]) << (8 * j)
			}
			ss[k][y] = w
		}
	}
	return ss
}

func seedG(x uint32) uint32 {
	return seedSS[0][byte(x)] ^ seedSS[1][byte(x>>8)] ^ seedSS[2][byte(x>>16)] ^ seedSS[3][byte(x>>24)]
}

type seedCipher struct {
	rk [32]uint32 // K_{i,0}, K_{i,1} for rounds i = 1..16
}

// KeySizeError is returned by NewSEED for a key that is not 16 bytes.
type seedKeySizeError int

func (k seedKeySizeError) Error() string {
	return fmt.Sprintf("npki: invalid SEED key size %d (SEED-128 takes 16 bytes)", int(k))
}

// NewSEED returns a SEED-128 cipher.Block (RFC 4269). key must be 16 bytes.
func NewSEED(key []byte) (cipher.Block, error) {
	if len(key) != 16 {
		return nil, seedKeySizeError(len(key))
	}
	c := new(seedCipher)
	k0 := binary.BigEndian.Uint32(key[0:])
	k1 := binary.BigEndian.Uint32(key[4:])
	k2 := binary.BigEndian.Uint32(key[8:])
	k3 := binary.BigEndian.Uint32(key[12:])
	// RFC 4269 section 2.2.
	for i := 0; i < 16; i++ {
		c.rk[2*i] = seedG(k0 + k2 - seedKC[i])
		c.rk[2*i+1] = seedG(k1 - k3 + seedKC[i])
		if i%2 == 0 {
			// Key0||Key1 rotated right by 8 bits.
			t := k0
			k0 = k0>>8 | k1<<24
			k1 = k1>>8 | t<<24
		} else {
			// Key2||Key3 rotated left by 8 bits.
			t := k2
			k2 = k2<<8 | k3>>24
			k3 = k3<<8 | t>>24
		}
	}
	return c, nil
}

func (c *seedCipher) BlockSize() int { return SEEDBlockSize }

// seedF is the round function F (RFC 4269 section 2.1) XORed into (l0, l1).
func seedF(l0, l1, r0, r1, k0, k1 uint32) (uint32, uint32) {
	t0 := r0 ^ k0
	t1 := r1 ^ k1
	t1 ^= t0
	t1 = seedG(t1)
	t0 += t1
	t0 = seedG(t0)
	t1 += t0
	t1 = seedG(t1)
	t0 += t1
	return l0 ^ t0, l1 ^ t1
}

func (c *seedCipher) Encrypt(dst, src []byte) {
	if len(src) < SEEDBlockSize || len(dst) < SEEDBlockSize {
		panic("npki: SEED input not full block")
	}
	l0 := binary.BigEndian.Uint32(src[0:])
	l1 := binary.BigEndian.Uint32(src[4:])
	r0 := binary.BigEndian.Uint32(src[8:])
	r1 := binary.BigEndian.Uint32(src[12:])
	rk := &c.rk
	for i := 0; i < 32; i += 4 {
		l0, l1 = seedF(l0, l1, r0, r1, rk[i], rk[i+1])
		r0, r1 = seedF(r0, r1, l0, l1, rk[i+2], rk[i+3])
	}
	binary.BigEndian.PutUint32(dst[0:], r0)
	binary.BigEndian.PutUint32(dst[4:], r1)
	binary.BigEndian.PutUint32(dst[8:], l0)
	binary.BigEndian.PutUint32(dst[12:], l1)
}

func (c *seedCipher) Decrypt(dst, src []byte) {
	if len(src) < SEEDBlockSize || len(dst) < SEEDBlockSize {
		panic("npki: SEED input not full block")
	}
	l0 := binary.BigEndian.Uint32(src[0:])
	l1 := binary.BigEndian.Uint32(src[4:])
	r0 := binary.BigEndian.Uint32(src[8:])
	r1 := binary.BigEndian.Uint32(src[12:])
	rk := &c.rk
	for i := 30; i >= 0; i -= 4 {
		l0, l1 = seedF(l0, l1, r0, r1, rk[i], rk[i+1])
		r0, r1 = seedF(r0, r1, l0, l1, rk[i-2], rk[i-1])
	}
	binary.BigEndian.PutUint32(dst[0:], r0)
	binary.BigEndian.PutUint32(dst[4:], r1)
	binary.BigEndian.PutUint32(dst[8:], l0)
	binary.BigEndian.PutUint32(dst[12:], l1)
}
