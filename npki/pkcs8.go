package npki

import (
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/des"
	"crypto/rand"
	"encoding/asn1"
	"errors"
	"fmt"
	"io"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// EncryptedPrivateKeyInfo (RFC 5958 section 3) as signPri.key holds it, with the
// password-based encryption schemes of KOREAN-PKI.md section 4 and the PKCS#12 PBE that
// pkcs8ShroudedKeyBags use (RFC 7292 appendix C).

// Encryption algorithm OIDs.
var (
	oidSEEDCBCWithSHA1  = asn1.ObjectIdentifier{1, 2, 410, 200004, 1, 15}
	oidSEEDCBC          = asn1.ObjectIdentifier{1, 2, 410, 200004, 1, 4}
	oidPBES2            = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 13}
	oidPBKDF2           = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 12}
	oidAES128CBC        = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 2}
	oidAES192CBC        = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 22}
	oidAES256CBC        = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 42}
	oidDESEDE3CBC       = asn1.ObjectIdentifier{1, 2, 840, 113549, 3, 7}
	oidPBEWithSHA13DES  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 1, 3}
	oidPBEWithSHARC2128 = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 1, 5}
	oidPBEWithSHARC240  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 1, 6}
	seedFixedIV         = []byte("0123456789012345")
	errNotPrivKeyInfo   = errors.New("npki: decrypted data is not a PrivateKeyInfo")
	errPasswordRequired = errors.New("npki: empty password")
)

// Scheme is a password-based encryption scheme for EncryptedPrivateKeyInfo.
type Scheme int

const (
	// SEEDCBCWithSHA1 is the Korean scheme 1.2.410.200004.1.15 (PBKDF1-SHA1, SEED-CBC),
	// what real signPri.key files use (KOREAN-PKI.md section 4, form 1) and every
	// Korean reader reads: the default (the zero value).
	SEEDCBCWithSHA1 Scheme = iota
	// PBES2 (RFC 8018 section 6.2) with PBKDF2. OpenSSL reads it; Korean readers read
	// it only with HMAC-SHA1 (no PRF field), an 8-byte salt and SEED-CBC, the form
	// OpenSSL writes with -v2 seed-cbc. npki's PBES2 defaults (HMAC-SHA-256, 16-byte
	// salt, 100,000 iterations) are the strong form, which those readers refuse as a
	// wrong password.
	PBES2
	// SEEDCBCFixedIV is 1.2.410.200004.1.4 used as the PBE algorithm: the same key as
	// SEEDCBCWithSHA1 and the fixed IV "0123456789012345" (section 4, form 2). Readable
	// for old files; write it only for software that reads nothing else.
	SEEDCBCFixedIV
	// PKCS12TripleDES is pbeWithSHA1And3-KeyTripleDES-CBC (RFC 7292 appendix C), the
	// PBE of the key bag in Korean PKCS#12 files.
	PKCS12TripleDES
	// PKCS12RC2CBC40 and PKCS12RC2CBC128 are pbeWithSHAAnd40BitRC2-CBC and
	// pbeWithSHAAnd128BitRC2-CBC (RFC 7292 appendix C): the certificate bags of
	// OpenSSL -legacy and Windows exports. Read only: npki never writes RC2.
	PKCS12RC2CBC40
	PKCS12RC2CBC128
)

func (s Scheme) String() string {
	switch s {
	case PBES2:
		return "PBES2"
	case SEEDCBCWithSHA1:
		return "seedCBCWithSHA1"
	case SEEDCBCFixedIV:
		return "seedCBC"
	case PKCS12TripleDES:
		return "pbeWithSHA1And3-KeyTripleDES-CBC"
	case PKCS12RC2CBC40:
		return "pbeWithSHAAnd40BitRC2-CBC"
	case PKCS12RC2CBC128:
		return "pbeWithSHAAnd128BitRC2-CBC"
	}
	return fmt.Sprintf("Scheme(%d)", int(s))
}

// Cipher is the PBES2 encryption scheme.
type Cipher int

const (
	SEEDCBC      Cipher = iota // 1.2.410.200004.1.4, the default (Korean software reads it)
	AES128CBC                  // 2.16.840.1.101.3.4.1.2
	AES256CBC                  // 2.16.840.1.101.3.4.1.42
	AES192CBC                  // read only in practice; accepted for writing too
	TripleDESCBC               // des-ede3-cbc, read for old PBES2 files
)

