package revocation

import (
	"crypto"
	"encoding/asn1"
	"errors"
	"fmt"

	"github.com/certcenter/certcenter/internal/model"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// Limits on OCSP requests. A request for one certificate is about 75 bytes (120 with a
// nonce); these bounds leave room for signed requests and a few dozen certificates while
// keeping what one request can cost small.
const (
	// MaxRequestSize is the largest request body or decoded GET request accepted.
	MaxRequestSize = 16 << 10
	// MaxCertIDs is the most certificates one request may ask about.
	MaxCertIDs = 32
	// maxNonce is the longest nonce accepted (RFC 8954 section 2.1: 1 to 32 octets).
	maxNonce = 32
	// maxHash bounds issuerNameHash and issuerKeyHash of unknown hash algorithms.
	maxHash = 64
	// maxSerial bounds serialNumber: RFC 5280 allows 20 octets, one more for the sign.
	maxSerial = 32
)

// ErrMalformed: the request is not a well-formed OCSPRequest within the limits; the
// answer is malformedRequest (RFC 6960 section 2.3).
var ErrMalformed = errors.New("revocation: malformed OCSP request")

var (
	oidSHA1   = asn1.ObjectIdentifier{1, 3, 14, 3, 2, 26}
	oidSHA256 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
	oidSHA384 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 2}
	oidSHA512 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 3}
	oidNonce  = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 48, 1, 2}
	// id-pkix-ocsp-response (RFC 6960 section 4.4.3): clients name the response types
	// they accept; only basic exists, so it is read and ignored.
	oidAcceptableResponses = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 48, 1, 4}
	// id-pkix-ocsp-pref-sig-algs (RFC 6960 section 4.4.7): a preference, ignored.
	oidPrefSigAlgs = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 48, 1, 8}
	// id-pkix-ocsp-service-locator (RFC 6960 section 4.4.6): single request, ignored.
	oidServiceLocator = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 48, 1, 7}
)

// hashes are the CertID hash algorithms this responder matches, by OID.
var hashes = []struct {
	oid  asn1.ObjectIdentifier
	hash crypto.Hash
}{{oidSHA1, crypto.SHA1}, {oidSHA256, crypto.SHA256}, {oidSHA384, crypto.SHA384}, {oidSHA512, crypto.SHA512}}

// CertID is one certificate asked about (RFC 6960 section 4.1.1).
type CertID struct {
	// Raw is the DER CertID as the client sent it; the answer echoes it.
	Raw []byte
	// Hash is the hash algorithm of the issuer hashes, 0 when it is not one this
	// responder knows (such a CertID matches no issuer here).
	Hash     crypto.Hash
	NameHash []byte
	KeyHash  []byte
	// Serial is the serial number's magnitude; nil when the serial is negative or zero,
	// which no certificate here has.
	Serial model.Serial
}

// Request is a parsed OCSPRequest.
type Request struct {
	Certs []CertID
	// Nonce is the extnValue of the nonce extension (RFC 8954), nil when absent.
	Nonce []byte
}

