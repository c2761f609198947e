package npki

import (
	"bytes"
	"crypto"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"io"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// PKCS#12 (RFC 7292) in the forms KOREAN-PKI.md section 4 lists: the Korean form
// (certificate bag unencrypted, key in a pkcs8ShroudedKeyBag with
// pbeWithSHA1And3-KeyTripleDES-CBC, SHA-1 MAC), OpenSSL 3's default (PBES2/AES-256 bags,
// encrypted certificate bag, SHA-256 MAC), SEED-CBC bags, and what OpenSSL -legacy and
// Windows write (RC2-40 certificate bags, BER with indefinite lengths: ber.go). The key
// bag's PKCS#8 keeps its attributes, so R survives an export and an import. Only
// password integrity mode is supported (no public-key integrity).

var (
	oidData            = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	oidEncryptedData   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 6}
	oidKeyBag          = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 10, 1, 1}
	oidShroudedKeyBag  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 10, 1, 2}
	oidCertBag         = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 10, 1, 3}
	oidX509Certificate = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 22, 1}
	oidLocalKeyID      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 21}
	oidDigestSHA1      = asn1.ObjectIdentifier{1, 3, 14, 3, 2, 26}
	oidDigestSHA256    = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
	oidDigestSHA384    = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 2}
	oidDigestSHA512    = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 3}

	tagExplicit0  = cbasn1.Tag(0).ContextSpecific().Constructed()
	tagImplicit0P = cbasn1.Tag(0).ContextSpecific()
)

// maxPFXBags bounds the number of bags and certificates, whatever the file says.
const maxPFXBags = 64

// PFX is a decoded PKCS#12 file.
type PFX struct {
	Key     *PrivateKey       // with R when the key bag had it
	Cert    *x509.Certificate // the certificate of Key
	CACerts []*x509.Certificate
	// LocalKeyID is the key bag's localKeyID attribute (Korean files: the SKI).
	LocalKeyID []byte
	// KeyScheme and MACHash describe how the file was protected; CertScheme is the
	// scheme of the (last) encrypted certificate bag, meaningful when CertsEncrypted.
	KeyScheme      Scheme
	MACHash        crypto.Hash
	CertsEncrypted bool
	CertScheme     Scheme
}

// DefaultPFXIterations is the iteration count of the key bag and the MAC in the
// PKCS#12 files EncodePFX writes: 1024, as the yessign sample has (KOREAN-PKI.md
// section 4).
const DefaultPFXIterations = 1024

// PFXForm selects the layout EncodePFX writes.
type PFXForm int

const (
	// PFXKorean is what Korean certificate software writes and reads: certificate bag
	// unencrypted, key in a pkcs8ShroudedKeyBag with pbeWithSHA1And3-KeyTripleDES-CBC,
	// HMAC-SHA1 MAC (KOREAN-PKI.md section 4). The default.
	PFXKorean PFXForm = iota
	// PFXModern is what OpenSSL 3 writes by default: PBES2 (PBKDF2-HMAC-SHA256,
	// AES-256-CBC) for the key bag and for the encrypted certificate bag, HMAC-SHA256
	// MAC.
	PFXModern
)

// PFXOptions controls EncodePFX. The zero value (or nil) writes the Korean form.
type PFXOptions struct {
	Form PFXForm
	// Iterations for the bags' KDFs and the MAC; 0 means DefaultPFXIterations (1024,
	// what Korean PKCS#12 files carry) for PFXKorean and 2048 (OpenSSL 3's default) for
	// PFXModern. At most MaxPKCS12Iterations.
	Iterations int
	Rand       io.Reader // nil: crypto/rand.Reader
	// ExistingPassword exempts the password from CheckPassword (see EncryptOptions).
	ExistingPassword bool
}