// Default iteration counts.
//
// The Korean schemes and the PKCS#12 PBE default to 2048, the count real signPri.key
// files carry (KOREAN-PKI.md section 4): they exist for compatibility, and PBKDF1 at
// higher counts buys little. PBES2, the strong form a caller asks for by name,
// defaults to 100,000 iterations of HMAC-SHA-256: 50 times the work of the legacy 2048
// for a guesser, yet about 17 ms to open on one core of this project's test machine
// (BenchmarkOpenKeyFile), acceptable on phones too. The price is compatibility: Korean
// readers that follow the real files decrypt it with HMAC-SHA1 and report a wrong
// password.
const (
	DefaultLegacyIterations = 2048
	DefaultPBES2Iterations  = 100_000
)

// EncryptOptions selects how EncryptPKCS8 and the functions built on it encrypt. The
// zero value (or nil) means the form of real signPri.key files, which every Korean
// reader reads: seedCBCWithSHA1, 8-byte salt, DefaultLegacyIterations, crypto/rand.
// Scheme PBES2 alone means the strong form: PBKDF2-HMAC-SHA256, 16-byte salt,
// DefaultPBES2Iterations, SEED-CBC (see PBES2 for what it costs in compatibility).
type EncryptOptions struct {
	Scheme     Scheme
	PRF        crypto.Hash // PBES2 only: crypto.SHA256 (default) or crypto.SHA1, SHA224, SHA384, SHA512
	Cipher     Cipher      // PBES2 only: SEEDCBC (default), AES128CBC, AES256CBC
	Iterations int         // 0: DefaultPBES2Iterations for PBES2, DefaultLegacyIterations otherwise
	// SaltSize in bytes; 0: 8 (what Korean files and RFC 7292 writers use), 16 for PBES2.
	SaltSize int
	Rand     io.Reader // nil: crypto/rand.Reader

	// ExistingPassword exempts the password from the policy for new passwords
	// (CheckPassword): set it only when re-writing a file under a password the user
	// already had, never for a password chosen now.
	ExistingPassword bool
}

// pbeParams is a parsed (or chosen) encryption algorithm.
type pbeParams struct {
	scheme Scheme
	cipher Cipher      // PBES2
	prf    crypto.Hash // PBES2
	iter   int
	salt   []byte
	iv     []byte // PBES2
}

// options returns EncryptOptions that reproduce p's choices (scheme, cipher, PRF,
// iterations, salt size) with a fresh salt and IV, or nil (the default form) when p's
// scheme is one npki reads but does not write.
func (p *pbeParams) options() *EncryptOptions {
	if !p.scheme.writable() {
		return nil
	}
	return &EncryptOptions{Scheme: p.scheme, PRF: p.prf, Cipher: p.cipher, Iterations: p.iter, SaltSize: len(p.salt)}
}

func (s Scheme) writable() bool {
	switch s {
	case SEEDCBCWithSHA1, PBES2, SEEDCBCFixedIV, PKCS12TripleDES:
		return true
	}
	return false
}

// kdf is the key derivation of s, for its iteration limit.
func (s Scheme) kdf() kdf {
	switch s {
	case PBES2:
		return kdfPBKDF2
	case SEEDCBCWithSHA1, SEEDCBCFixedIV:
		return kdfPBKDF1
	}
	return kdfPKCS12
}

func (c Cipher) keySize() int {
	switch c {
	case SEEDCBC, AES128CBC:
		return 16
	case AES192CBC, TripleDESCBC:
		return 24
	case AES256CBC:
		return 32
	}
	return 0
}

func (c Cipher) oid() asn1.ObjectIdentifier {
	switch c {
	case SEEDCBC:
		return oidSEEDCBC
	case AES128CBC:
		return oidAES128CBC
	case AES192CBC:
		return oidAES192CBC
	case AES256CBC:
		return oidAES256CBC
	case TripleDESCBC:
		return oidDESEDE3CBC
	}
	return nil
}

func (c Cipher) block(key []byte) (cipher.Block, error) {
	switch c {
	case SEEDCBC:
		return NewSEED(key)
	case AES128CBC, AES192CBC, AES256CBC:
		return aes.NewCipher(key)
	case TripleDESCBC:
		return des.NewTripleDESCipher(key)
	}
	return nil, fmt.Errorf("%w: cipher %d", ErrUnsupported, int(c))
}