// ParseRequest parses a DER OCSPRequest (RFC 6960 section 4.1.1) strictly: DER only,
// nothing after it, version v1, 1 to MaxCertIDs certificates, hash lengths that match
// their algorithm, a nonce of 1 to 32 octets, no unknown critical extension and no
// extension twice. A signature (optionalSignature), a requestorName and known
// non-critical extensions are read and ignored: this responder answers anyone. Every
// failure wraps ErrMalformed.
func ParseRequest(der []byte) (*Request, error) {
	if len(der) > MaxRequestSize {
		return nil, fmt.Errorf("%w: %d bytes (at most %d)", ErrMalformed, len(der), MaxRequestSize)
	}
	in := cryptobyte.String(der)
	var req, tbs cryptobyte.String
	if !in.ReadASN1(&req, cbasn1.SEQUENCE) || !in.Empty() {
		return nil, fmt.Errorf("%w: not one DER SEQUENCE", ErrMalformed)
	}
	if !req.ReadASN1(&tbs, cbasn1.SEQUENCE) {
		return nil, fmt.Errorf("%w: no TBSRequest", ErrMalformed)
	}
	if req.PeekASN1Tag(cbasn1.Tag(0).ContextSpecific().Constructed()) {
		var sig cryptobyte.String
		if !req.ReadASN1(&sig, cbasn1.Tag(0).ContextSpecific().Constructed()) || !checkSignature(sig) {
			return nil, fmt.Errorf("%w: optionalSignature", ErrMalformed)
		}
	}
	if !req.Empty() {
		return nil, fmt.Errorf("%w: data after the TBSRequest", ErrMalformed)
	}
	out := &Request{}
	if tbs.PeekASN1Tag(cbasn1.Tag(0).ContextSpecific().Constructed()) {
		var v cryptobyte.String
		var version int64
		if !tbs.ReadASN1(&v, cbasn1.Tag(0).ContextSpecific().Constructed()) || !v.ReadASN1Integer(&version) || !v.Empty() || version != 0 {
			return nil, fmt.Errorf("%w: version is not v1", ErrMalformed)
		}
	}
	if tbs.PeekASN1Tag(cbasn1.Tag(1).ContextSpecific().Constructed()) {
		var name cryptobyte.String
		if !tbs.ReadASN1(&name, cbasn1.Tag(1).ContextSpecific().Constructed()) || !checkOneElement(name) {
			return nil, fmt.Errorf("%w: requestorName", ErrMalformed)
		}
	}
	var list cryptobyte.String
	if !tbs.ReadASN1(&list, cbasn1.SEQUENCE) {
		return nil, fmt.Errorf("%w: no requestList", ErrMalformed)
	}
	for !list.Empty() {
		if len(out.Certs) == MaxCertIDs {
			return nil, fmt.Errorf("%w: more than %d certificates", ErrMalformed, MaxCertIDs)
		}
		var one cryptobyte.String
		if !list.ReadASN1(&one, cbasn1.SEQUENCE) {
			return nil, fmt.Errorf("%w: request %d", ErrMalformed, len(out.Certs))
		}
		id, err := parseCertID(&one)
		if err != nil {
			return nil, fmt.Errorf("%w: request %d: %v", ErrMalformed, len(out.Certs), err)
		}
		if one.PeekASN1Tag(cbasn1.Tag(0).ContextSpecific().Constructed()) {
			var exts cryptobyte.String
			if !one.ReadASN1(&exts, cbasn1.Tag(0).ContextSpecific().Constructed()) {
				return nil, fmt.Errorf("%w: request %d: singleRequestExtensions", ErrMalformed, len(out.Certs))
			}
			if err := parseExtensions(exts, func(oid asn1.ObjectIdentifier, critical bool, _ []byte) error {
				if critical && !oid.Equal(oidServiceLocator) {
					return fmt.Errorf("unknown critical extension %v", oid)
				}
				return nil
			}); err != nil {
				return nil, fmt.Errorf("%w: request %d: %v", ErrMalformed, len(out.Certs), err)
			}
		}
		if !one.Empty() {
			return nil, fmt.Errorf("%w: request %d: trailing data", ErrMalformed, len(out.Certs))
		}
		out.Certs = append(out.Certs, id)
	}
	if len(out.Certs) == 0 {
		return nil, fmt.Errorf("%w: empty requestList", ErrMalformed)
	}
	if tbs.PeekASN1Tag(cbasn1.Tag(2).ContextSpecific().Constructed()) {
		var exts cryptobyte.String
		if !tbs.ReadASN1(&exts, cbasn1.Tag(2).ContextSpecific().Constructed()) {
			return nil, fmt.Errorf("%w: requestExtensions", ErrMalformed)
		}
		err := parseExtensions(exts, func(oid asn1.ObjectIdentifier, critical bool, value []byte) error {
			switch {
			case oid.Equal(oidNonce):
				v := cryptobyte.String(value)
				var n cryptobyte.String
				if !v.ReadASN1(&n, cbasn1.OCTET_STRING) || !v.Empty() || len(n) < 1 || len(n) > maxNonce {
					return fmt.Errorf("nonce is not an OCTET STRING of 1 to %d octets (RFC 8954)", maxNonce)
				}
				out.Nonce = value
			case oid.Equal(oidAcceptableResponses), oid.Equal(oidPrefSigAlgs):
			case critical:
				return fmt.Errorf("unknown critical extension %v", oid)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
		}
	}
	if !tbs.Empty() {
		return nil, fmt.Errorf("%w: trailing data in the TBSRequest", ErrMalformed)
	}
	return out, nil
}

func parseCertID(in *cryptobyte.String) (CertID, error) {
	var id CertID
	var raw, body, alg cryptobyte.String
	if !in.ReadASN1Element(&raw, cbasn1.SEQUENCE) {
		return id, errors.New("no CertID")
	}
	outer := raw
	if !outer.ReadASN1(&body, cbasn1.SEQUENCE) {
		return id, errors.New("no CertID")
	}
	id.Raw = []byte(raw)
	var oid asn1.ObjectIdentifier
	if !body.ReadASN1(&alg, cbasn1.SEQUENCE) || !alg.ReadASN1ObjectIdentifier(&oid) {
		return id, errors.New("hashAlgorithm")
	}
	if !alg.Empty() { // parameters: absent or NULL
		var null cryptobyte.String
		if !alg.ReadASN1(&null, cbasn1.NULL) || len(null) != 0 || !alg.Empty() {
			return id, errors.New("hashAlgorithm parameters are not NULL")
		}
	}
	var nameHash, keyHash, serial cryptobyte.String
	if !body.ReadASN1(&nameHash, cbasn1.OCTET_STRING) || !body.ReadASN1(&keyHash, cbasn1.OCTET_STRING) {
		return id, errors.New("issuer hashes")
	}
	if !body.ReadASN1(&serial, cbasn1.INTEGER) || !body.Empty() {
		return id, errors.New("serialNumber")
	}
	for _, h := range hashes {
		if oid.Equal(h.oid) {
			id.Hash = h.hash
		}
	}
	if id.Hash != 0 && (len(nameHash) != id.Hash.Size() || len(keyHash) != id.Hash.Size()) {
		return id, fmt.Errorf("issuer hashes are not %d octets (%v)", id.Hash.Size(), id.Hash)
	}
	if len(nameHash) > maxHash || len(keyHash) > maxHash {
		return id, errors.New("issuer hashes too long")
	}
	id.NameHash, id.KeyHash = []byte(nameHash), []byte(keyHash)
	s, err := serialMagnitude(serial)
	if err != nil {
		return id, err
	}
	id.Serial = s
	return id, nil
}

// serialMagnitude checks a DER INTEGER's content (minimal, at most maxSerial octets)
// and returns the magnitude of a positive one, nil for zero or negative.
func serialMagnitude(b []byte) (model.Serial, error) {
	switch {
	case len(b) == 0:
		return nil, errors.New("empty serialNumber")
	case len(b) > maxSerial:
		return nil, fmt.Errorf("serialNumber of %d octets", len(b))
	case len(b) > 1 && (b[0] == 0 && b[1]&0x80 == 0 || b[0] == 0xff && b[1]&0x80 != 0):
		return nil, errors.New("serialNumber is not minimal DER")
	case b[0]&0x80 != 0:
		return nil, nil // negative
	}
	if b[0] == 0 {
		b = b[1:]
	}
	if len(b) == 0 {
		return nil, nil // zero
	}
	return model.Serial(b), nil
}

// parseExtensions reads a SEQUENCE OF Extension and calls fn for each; an extension
// twice is an error (RFC 5280 section 4.2).
func parseExtensions(in cryptobyte.String, fn func(oid asn1.ObjectIdentifier, critical bool, value []byte) error) error {
	var seq cryptobyte.String
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !in.Empty() {
		return errors.New("extensions are not one SEQUENCE")
	}
	var seen []asn1.ObjectIdentifier
	for !seq.Empty() {
		var ext, value cryptobyte.String
		var oid asn1.ObjectIdentifier
		critical := false
		if !seq.ReadASN1(&ext, cbasn1.SEQUENCE) || !ext.ReadASN1ObjectIdentifier(&oid) {
			return errors.New("extension")
		}
		if ext.PeekASN1Tag(cbasn1.BOOLEAN) {
			if !ext.ReadASN1Boolean(&critical) || !critical { // DEFAULT FALSE must be omitted in DER
				return fmt.Errorf("extension %v: critical", oid)
			}
		}
		if !ext.ReadASN1(&value, cbasn1.OCTET_STRING) || !ext.Empty() {
			return fmt.Errorf("extension %v: value", oid)
		}
		for _, s := range seen {
			if s.Equal(oid) {
				return fmt.Errorf("extension %v twice", oid)
			}
		}
		seen = append(seen, oid)
		if err := fn(oid, critical, value); err != nil {
			return err
		}
	}
	return nil
}

// checkSignature checks the shape of optionalSignature: SEQUENCE { AlgorithmIdentifier,
// BIT STRING, [0] EXPLICIT SEQUENCE OF Certificate OPTIONAL }. Its content is ignored.
func checkSignature(in cryptobyte.String) bool {
	var sig, alg cryptobyte.String
	var bits asn1.BitString
	if !in.ReadASN1(&sig, cbasn1.SEQUENCE) || !in.Empty() || !sig.ReadASN1(&alg, cbasn1.SEQUENCE) || !sig.ReadASN1BitString(&bits) {
		return false
	}
	if sig.PeekASN1Tag(cbasn1.Tag(0).ContextSpecific().Constructed()) {
		var certs cryptobyte.String
		if !sig.ReadASN1(&certs, cbasn1.Tag(0).ContextSpecific().Constructed()) || !checkOneElement(certs) {
			return false
		}
	}
	return sig.Empty()
}

// checkOneElement reports whether in holds exactly one well-formed DER element.
func checkOneElement(in cryptobyte.String) bool {
	var e cryptobyte.String
	var tag cbasn1.Tag
	return in.ReadAnyASN1Element(&e, &tag) && in.Empty()
}