// DecodePFX reads a PKCS#12 file with a private key and its certificate.
//
// Errors: ErrWrongPassword when the MAC does not verify (or, in a file without MAC,
// when a bag does not decrypt); ErrMalformed; ErrIterationsTooHigh for the MAC or any
// bag over MaxPKCS12Iterations, or over four times that in all (checked before the
// work); ErrTooLarge over 1 MiB; ErrUnsupported (public-key integrity mode, enveloped
// data, RC4 and other bag ciphers npki does not implement).
func DecodePFX(data, password []byte) (*PFX, error) {
	if len(data) > maxPFXSize {
		return nil, fmt.Errorf("npki: PKCS#12: %w: %d bytes", ErrTooLarge, len(data))
	}
	pfx, err := decodePFX(data, password)
	if err != nil {
		return nil, fmt.Errorf("npki: PKCS#12: %w", err)
	}
	return pfx, nil
}

func decodePFX(data, password []byte) (*PFX, error) {
	data, err := berToDER(data)
	if err != nil {
		return nil, err
	}
	lim := newPFXLimits()
	in := cryptobyte.String(data)
	var top, authSafe, macData cryptobyte.String
	var version int64
	if !in.ReadASN1(&top, cbasn1.SEQUENCE) || !in.Empty() ||
		!top.ReadASN1Integer(&version) || !top.ReadASN1(&authSafe, cbasn1.SEQUENCE) {
		return nil, fmt.Errorf("%w: PFX", ErrMalformed)
	}
	if version != 3 {
		return nil, fmt.Errorf("%w: PFX version %d (want 3)", ErrUnsupported, version)
	}
	content, err := readDataContentInfo(authSafe)
	if err != nil {
		return nil, err
	}
	pfx := &PFX{}
	if top.PeekASN1Tag(cbasn1.SEQUENCE) {
		if !top.ReadASN1(&macData, cbasn1.SEQUENCE) {
			return nil, fmt.Errorf("%w: MacData", ErrMalformed)
		}
		if pfx.MACHash, err = verifyMAC(macData, content, password, lim); err != nil {
			return nil, err
		}
	}
	if !top.Empty() {
		return nil, fmt.Errorf("%w: PFX trailing data", ErrMalformed)
	}

	// AuthenticatedSafe ::= SEQUENCE OF ContentInfo (RFC 7292 section 4.1), itself BER
	// in some files: re-encoded only now, after the MAC over the bytes as they came.
	if content, err = berToDER(content); err != nil {
		return nil, err
	}
	var safes cryptobyte.String
	acs := cryptobyte.String(content)
	if !acs.ReadASN1(&safes, cbasn1.SEQUENCE) || !acs.Empty() {
		return nil, fmt.Errorf("%w: AuthenticatedSafe", ErrMalformed)
	}
	var keys []keyBag
	var certs [][]byte
	for n := 0; !safes.Empty(); n++ {
		var ci cryptobyte.String
		var ctype asn1.ObjectIdentifier
		if n >= maxPFXBags || !safes.ReadASN1(&ci, cbasn1.SEQUENCE) || !ci.ReadASN1ObjectIdentifier(&ctype) {
			return nil, fmt.Errorf("%w: ContentInfo", ErrMalformed)
		}
		var sc []byte
		switch {
		case ctype.Equal(oidData):
			var explicit cryptobyte.String
			if !ci.ReadASN1(&explicit, tagExplicit0) || !explicit.ReadASN1Bytes(&sc, cbasn1.OCTET_STRING) ||
				!explicit.Empty() || !ci.Empty() {
				return nil, fmt.Errorf("%w: data ContentInfo", ErrMalformed)
			}
		case ctype.Equal(oidEncryptedData):
			if sc, pfx.CertScheme, err = decryptEncryptedData(ci, password, lim); err != nil {
				return nil, err
			}
			pfx.CertsEncrypted = true
		default:
			return nil, fmt.Errorf("%w: ContentInfo type %v (enveloped data is not supported)", ErrUnsupported, ctype)
		}
		if sc, err = berToDER(sc); err != nil {
			return nil, err
		}
		if err := readSafeContents(sc, password, &keys, &certs, pfx, lim); err != nil {
			return nil, err
		}
	}
	if len(keys) != 1 {
		return nil, fmt.Errorf("%w: %d private keys in the file, want 1", ErrMalformed, len(keys))
	}
	pfx.Key, pfx.LocalKeyID = keys[0].key, keys[0].localKeyID
	for _, der := range certs {
		c, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, fmt.Errorf("%w: certificate: %v", ErrMalformed, err)
		}
		if pfx.Cert == nil && publicKeyMatches(pfx.Key.Key, c) {
			pfx.Cert = c
			continue
		}
		pfx.CACerts = append(pfx.CACerts, c)
	}
	if pfx.Cert == nil {
		return nil, fmt.Errorf("%w: no certificate for the private key", ErrMalformed)
	}
	return pfx, nil
}