// parsePBEAlgorithm reads an AlgorithmIdentifier naming a password-based encryption
// scheme (the contents of the SEQUENCE, OID first), refusing an iteration count over
// lim before any work.
func parsePBEAlgorithm(alg cryptobyte.String, lim *kdfLimits) (*pbeParams, error) {
	var oid asn1.ObjectIdentifier
	if !alg.ReadASN1ObjectIdentifier(&oid) {
		return nil, fmt.Errorf("%w: encryption algorithm", ErrMalformed)
	}
	switch {
	case oid.Equal(oidSEEDCBCWithSHA1), oid.Equal(oidSEEDCBC), oid.Equal(oidPBEWithSHA13DES),
		oid.Equal(oidPBEWithSHARC240), oid.Equal(oidPBEWithSHARC2128):
		// SEQUENCE { salt OCTET STRING, iterations INTEGER } for all of them
		// (KOREAN-PKI.md section 4; RFC 7292 appendix C pkcs-12PbeParams).
		p := &pbeParams{scheme: SEEDCBCWithSHA1}
		switch {
		case oid.Equal(oidSEEDCBC):
			p.scheme = SEEDCBCFixedIV
		case oid.Equal(oidPBEWithSHA13DES):
			p.scheme = PKCS12TripleDES
		case oid.Equal(oidPBEWithSHARC240):
			p.scheme = PKCS12RC2CBC40
		case oid.Equal(oidPBEWithSHARC2128):
			p.scheme = PKCS12RC2CBC128
		}
		var params cryptobyte.String
		var iter int64
		if !alg.ReadASN1(&params, cbasn1.SEQUENCE) || !alg.Empty() ||
			!params.ReadASN1Bytes(&p.salt, cbasn1.OCTET_STRING) ||
			!params.ReadASN1Integer(&iter) || !params.Empty() {
			return nil, fmt.Errorf("%w: %v parameters", ErrMalformed, p.scheme)
		}
		if err := checkSalt(p.salt); err != nil {
			return nil, err
		}
		if err := lim.spend(p.scheme.kdf(), iter); err != nil {
			return nil, err
		}
		p.iter = int(iter)
		return p, nil
	case oid.Equal(oidPBES2):
		return parsePBES2(alg, lim)
	}
	return nil, fmt.Errorf("%w: encryption algorithm %v", ErrUnsupported, oid)
}

func checkSalt(salt []byte) error {
	if len(salt) > maxSaltSize {
		return fmt.Errorf("%w: salt of %d bytes", ErrMalformed, len(salt))
	}
	return nil
}

