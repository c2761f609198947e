package npki

import "fmt"

// BER to DER for PKCS#12 (RFC 7292 allows BER; X.690 section 8). Windows tools built
// on .NET or BouncyCastle, Java and NSS write PFX files with indefinite lengths and
// OCTET STRINGs cut into segments (1000 bytes each in BouncyCastle's case); the rest of
// npki parses DER only (cryptobyte), so a PFX and each layer inside it (the
// AuthenticatedSafe, every SafeContents) are first re-encoded here.
//
// What changes: indefinite lengths become definite, constructed OCTET STRINGs become
// one primitive OCTET STRING, long or padded lengths become minimal. What does not:
// primitive contents are copied as they are (a certificate inside a CertBag's OCTET
// STRING is not touched), and constructed context-specific elements stay constructed,
// since [0] EXPLICIT and a segmented [0] IMPLICIT OCTET STRING cannot be told apart
// without the schema (decryptEncryptedData joins the latter's segments). The MAC of a
// PFX covers the contents of the authSafe OCTET STRING, the concatenation of its
// segments, which is exactly what the re-encoding gives.

// maxBERDepth bounds nesting: a PFX layer nests at most about 10 deep (a SafeBag's
// PBES2 PRF OID is 9 below its SafeContents). Each level copies its contents once, so
// the work and memory are at most maxBERDepth times the input.
const maxBERDepth = 16

const (
	berOctetString            = 0x04
	berOctetStringConstructed = 0x24
	berConstructed            = 0x20
)

// berToDER re-encodes one BER element, which must fill in, as DER (see above).
// Malformed input is ErrMalformed; it never panics, and allocates at most maxBERDepth
// times len(in) (a PFX is at most 1 MiB).
func berToDER(in []byte) ([]byte, error) {
	tag, content, rest, err := readBER(in, 0)
	if err != nil {
		return nil, err
	}
	if len(rest) != 0 {
		return nil, fmt.Errorf("%w: trailing data after the BER element", ErrMalformed)
	}
	return appendDER(make([]byte, 0, len(content)+6), tag, content), nil
}

// readBER reads one element from in and returns its tag (0x04 for a constructed
// OCTET STRING), its contents re-encoded as DER, and what follows it.
func readBER(in []byte, depth int) (tag byte, content, rest []byte, err error) {
	bad := func(what string) (byte, []byte, []byte, error) {
		return 0, nil, nil, fmt.Errorf("%w: BER %s", ErrMalformed, what)
	}
	if depth > maxBERDepth {
		return bad("nesting too deep")
	}
	if len(in) < 2 {
		return bad("truncated element")
	}
	tag, l := in[0], in[1]
	in = in[2:]
	if tag&0x1f == 0x1f {
		return bad("high tag number")
	}
	if tag == 0 {
		return bad("unexpected end-of-contents")
	}
	constructed := tag&berConstructed != 0
	var body []byte
	indefinite := l == 0x80
	switch {
	case indefinite:
		if !constructed {
			return bad("indefinite length on a primitive element")
		}
	case l < 0x80:
		if int(l) > len(in) {
			return bad("truncated element")
		}
		body, in = in[:l], in[l:]
	default:
		n := int(l & 0x7f)
		if n > 4 || n > len(in) {
			return bad("length")
		}
		size := 0
		for _, b := range in[:n] {
			size = size<<8 | int(b)
		}
		in = in[n:]
		if size > len(in) {
			return bad("truncated element")
		}
		body, in = in[:size], in[size:]
	}
	if !constructed {
		return tag, body, in, nil
	}
	src := body
	if indefinite {
		src = in
	}
	var out []byte
	for {
		if indefinite {
			if len(src) >= 2 && src[0] == 0 && src[1] == 0 {
				src = src[2:]
				break
			}
		} else if len(src) == 0 {
			break
		}
		ct, cc, r, err := readBER(src, depth+1)
		if err != nil {
			return 0, nil, nil, err
		}
		src = r
		if tag == berOctetStringConstructed {
			if ct != berOctetString {
				return bad("segment of a constructed OCTET STRING")
			}
			out = append(out, cc...)
			continue
		}
		out = appendDER(out, ct, cc)
	}
	if indefinite {
		in = src
	}
	if tag == berOctetStringConstructed {
		tag = berOctetString
	}
	if out == nil {
		out = []byte{}
	}
	return tag, out, in, nil
}

// appendDER appends tag, the minimal length of content, and content.
func appendDER(dst []byte, tag byte, content []byte) []byte {
	dst = append(dst, tag)
	n := len(content)
	switch {
	case n < 0x80:
		dst = append(dst, byte(n))
	case n < 1<<8:
		dst = append(dst, 0x81, byte(n))
	case n < 1<<16:
		dst = append(dst, 0x82, byte(n>>8), byte(n))
	case n < 1<<24:
		dst = append(dst, 0x83, byte(n>>16), byte(n>>8), byte(n))
	default:
		dst = append(dst, 0x84, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
	return append(dst, content...)
}