func publicKeyMatches(key crypto.Signer, c *x509.Certificate) bool {
	pub, ok := key.Public().(interface{ Equal(crypto.PublicKey) bool })
	return ok && pub.Equal(c.PublicKey)
}

// readDataContentInfo returns the OCTET STRING content of a data ContentInfo.
func readDataContentInfo(ci cryptobyte.String) ([]byte, error) {
	var ctype asn1.ObjectIdentifier
	var explicit cryptobyte.String
	var content []byte
	if !ci.ReadASN1ObjectIdentifier(&ctype) {
		return nil, fmt.Errorf("%w: authSafe", ErrMalformed)
	}
	if !ctype.Equal(oidData) {
		return nil, fmt.Errorf("%w: authSafe of type %v (public-key integrity mode)", ErrUnsupported, ctype)
	}
	if !ci.ReadASN1(&explicit, tagExplicit0) || !ci.Empty() {
		return nil, fmt.Errorf("%w: authSafe content", ErrMalformed)
	}
	if !explicit.ReadASN1Bytes(&content, cbasn1.OCTET_STRING) || !explicit.Empty() {
		return nil, fmt.Errorf("%w: authSafe content is not a DER OCTET STRING", ErrMalformed)
	}
	return content, nil
}

func macHashFromOID(oid asn1.ObjectIdentifier) (crypto.Hash, bool) {
	switch {
	case oid.Equal(oidDigestSHA1):
		return crypto.SHA1, true
	case oid.Equal(oidDigestSHA256):
		return crypto.SHA256, true
	case oid.Equal(oidDigestSHA384):
		return crypto.SHA384, true
	case oid.Equal(oidDigestSHA512):
		return crypto.SHA512, true
	}
	return 0, false
}

// verifyMAC checks MacData (RFC 7292 section 4 and appendix B).
func verifyMAC(macData cryptobyte.String, content, password []byte, lim *kdfLimits) (crypto.Hash, error) {
	var digestInfo, alg cryptobyte.String
	var oid asn1.ObjectIdentifier
	var digest, salt []byte
	iter := int64(1)
	if !macData.ReadASN1(&digestInfo, cbasn1.SEQUENCE) || !digestInfo.ReadASN1(&alg, cbasn1.SEQUENCE) ||
		!alg.ReadASN1ObjectIdentifier(&oid) || !digestInfo.ReadASN1Bytes(&digest, cbasn1.OCTET_STRING) ||
		!digestInfo.Empty() || !macData.ReadASN1Bytes(&salt, cbasn1.OCTET_STRING) {
		return 0, fmt.Errorf("%w: MacData", ErrMalformed)
	}
	if !macData.Empty() && (!macData.ReadASN1Integer(&iter) || !macData.Empty()) {
		return 0, fmt.Errorf("%w: MacData iterations", ErrMalformed)
	}
	h, ok := macHashFromOID(oid)
	if !ok {
		return 0, fmt.Errorf("%w: MAC digest %v", ErrUnsupported, oid)
	}
	if err := checkSalt(salt); err != nil {
		return 0, err
	}
	if err := lim.spend(kdfPKCS12, iter); err != nil {
		return 0, err
	}
	bmp, err := bmpPassword(password)
	if err != nil {
		return 0, err
	}
	key := pkcs12KDF(h, pkcs12MACID, bmp, salt, int(iter), h.Size())
	if !hmac.Equal(hmacSum(h, key, content), digest) {
		return 0, ErrWrongPassword
	}
	return h, nil
}