// parsePBES2 reads PBES2-params (RFC 8018 appendix A.4) with PBKDF2-params (A.2).
func parsePBES2(alg cryptobyte.String, lim *kdfLimits) (*pbeParams, error) {
	bad := func(what string) (*pbeParams, error) {
		return nil, fmt.Errorf("%w: PBES2 %s", ErrMalformed, what)
	}
	var params, kdf, enc, kdfParams cryptobyte.String
	var kdfOID, encOID asn1.ObjectIdentifier
	if !alg.ReadASN1(&params, cbasn1.SEQUENCE) || !alg.Empty() ||
		!params.ReadASN1(&kdf, cbasn1.SEQUENCE) || !params.ReadASN1(&enc, cbasn1.SEQUENCE) || !params.Empty() {
		return bad("parameters")
	}
	if !kdf.ReadASN1ObjectIdentifier(&kdfOID) {
		return bad("key derivation function")
	}
	if !kdfOID.Equal(oidPBKDF2) {
		return nil, fmt.Errorf("%w: PBES2 key derivation %v (only PBKDF2 is supported)", ErrUnsupported, kdfOID)
	}
	p := &pbeParams{scheme: PBES2, prf: crypto.SHA1}
	var iter int64
	if !kdf.ReadASN1(&kdfParams, cbasn1.SEQUENCE) || !kdf.Empty() ||
		!kdfParams.ReadASN1Bytes(&p.salt, cbasn1.OCTET_STRING) || !kdfParams.ReadASN1Integer(&iter) {
		return bad("PBKDF2 parameters")
	}
	if err := checkSalt(p.salt); err != nil {
		return nil, err
	}
	if err := lim.spend(kdfPBKDF2, iter); err != nil {
		return nil, err
	}
	p.iter = int(iter)
	keyLen := int64(-1)
	if kdfParams.PeekASN1Tag(cbasn1.INTEGER) && !kdfParams.ReadASN1Integer(&keyLen) {
		return bad("PBKDF2 keyLength")
	}
	if kdfParams.PeekASN1Tag(cbasn1.SEQUENCE) {
		var prf cryptobyte.String
		var prfOIDv asn1.ObjectIdentifier
		if !kdfParams.ReadASN1(&prf, cbasn1.SEQUENCE) || !prf.ReadASN1ObjectIdentifier(&prfOIDv) {
			return bad("PBKDF2 prf")
		}
		// Parameters NULL (as written) or absent.
		if !prf.Empty() && !(prf.SkipASN1(cbasn1.NULL) && prf.Empty()) {
			return bad("PBKDF2 prf parameters")
		}
		h, ok := prfFromOID(prfOIDv)
		if !ok {
			return nil, fmt.Errorf("%w: PBKDF2 prf %v", ErrUnsupported, prfOIDv)
		}
		p.prf = h
	}
	if !kdfParams.Empty() {
		return bad("PBKDF2 parameters (trailing data)")
	}
	if !enc.ReadASN1ObjectIdentifier(&encOID) {
		return bad("encryption scheme")
	}
	found := false
	for _, c := range []Cipher{SEEDCBC, AES128CBC, AES192CBC, AES256CBC, TripleDESCBC} {
		if c.oid().Equal(encOID) {
			p.cipher, found = c, true
		}
	}
	if !found {
		return nil, fmt.Errorf("%w: PBES2 encryption scheme %v", ErrUnsupported, encOID)
	}
	wantIV := 16
	if p.cipher == TripleDESCBC {
		wantIV = 8
	}
	if !enc.ReadASN1Bytes(&p.iv, cbasn1.OCTET_STRING) || !enc.Empty() || len(p.iv) != wantIV {
		return bad("IV")
	}
	if keyLen != -1 && keyLen != int64(p.cipher.keySize()) {
		return bad("keyLength")
	}
	return p, nil
}

// keyIV derives the cipher and IV for p from password.
func (p *pbeParams) blockIV(password []byte) (cipher.Block, []byte, error) {
	switch p.scheme {
	case SEEDCBCWithSHA1, SEEDCBCFixedIV:
		key, iv := seedKeyIV(password, p.salt, p.iter)
		if p.scheme == SEEDCBCFixedIV {
			iv = seedFixedIV
		}
		b, err := NewSEED(key)
		return b, iv, err
	case PKCS12TripleDES:
		bmp, err := bmpPassword(password)
		if err != nil {
			return nil, nil, err
		}
		key := pkcs12KDF(crypto.SHA1, pkcs12KeyID, bmp, p.salt, p.iter, 24)
		iv := pkcs12KDF(crypto.SHA1, pkcs12IVID, bmp, p.salt, p.iter, 8)
		b, err := des.NewTripleDESCipher(key)
		return b, iv, err
	case PKCS12RC2CBC40, PKCS12RC2CBC128:
		bmp, err := bmpPassword(password)
		if err != nil {
			return nil, nil, err
		}
		bits := 40
		if p.scheme == PKCS12RC2CBC128 {
			bits = 128
		}
		key := pkcs12KDF(crypto.SHA1, pkcs12KeyID, bmp, p.salt, p.iter, bits/8)
		iv := pkcs12KDF(crypto.SHA1, pkcs12IVID, bmp, p.salt, p.iter, rc2BlockSize)
		b, err := newRC2(key, bits)
		return b, iv, err
	case PBES2:
		key := pbkdf2Key(p.prf, password, p.salt, p.iter, p.cipher.keySize())
		b, err := p.cipher.block(key)
		return b, p.iv, err
	}
	return nil, nil, fmt.Errorf("%w: scheme %v", ErrUnsupported, p.scheme)
}

// pbeDecrypt decrypts ciphertext under p. Bad padding is reported as ErrWrongPassword.
func (p *pbeParams) decrypt(ciphertext, password []byte) ([]byte, error) {
	b, iv, err := p.blockIV(password)
	if err != nil {
		return nil, err
	}
	bs := b.BlockSize()
	if len(ciphertext) == 0 || len(ciphertext)%bs != 0 {
		return nil, fmt.Errorf("%w: ciphertext length %d is not a multiple of the block size", ErrMalformed, len(ciphertext))
	}
	plain := make([]byte, len(ciphertext))
	cipher.NewCBCDecrypter(b, iv).CryptBlocks(plain, ciphertext)
	out, err := pkcs7Unpad(plain, bs)
	if err != nil {
		return nil, ErrWrongPassword
	}
	return out, nil
}

