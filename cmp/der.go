package cmp

import (
	encoding_asn1 "encoding/asn1"
	"fmt"
	"math/big"
	"time"

	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"
)

// MaxMessageSize is the largest PKIMessage Parse accepts. A CMP message carries a few
// certificates at most; 1 MiB leaves room for long chains while bounding memory.
const MaxMessageSize = 1 << 20

// maxNesting bounds the depth of constructed DER elements. Real messages nest about 13
// deep (a certificate's name inside caPubs inside ip); 32 leaves room for extensions.
const maxNesting = 32

// context-specific tags, constructed (EXPLICIT, or IMPLICIT on a SEQUENCE) and primitive.
func ctx(n uint8) asn1.Tag     { return asn1.Tag(n).ContextSpecific().Constructed() }
func ctxPrim(n uint8) asn1.Tag { return asn1.Tag(n).ContextSpecific() }

func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrMalformed, fmt.Sprintf(format, args...))
}

// checkNesting walks every constructed element of der, refusing depth > max, trailing
// bytes, and encodings cryptobyte cannot read (indefinite lengths, high tag numbers).
func checkNesting(der []byte, max int) error {
	var walk func(s cryptobyte.String, depth int) error
	walk = func(s cryptobyte.String, depth int) error {
		if depth > max {
			return fmt.Errorf("%w: nesting deeper than %d", ErrTooLarge, max)
		}
		for !s.Empty() {
			var inner cryptobyte.String
			var tag asn1.Tag
			if !s.ReadAnyASN1(&inner, &tag) {
				return malformed("bad DER element at depth %d", depth)
			}
			if tag&0x20 != 0 {
				if err := walk(inner, depth+1); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return walk(cryptobyte.String(der), 0)
}

// AlgorithmIdentifier (RFC 5280 section 4.1.1.2). Parameters is the complete DER of the
// parameters element, nil when absent (which differs from an explicit NULL, 05 00).
type AlgorithmIdentifier struct {
	Algorithm  encoding_asn1.ObjectIdentifier
	Parameters []byte
}

var derNull = []byte{0x05, 0x00}

func readAlgorithmIdentifier(s *cryptobyte.String, out *AlgorithmIdentifier) bool {
	var seq cryptobyte.String
	if !s.ReadASN1(&seq, asn1.SEQUENCE) || !seq.ReadASN1ObjectIdentifier(&out.Algorithm) {
		return false
	}
	out.Parameters = nil
	if !seq.Empty() {
		var p cryptobyte.String
		var tag asn1.Tag
		if !seq.ReadAnyASN1Element(&p, &tag) || !seq.Empty() {
			return false
		}
		out.Parameters = clone(p)
	}
	return true
}

func addAlgorithmIdentifier(b *cryptobyte.Builder, a AlgorithmIdentifier) {
	b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1ObjectIdentifier(a.Algorithm)
		if a.Parameters != nil {
			b.AddBytes(a.Parameters)
		}
	})
}

// readElement reads the next element (header included) with the given tag.
func readElement(s *cryptobyte.String, tag asn1.Tag) ([]byte, bool) {
	var e cryptobyte.String
	if !s.ReadASN1Element(&e, tag) {
		return nil, false
	}
	return clone(e), true
}

// readAnyElement reads the next element whatever its tag, header included.
func readAnyElement(s *cryptobyte.String) ([]byte, bool) {
	var e cryptobyte.String
	var tag asn1.Tag
	if !s.ReadAnyASN1Element(&e, &tag) {
		return nil, false
	}
	return clone(e), true
}

func clone(b []byte) []byte {
	if b == nil {
		return nil
	}
	return append(make([]byte, 0, len(b)), b...)
}

// readBigInt reads an INTEGER (or an IMPLICIT-tagged one).
func readBigInt(s *cryptobyte.String, tag asn1.Tag) (*big.Int, bool) {
	var content cryptobyte.String
	if !s.ReadASN1(&content, tag) {
		return nil, false
	}
	// Re-read the content as an INTEGER to reuse cryptobyte's minimal-encoding checks.
	var b cryptobyte.Builder
	b.AddASN1(asn1.INTEGER, func(b *cryptobyte.Builder) { b.AddBytes(content) })
	der, err := b.Bytes()
	if err != nil {
		return nil, false
	}
	n := new(big.Int)
	in := cryptobyte.String(der)
	if !in.ReadASN1Integer(n) {
		return nil, false
	}
	return n, true
}

func addBigInt(b *cryptobyte.Builder, tag asn1.Tag, n *big.Int) {
	if tag == asn1.INTEGER {
		b.AddASN1BigInt(n)
		return
	}
	var tmp cryptobyte.Builder
	tmp.AddASN1BigInt(n)
	der, err := tmp.Bytes()
	if err != nil {
		b.SetError(err)
		return
	}
	in := cryptobyte.String(der)
	var content cryptobyte.String
	in.ReadASN1(&content, asn1.INTEGER)
	b.AddASN1(tag, func(b *cryptobyte.Builder) { b.AddBytes(content) })
}

// readFreeText reads PKIFreeText ::= SEQUENCE SIZE (1..MAX) OF UTF8String.
func readFreeText(s *cryptobyte.String) ([]string, bool) {
	var seq cryptobyte.String
	if !s.ReadASN1(&seq, asn1.SEQUENCE) {
		return nil, false
	}
	out := []string{}
	for !seq.Empty() {
		var str cryptobyte.String
		if !seq.ReadASN1(&str, asn1.UTF8String) {
			return nil, false
		}
		out = append(out, string(str))
	}
	return out, true
}

func addFreeText(b *cryptobyte.Builder, texts []string) {
	b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
		for _, t := range texts {
			b.AddASN1(asn1.UTF8String, func(b *cryptobyte.Builder) { b.AddBytes([]byte(t)) })
		}
	})
}