// decryptEncryptedData decrypts an encryptedData ContentInfo's content (after the OID)
// and returns the plaintext and its scheme.
func decryptEncryptedData(ci cryptobyte.String, password []byte, lim *kdfLimits) ([]byte, Scheme, error) {
	var explicit, ed, eci, alg cryptobyte.String
	var version int64
	var ctype asn1.ObjectIdentifier
	if !ci.ReadASN1(&explicit, tagExplicit0) || !ci.Empty() ||
		!explicit.ReadASN1(&ed, cbasn1.SEQUENCE) || !explicit.Empty() ||
		!ed.ReadASN1Integer(&version) || !ed.ReadASN1(&eci, cbasn1.SEQUENCE) ||
		!eci.ReadASN1ObjectIdentifier(&ctype) || !eci.ReadASN1(&alg, cbasn1.SEQUENCE) {
		return nil, 0, fmt.Errorf("%w: encryptedData", ErrMalformed)
	}
	ct, ok := readImplicitOctets(&eci)
	if !ok || !eci.Empty() {
		return nil, 0, fmt.Errorf("%w: encryptedData content", ErrMalformed)
	}
	if !ctype.Equal(oidData) {
		return nil, 0, fmt.Errorf("%w: encryptedData content type %v", ErrMalformed, ctype)
	}
	p, err := parsePBEAlgorithm(alg, lim)
	if err != nil {
		return nil, 0, err
	}
	plain, err := p.decrypt(ct, password)
	return plain, p.scheme, err
}

// readImplicitOctets reads encryptedContent [0] IMPLICIT OCTET STRING: primitive in
// DER, or (from BER, after berToDER) a constructed [0] of OCTET STRING segments.
func readImplicitOctets(s *cryptobyte.String) ([]byte, bool) {
	var ct []byte
	if s.PeekASN1Tag(tagImplicit0P) {
		return ct, s.ReadASN1Bytes(&ct, tagImplicit0P)
	}
	var segs cryptobyte.String
	if !s.ReadASN1(&segs, tagExplicit0) {
		return nil, false
	}
	ct = []byte{}
	for !segs.Empty() {
		var seg []byte
		if !segs.ReadASN1Bytes(&seg, cbasn1.OCTET_STRING) {
			return nil, false
		}
		ct = append(ct, seg...)
	}
	return ct, true
}

type keyBag struct {
	key        *PrivateKey
	localKeyID []byte
}

// readSafeContents reads SafeContents ::= SEQUENCE OF SafeBag (RFC 7292 section 4.2).
func readSafeContents(sc, password []byte, keys *[]keyBag, certs *[][]byte, pfx *PFX, lim *kdfLimits) error {
	in := cryptobyte.String(sc)
	var bags cryptobyte.String
	if !in.ReadASN1(&bags, cbasn1.SEQUENCE) || !in.Empty() {
		return fmt.Errorf("%w: SafeContents", ErrMalformed)
	}
	for !bags.Empty() {
		var bag, value cryptobyte.String
		var bagID asn1.ObjectIdentifier
		if len(*keys)+len(*certs) >= maxPFXBags ||
			!bags.ReadASN1(&bag, cbasn1.SEQUENCE) || !bag.ReadASN1ObjectIdentifier(&bagID) ||
			!bag.ReadASN1(&value, tagExplicit0) {
			return fmt.Errorf("%w: SafeBag", ErrMalformed)
		}
		var localKeyID []byte
		if bag.PeekASN1Tag(cbasn1.SET) {
			var attrs cryptobyte.String
			if !bag.ReadASN1(&attrs, cbasn1.SET) {
				return fmt.Errorf("%w: SafeBag attributes", ErrMalformed)
			}
			for !attrs.Empty() {
				var attr, vals cryptobyte.String
				var typ asn1.ObjectIdentifier
				if !attrs.ReadASN1(&attr, cbasn1.SEQUENCE) || !attr.ReadASN1ObjectIdentifier(&typ) ||
					!attr.ReadASN1(&vals, cbasn1.SET) || !attr.Empty() {
					return fmt.Errorf("%w: SafeBag attribute", ErrMalformed)
				}
				if typ.Equal(oidLocalKeyID) && !vals.ReadASN1Bytes(&localKeyID, cbasn1.OCTET_STRING) {
					return fmt.Errorf("%w: localKeyID", ErrMalformed)
				}
			}
		}
		if !bag.Empty() {
			return fmt.Errorf("%w: SafeBag trailing data", ErrMalformed)
		}
		switch {
		case bagID.Equal(oidShroudedKeyBag), bagID.Equal(oidKeyBag):
			var plain []byte
			var err error
			if bagID.Equal(oidShroudedKeyBag) {
				var p *pbeParams
				plain, p, err = decryptPKCS8(value, password, lim)
				if err != nil {
					return fmt.Errorf("key bag: %w", err)
				}
				pfx.KeyScheme = p.scheme
			} else {
				plain = bytes.Clone(value)
			}
			k, err := ParsePrivateKeyInfo(plain)
			clear(plain)
			if err != nil {
				return fmt.Errorf("key bag: %w", err)
			}
			*keys = append(*keys, keyBag{k, bytes.Clone(localKeyID)})
		case bagID.Equal(oidCertBag):
			var cb, cv cryptobyte.String
			var certID asn1.ObjectIdentifier
			var der []byte
			if !value.ReadASN1(&cb, cbasn1.SEQUENCE) || !value.Empty() || !cb.ReadASN1ObjectIdentifier(&certID) ||
				!cb.ReadASN1(&cv, tagExplicit0) || !cb.Empty() {
				return fmt.Errorf("%w: CertBag", ErrMalformed)
			}
			if !certID.Equal(oidX509Certificate) {
				continue // SDSI certificates: not ours
			}
			if !cv.ReadASN1Bytes(&der, cbasn1.OCTET_STRING) || !cv.Empty() {
				return fmt.Errorf("%w: CertBag value", ErrMalformed)
			}
			*certs = append(*certs, bytes.Clone(der))
		default:
			// CRL, secret and nested bags: skipped.
		}
	}
	return nil
}