// encrypt encrypts plaintext under p with PKCS#7 padding.
func (p *pbeParams) encrypt(plaintext, password []byte) ([]byte, error) {
	b, iv, err := p.blockIV(password)
	if err != nil {
		return nil, err
	}
	padded := pkcs7Pad(plaintext, b.BlockSize())
	cipher.NewCBCEncrypter(b, iv).CryptBlocks(padded, padded)
	return padded, nil
}

// marshal writes the AlgorithmIdentifier for p.
func (p *pbeParams) marshal(b *cryptobyte.Builder) {
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		switch p.scheme {
		case SEEDCBCWithSHA1, SEEDCBCFixedIV, PKCS12TripleDES:
			oid := oidSEEDCBCWithSHA1
			if p.scheme == SEEDCBCFixedIV {
				oid = oidSEEDCBC
			} else if p.scheme == PKCS12TripleDES {
				oid = oidPBEWithSHA13DES
			}
			b.AddASN1ObjectIdentifier(oid)
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddASN1OctetString(p.salt)
				b.AddASN1Int64(int64(p.iter))
			})
		case PBES2:
			b.AddASN1ObjectIdentifier(oidPBES2)
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
					b.AddASN1ObjectIdentifier(oidPBKDF2)
					b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
						b.AddASN1OctetString(p.salt)
						b.AddASN1Int64(int64(p.iter))
						// prf DEFAULT hmacWithSHA1: DER omits the default.
						if p.prf != crypto.SHA1 {
							oid, _ := prfOID(p.prf)
							b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
								b.AddASN1ObjectIdentifier(oid)
								b.AddASN1NULL()
							})
						}
					})
				})
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
					b.AddASN1ObjectIdentifier(p.cipher.oid())
					b.AddASN1OctetString(p.iv)
				})
			})
		default:
			b.SetError(fmt.Errorf("%w: scheme %v", ErrUnsupported, p.scheme))
		}
	})
}

// newPBEParams fills in defaults and draws salt and IV.
func newPBEParams(opts *EncryptOptions) (*pbeParams, error) {
	if opts == nil {
		opts = &EncryptOptions{}
	}
	r := opts.Rand
	if r == nil {
		r = rand.Reader
	}
	p := &pbeParams{scheme: opts.Scheme, iter: opts.Iterations}
	saltLen := 8 // what Korean files and RFC 7292 writers use
	switch p.scheme {
	case SEEDCBCWithSHA1, SEEDCBCFixedIV, PKCS12TripleDES:
		if p.iter == 0 {
			p.iter = DefaultLegacyIterations
		}
	case PBES2:
		saltLen = 16 // the strong form's; a rewrite keeps the file's own (SaltSize)
		if p.iter == 0 {
			p.iter = DefaultPBES2Iterations
		}
		p.prf, p.cipher = opts.PRF, opts.Cipher
		if p.prf == 0 {
			p.prf = crypto.SHA256
		}
		if _, ok := prfOID(p.prf); !ok {
			return nil, fmt.Errorf("%w: PBKDF2 PRF %v", ErrUnsupported, p.prf)
		}
		if p.cipher.oid() == nil {
			return nil, fmt.Errorf("%w: cipher %d", ErrUnsupported, int(p.cipher))
		}
		ivLen := 16
		if p.cipher == TripleDESCBC {
			ivLen = 8
		}
		p.iv = make([]byte, ivLen)
		if _, err := io.ReadFull(r, p.iv); err != nil {
			return nil, fmt.Errorf("npki: random IV: %w", err)
		}
	default:
		return nil, fmt.Errorf("%w: scheme %v (npki reads it but does not write it)", ErrUnsupported, p.scheme)
	}
	// Never write what npki would refuse to read.
	if max := keyFileLimits().max[p.scheme.kdf()]; p.iter < 1 || int64(p.iter) > max {
		return nil, fmt.Errorf("npki: iteration count %d out of range 1..%d for %v", p.iter, max, p.scheme)
	}
	if opts.SaltSize != 0 {
		if opts.SaltSize < 0 || opts.SaltSize > maxSaltSize {
			return nil, fmt.Errorf("npki: salt size %d out of range 1..%d", opts.SaltSize, maxSaltSize)
		}
		saltLen = opts.SaltSize
	}
	p.salt = make([]byte, saltLen)
	if _, err := io.ReadFull(r, p.salt); err != nil {
		return nil, fmt.Errorf("npki: random salt: %w", err)
	}
	return p, nil
}

