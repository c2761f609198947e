package revocation

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"testing"

	"golang.org/x/crypto/ocsp"
)

// issuerPEM is any CA certificate: requests only hash its name and key.
func testIssuer(t testing.TB) *x509.Certificate {
	t.Helper()
	b, err := os.ReadFile("../issuance/testdata/golden/issuing.pem")
	if err != nil {
		t.Skipf("no issuing CA fixture: %v", err)
	}
	blk, _ := pem.Decode(b)
	c, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func goRequest(t testing.TB, serial int64, h crypto.Hash) []byte {
	t.Helper()
	req, err := ocsp.CreateRequest(&x509.Certificate{SerialNumber: big.NewInt(serial)}, testIssuer(t), &ocsp.RequestOptions{Hash: h})
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func tlv(tag byte, v []byte) []byte {
	if len(v) < 0x80 {
		return append([]byte{tag, byte(len(v))}, v...)
	}
	if len(v) < 0x100 {
		return append([]byte{tag, 0x81, byte(len(v))}, v...)
	}
	return append([]byte{tag, 0x82, byte(len(v) >> 8), byte(len(v))}, v...)
}

func seq(parts ...[]byte) []byte { return tlv(0x30, bytes.Join(parts, nil)) }

var sha1Alg = seq([]byte{0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a}, []byte{0x05, 0x00})

func certID(alg []byte, nameHash, keyHash []byte, serial []byte) []byte {
	return seq(alg, tlv(0x04, nameHash), tlv(0x04, keyHash), tlv(0x02, serial))
}

func request(ids [][]byte, exts ...[]byte) []byte {
	var list [][]byte
	for _, id := range ids {
		list = append(list, seq(id))
	}
	tbs := [][]byte{seq(list...)}
	if len(exts) > 0 {
		tbs = append(tbs, tlv(0xa2, seq(exts...)))
	}
	return seq(seq(tbs...))
}

var nonceOID = []byte{0x06, 0x09, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x02}

func TestParseRequest(t *testing.T) {
	h20 := bytes.Repeat([]byte{1}, 20)
	id := certID(sha1Alg, h20, h20, []byte{0x01, 0x02})
	for _, h := range []crypto.Hash{crypto.SHA1, crypto.SHA256, crypto.SHA384, crypto.SHA512} {
		req, err := ParseRequest(goRequest(t, 0x1234, h))
		if err != nil || len(req.Certs) != 1 || req.Certs[0].Hash != h || !bytes.Equal(req.Certs[0].Serial, []byte{0x12, 0x34}) || req.Nonce != nil {
			t.Errorf("ParseRequest(crypto/ocsp %v) = %+v, %v", h, req, err)
		}
	}
	req, err := ParseRequest(request([][]byte{id, id}, seq(nonceOID, tlv(0x04, tlv(0x04, []byte("nonce"))))))
	if err != nil || len(req.Certs) != 2 || !bytes.Equal(req.Nonce, tlv(0x04, []byte("nonce"))) || !bytes.Equal(req.Certs[1].Raw, id) {
		t.Errorf("ParseRequest(two certificates and a nonce) = %+v, %v", req, err)
	}
	// A high-bit serial carries a sign octet; a negative one matches nothing.
	if req, err := ParseRequest(request([][]byte{certID(sha1Alg, h20, h20, []byte{0x00, 0x80})})); err != nil || !bytes.Equal(req.Certs[0].Serial, []byte{0x80}) {
		t.Errorf("serial 0x0080 = %+v, %v", req, err)
	}
	if req, err := ParseRequest(request([][]byte{certID(sha1Alg, h20, h20, []byte{0x80})})); err != nil || req.Certs[0].Serial != nil {
		t.Errorf("negative serial = %+v, %v", req, err)
	}
	// An unknown hash algorithm parses and matches no issuer.
	other := seq([]byte{0x06, 0x03, 0x2a, 0x03, 0x04})
	if req, err := ParseRequest(request([][]byte{certID(other, h20[:5], h20[:5], []byte{1})})); err != nil || req.Certs[0].Hash != 0 {
		t.Errorf("unknown hash = %+v, %v", req, err)
	}
	critical := []byte{0x01, 0x01, 0xff}
	for name, der := range map[string][]byte{
		"empty":                 nil,
		"not DER":               []byte("GET / HTTP/1.1"),
		"trailing":              append(request([][]byte{id}), 0),
		"no requests":           request(nil),
		"hash length":           request([][]byte{certID(sha1Alg, h20[:19], h20, []byte{1})}),
		"hash params":           request([][]byte{certID(seq([]byte{0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a}, []byte{0x02, 0x01, 0x00}), h20, h20, []byte{1})}),
		"non-minimal serial":    request([][]byte{certID(sha1Alg, h20, h20, []byte{0x00, 0x01})}),
		"empty serial":          request([][]byte{certID(sha1Alg, h20, h20, nil)}),
		"long serial":           request([][]byte{certID(sha1Alg, h20, h20, append([]byte{1}, make([]byte, 40)...))}),
		"nonce too long":        request([][]byte{id}, seq(nonceOID, tlv(0x04, tlv(0x04, make([]byte, 33))))),
		"nonce empty":           request([][]byte{id}, seq(nonceOID, tlv(0x04, tlv(0x04, nil)))),
		"nonce not wrapped":     request([][]byte{id}, seq(nonceOID, tlv(0x04, []byte("raw")))),
		"nonce twice":           request([][]byte{id}, seq(nonceOID, tlv(0x04, tlv(0x04, []byte("a")))), seq(nonceOID, tlv(0x04, tlv(0x04, []byte("b"))))),
		"unknown critical":      request([][]byte{id}, seq([]byte{0x06, 0x03, 0x2a, 0x03, 0x05}, critical, tlv(0x04, nil))),
		"explicit FALSE":        request([][]byte{id}, seq([]byte{0x06, 0x03, 0x2a, 0x03, 0x05}, []byte{0x01, 0x01, 0x00}, tlv(0x04, nil))),
		"version 2":             seq(seq(tlv(0xa0, []byte{0x02, 0x01, 0x01}), seq(seq(id)))),
		"too many certificates": request(bytes.Split(bytes.Repeat(append(id, '|'), MaxCertIDs+1), []byte{'|'})[:MaxCertIDs+1]),
		"too large":             make([]byte, MaxRequestSize+1),
		"bad signature":         seq(seq(seq(seq(id))), tlv(0xa0, []byte{0x05, 0x00})),
	} {
		if _, err := ParseRequest(der); !errors.Is(err, ErrMalformed) {
			t.Errorf("ParseRequest(%s) = %v, want ErrMalformed", name, err)
		}
	}
	// A non-critical unknown extension and a requestorName are ignored.
	if _, err := ParseRequest(request([][]byte{id}, seq([]byte{0x06, 0x03, 0x2a, 0x03, 0x05}, tlv(0x04, nil)))); err != nil {
		t.Errorf("non-critical unknown extension: %v", err)
	}
	named := seq(seq(tlv(0xa1, tlv(0x82, []byte("example.com"))), seq(seq(id))))
	if _, err := ParseRequest(named); err != nil {
		t.Errorf("requestorName: %v", err)
	}
}

// FuzzParseRequest: any input is parsed or refused with ErrMalformed, never a panic,
// within the limits, and what parses keeps its invariants.
func FuzzParseRequest(f *testing.F) {
	h20 := bytes.Repeat([]byte{7}, 20)
	id := certID(sha1Alg, h20, h20, []byte{0x3f, 0x01})
	f.Add(goRequest(f, 1, crypto.SHA1))
	f.Add(goRequest(f, 0x7fffffff, crypto.SHA256))
	f.Add(request([][]byte{id, id}, seq(nonceOID, tlv(0x04, tlv(0x04, []byte("0123456789abcdef"))))))
	f.Add(seq(seq(tlv(0xa1, tlv(0x82, []byte("x"))), seq(seq(id)))))
	f.Add([]byte{0x30, 0x03, 0x0a, 0x01, 0x01})
	f.Fuzz(func(t *testing.T, der []byte) {
		req, err := ParseRequest(der)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
			return
		}
		if len(req.Certs) < 1 || len(req.Certs) > MaxCertIDs {
			t.Fatalf("%d certificates", len(req.Certs))
		}
		if req.Nonce != nil && (len(req.Nonce) < 3 || len(req.Nonce) > maxNonce+2) {
			t.Fatalf("nonce of %d bytes", len(req.Nonce))
		}
		for _, c := range req.Certs {
			if !bytes.Contains(der, c.Raw) || len(c.Serial) > maxSerial || (c.Hash != 0 && len(c.NameHash) != c.Hash.Size()) {
				t.Fatalf("certificate %+v", c)
			}
			if len(c.Serial) > 0 && c.Serial[0] == 0 && len(c.Serial) > 1 {
				t.Fatalf("serial %x keeps a sign octet", c.Serial)
			}
		}
	})
}