// localKeyID returns the certificate's SKI, or the SHA-1 of its public key when it has
// none.
func localKeyID(cert *x509.Certificate) []byte {
	if len(cert.SubjectKeyId) > 0 {
		return cert.SubjectKeyId
	}
	s := sha1.Sum(cert.RawSubjectPublicKeyInfo)
	return s[:]
}

// EncodePFX writes key, its certificate and caCerts as PKCS#12 under password, in the
// Korean form unless opts says otherwise. R and the key's other attributes travel inside
// the shrouded key bag; both bags carry localKeyID = the certificate's SKI. The password
// must pass CheckPassword unless opts.ExistingPassword is set.
func EncodePFX(key *PrivateKey, cert *x509.Certificate, caCerts []*x509.Certificate, password []byte, opts *PFXOptions) ([]byte, error) {
	if opts == nil {
		opts = &PFXOptions{}
	}
	if !opts.ExistingPassword {
		if err := CheckPassword(password); err != nil {
			return nil, err
		}
	}
	if key == nil || key.Key == nil || cert == nil {
		return nil, errors.New("npki: EncodePFX: key and certificate are required")
	}
	if !publicKeyMatches(key.Key, cert) {
		return nil, errors.New("npki: EncodePFX: the certificate is not for this key")
	}
	iter := opts.Iterations
	if iter == 0 {
		iter = DefaultPFXIterations
		if opts.Form == PFXModern {
			iter = 2048
		}
	}
	if iter < 1 || iter > MaxPKCS12Iterations {
		return nil, fmt.Errorf("npki: EncodePFX: iteration count %d out of range 1..%d", iter, MaxPKCS12Iterations)
	}
	r := opts.Rand
	if r == nil {
		r = rand.Reader
	}
	var eo *EncryptOptions
	macHash := crypto.SHA1
	switch opts.Form {
	case PFXKorean:
		eo = &EncryptOptions{Scheme: PKCS12TripleDES, Iterations: iter, Rand: r, ExistingPassword: true}
	case PFXModern:
		eo = &EncryptOptions{Scheme: PBES2, PRF: crypto.SHA256, Cipher: AES256CBC, Iterations: iter, Rand: r, ExistingPassword: true}
		macHash = crypto.SHA256
	default:
		return nil, fmt.Errorf("npki: EncodePFX: unknown form %d", int(opts.Form))
	}
	id := localKeyID(cert)

	plain, err := MarshalPrivateKeyInfo(key)
	if err != nil {
		return nil, err
	}
	defer clear(plain)
	shrouded, err := EncryptPKCS8(plain, password, eo)
	if err != nil {
		return nil, err
	}
	// SafeContents with the certificate bags, and with the key bag.
	var certsSC, keySC cryptobyte.Builder
	certsSC.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		addCertBag(b, cert.Raw, id)
		for _, c := range caCerts {
			addCertBag(b, c.Raw, nil)
		}
		if opts.Form == PFXKorean {
			// One SafeContents for both, as cert.pfx has it.
			addBag(b, oidShroudedKeyBag, shrouded, id)
		}
	})
	keySC.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { addBag(b, oidShroudedKeyBag, shrouded, id) })
	cs, err := certsSC.Bytes()
	if err != nil {
		return nil, err
	}

	var auth cryptobyte.Builder
	switch opts.Form {
	case PFXKorean:
		// One data ContentInfo holding the certificate and key bags, as cert.pfx does.
		auth.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { addDataContentInfo(b, cs) })
	case PFXModern:
		// OpenSSL's layout: certificates in an encryptedData, the key in a data.
		p, err := newPBEParams(eo)
		if err != nil {
			return nil, err
		}
		ct, err := p.encrypt(cs, password)
		if err != nil {
			return nil, err
		}
		auth.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddASN1ObjectIdentifier(oidEncryptedData)
				b.AddASN1(tagExplicit0, func(b *cryptobyte.Builder) {
					b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
						b.AddASN1Int64(0)
						b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
							b.AddASN1ObjectIdentifier(oidData)
							p.marshal(b)
							b.AddASN1(tagImplicit0P, func(b *cryptobyte.Builder) { b.AddBytes(ct) })
						})
					})
				})
			})
			addDataContentInfo(b, keySC.BytesOrPanic())
		})
	}
	authSafe, err := auth.Bytes()
	if err != nil {
		return nil, err
	}

	salt := make([]byte, 8)
	if _, err := io.ReadFull(r, salt); err != nil {
		return nil, fmt.Errorf("npki: EncodePFX: random salt: %w", err)
	}
	bmp, err := bmpPassword(password)
	if err != nil {
		return nil, err
	}
	macKey := pkcs12KDF(macHash, pkcs12MACID, bmp, salt, iter, macHash.Size())
	mac := hmacSum(macHash, macKey, authSafe)
	digestOID := oidDigestSHA1
	if macHash == crypto.SHA256 {
		digestOID = oidDigestSHA256
	}

	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1Int64(3)
		addDataContentInfo(b, authSafe)
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
					b.AddASN1ObjectIdentifier(digestOID)
					b.AddASN1NULL()
				})
				b.AddASN1OctetString(mac)
			})
			b.AddASN1OctetString(salt)
			b.AddASN1Int64(int64(iter))
		})
	})
	return b.Bytes()
}

func addDataContentInfo(b *cryptobyte.Builder, content []byte) {
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1ObjectIdentifier(oidData)
		b.AddASN1(tagExplicit0, func(b *cryptobyte.Builder) { b.AddASN1OctetString(content) })
	})
}

func addCertBag(b *cryptobyte.Builder, der, id []byte) {
	var cb cryptobyte.Builder
	cb.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1ObjectIdentifier(oidX509Certificate)
		b.AddASN1(tagExplicit0, func(b *cryptobyte.Builder) { b.AddASN1OctetString(der) })
	})
	v, err := cb.Bytes()
	if err != nil {
		b.SetError(err)
		return
	}
	addBag(b, oidCertBag, v, id)
}

// addBag writes a SafeBag whose value is the DER element v, with localKeyID when id is
// not nil.
func addBag(b *cryptobyte.Builder, bagID asn1.ObjectIdentifier, v, id []byte) {
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1ObjectIdentifier(bagID)
		b.AddASN1(tagExplicit0, func(b *cryptobyte.Builder) { b.AddBytes(v) })
		if id != nil {
			b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) {
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
					b.AddASN1ObjectIdentifier(oidLocalKeyID)
					b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) { b.AddASN1OctetString(id) })
				})
			})
		}
	})
}