// DecryptPKCS8 decrypts a DER EncryptedPrivateKeyInfo (signPri.key, or the content of a
// PKCS#12 pkcs8ShroudedKeyBag) and returns the plaintext PrivateKeyInfo DER, attributes
// included. Schemes: seedCBCWithSHA1, seedCBC, PBES2 (PBKDF2 with HMAC-SHA1/224/256/
// 384/512; SEED-CBC, AES-CBC or 3DES-CBC) and pbeWithSHA1And3-KeyTripleDES-CBC.
//
// Errors: ErrWrongPassword when the decryption fails (bad padding, or a plaintext that
// is not a PrivateKeyInfo); ErrMalformed for a damaged structure; ErrIterationsTooHigh
// over MaxPBKDF1Iterations, MaxPBKDF2Iterations or MaxPKCS12Iterations (checked before
// any work); ErrTooLarge over 64 KiB; ErrUnsupported.
func DecryptPKCS8(der, password []byte) ([]byte, error) {
	plain, _, err := decryptPKCS8(der, password, keyFileLimits())
	return plain, err
}

func decryptPKCS8(der, password []byte, lim *kdfLimits) ([]byte, *pbeParams, error) {
	if len(der) > maxKeyFileSize {
		return nil, nil, fmt.Errorf("%w: %d bytes for an encrypted private key", ErrTooLarge, len(der))
	}
	in := cryptobyte.String(der)
	var epki, alg cryptobyte.String
	var ct []byte
	if !in.ReadASN1(&epki, cbasn1.SEQUENCE) || !in.Empty() ||
		!epki.ReadASN1(&alg, cbasn1.SEQUENCE) ||
		!epki.ReadASN1Bytes(&ct, cbasn1.OCTET_STRING) || !epki.Empty() {
		return nil, nil, fmt.Errorf("%w: not an EncryptedPrivateKeyInfo", ErrMalformed)
	}
	p, err := parsePBEAlgorithm(alg, lim)
	if err != nil {
		return nil, nil, err
	}
	plain, err := p.decrypt(ct, password)
	if err != nil {
		return nil, nil, err
	}
	if !isPrivateKeyInfo(plain) {
		// Right padding by chance (about 1 in 256 wrong passwords) but garbage inside.
		return nil, nil, ErrWrongPassword
	}
	return plain, p, nil
}

// isPrivateKeyInfo checks the outline of a PrivateKeyInfo / OneAsymmetricKey (RFC 5958
// section 2): SEQUENCE { INTEGER, SEQUENCE, OCTET STRING, ... } and nothing after it.
func isPrivateKeyInfo(der []byte) bool {
	in := cryptobyte.String(der)
	var s cryptobyte.String
	var v int64
	return in.ReadASN1(&s, cbasn1.SEQUENCE) && in.Empty() &&
		s.ReadASN1Integer(&v) && (v == 0 || v == 1) &&
		s.SkipASN1(cbasn1.SEQUENCE) && s.SkipASN1(cbasn1.OCTET_STRING)
}

// EncryptPKCS8 encrypts a DER PrivateKeyInfo into an EncryptedPrivateKeyInfo under
// password, as opts says (nil: seedCBCWithSHA1, 8-byte salt, 2048 iterations, the form
// of real signPri.key files). The password must pass CheckPassword unless opts.ExistingPassword is set;
// a refusal is a *PasswordError.
func EncryptPKCS8(privateKeyInfo, password []byte, opts *EncryptOptions) ([]byte, error) {
	if opts == nil || !opts.ExistingPassword {
		if err := CheckPassword(password); err != nil {
			return nil, err
		}
	}
	if len(password) == 0 {
		return nil, errPasswordRequired
	}
	if !isPrivateKeyInfo(privateKeyInfo) {
		return nil, errNotPrivKeyInfo
	}
	p, err := newPBEParams(opts)
	if err != nil {
		return nil, err
	}
	ct, err := p.encrypt(privateKeyInfo, password)
	if err != nil {
		return nil, err
	}
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		p.marshal(b)
		b.AddASN1OctetString(ct)
	})
	return b.Bytes()
}