// readTime reads an X.509 Time (UTCTime or GeneralizedTime, RFC 5280 section 4.1.2.5).
func readTime(s *cryptobyte.String, t *time.Time) bool {
	switch {
	case s.PeekASN1Tag(asn1.UTCTime):
		return s.ReadASN1UTCTime(t)
	case s.PeekASN1Tag(asn1.GeneralizedTime):
		return s.ReadASN1GeneralizedTime(t)
	}
	return false
}

// addTime writes UTCTime through 2049 and GeneralizedTime after (RFC 5280 section 4.1.2.5).
func addTime(b *cryptobyte.Builder, t time.Time) {
	t = t.UTC()
	if t.Year() >= 1950 && t.Year() < 2050 {
		b.AddASN1UTCTime(t)
	} else {
		b.AddASN1GeneralizedTime(t)
	}
}

// readBitString reads a BIT STRING, tag given (for IMPLICIT tagging).
func readBitString(s *cryptobyte.String, tag asn1.Tag, out *encoding_asn1.BitString) bool {
	if tag == asn1.BIT_STRING {
		return s.ReadASN1BitString(out)
	}
	var content cryptobyte.String
	if !s.ReadASN1(&content, tag) {
		return false
	}
	var b cryptobyte.Builder
	b.AddASN1(asn1.BIT_STRING, func(b *cryptobyte.Builder) { b.AddBytes(content) })
	der, err := b.Bytes()
	if err != nil {
		return false
	}
	in := cryptobyte.String(der)
	return in.ReadASN1BitString(out)
}

// addBitString writes a BIT STRING with its unused-bits count (cryptobyte only writes whole bytes).
func addBitString(b *cryptobyte.Builder, tag asn1.Tag, bs encoding_asn1.BitString) {
	if bs.BitLength < 0 || len(bs.Bytes) != (bs.BitLength+7)/8 {
		b.SetError(fmt.Errorf("cmp: BIT STRING of %d bits in %d bytes", bs.BitLength, len(bs.Bytes)))
		return
	}
	unused := (8 - bs.BitLength%8) % 8
	b.AddASN1(tag, func(b *cryptobyte.Builder) {
		b.AddUint8(uint8(unused))
		b.AddBytes(bs.Bytes)
	})
}

func bitStringOf(p []byte) encoding_asn1.BitString {
	return encoding_asn1.BitString{Bytes: p, BitLength: 8 * len(p)}
}

// readExtensions reads Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension (RFC 5280)
// from an already-unwrapped body (the SEQUENCE content or an IMPLICIT [n] content).
func readExtensionList(seq cryptobyte.String) ([]Extension, bool) {
	out := []Extension{}
	for !seq.Empty() {
		var e cryptobyte.String
		var ext Extension
		if !seq.ReadASN1(&e, asn1.SEQUENCE) ||
			!e.ReadASN1ObjectIdentifier(&ext.ID) {
			return nil, false
		}
		if e.PeekASN1Tag(asn1.BOOLEAN) && !e.ReadASN1Boolean(&ext.Critical) {
			return nil, false
		}
		var v cryptobyte.String
		if !e.ReadASN1(&v, asn1.OCTET_STRING) || !e.Empty() {
			return nil, false
		}
		ext.Value = clone(v)
		out = append(out, ext)
	}
	return out, true
}

func addExtensionList(b *cryptobyte.Builder, exts []Extension) {
	for _, e := range exts {
		b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1ObjectIdentifier(e.ID)
			if e.Critical {
				b.AddASN1Boolean(true)
			}
			b.AddASN1OctetString(e.Value)
		})
	}
}

// Extension is an X.509 extension (RFC 5280 section 4.1); the same shape as
// pkix.Extension, kept here so the codec does not round-trip through encoding/asn1.
type Extension struct {
	ID       encoding_asn1.ObjectIdentifier
	Critical bool
	Value    []byte
}
