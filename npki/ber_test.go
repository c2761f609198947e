package npki

import (
	"bytes"
	"errors"
	"testing"

	"golang.org/x/crypto/cryptobyte"
)

func TestBERToDER(t *testing.T) {
	// DER passes through unchanged.
	for _, name := range []string{"yessign-test/cert.pfx", "pkcs12/rc2-40-legacy.pfx", "yessign-test/signPri.key"} {
		der := readTestdata(t, name)
		got, err := berToDER(der)
		if err != nil || !bytes.Equal(got, der) {
			t.Errorf("berToDER(%s) changed DER input (err %v)", name, err)
		}
	}
	for _, tc := range []struct {
		name, in, want string
	}{
		{"indefinite SEQUENCE", "30800201010000", "3003020101"},
		{"nested indefinite", "3080308002010100000000", "30053003020101"},
		{"segmented OCTET STRING", "2480040261620401630000", "0403616263"},
		{"nested segments", "2480248004016100000401620000", "04026162"},
		{"empty segmented", "24800000", "0400"},
		{"long-form length", "308103020101", "3003020101"},
		{"padded long-form length", "048200026162", "04026162"},
		{"[0] stays constructed", "a0802480040361626300000000", "a0050403616263"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := mustHex(t, tc.in)
			got, err := berToDER(in)
			if err != nil {
				t.Fatalf("berToDER(%x) = %v", in, err)
			}
			if !bytes.Equal(got, mustHex(t, tc.want)) {
				t.Errorf("berToDER(%x) = %x, want %s", in, got, tc.want)
			}
		})
	}
	deep := bytes.Repeat([]byte{0x30, 0x80}, maxBERDepth+2)
	deep = append(deep, bytes.Repeat([]byte{0, 0}, maxBERDepth+2)...)
	for _, tc := range []struct{ name, in string }{
		{"empty", ""},
		{"truncated", "3005020101"},
		{"missing end-of-contents", "3080020101"},
		{"primitive indefinite", "0480616200"},
		{"bad segment", "24800201010000"},
		{"trailing data", "300002"},
		{"high tag number", "1f8101"},
		{"length of 5 bytes", "30850000000001"},
		{"deep", ""},
	} {
		in := mustHexOrEmpty(t, tc.in)
		if tc.name == "deep" {
			in = deep
		}
		if _, err := berToDER(in); !errors.Is(err, ErrMalformed) {
			t.Errorf("berToDER(%s) = %v, want ErrMalformed", tc.name, err)
		}
	}
}

func mustHexOrEmpty(t testing.TB, s string) []byte {
	if s == "" {
		return nil
	}
	return mustHex(t, s)
}

func FuzzBERToDER(f *testing.F) {
	f.Add(readTestdata(f, "pkcs12/rc2-40-ber.pfx"))
	f.Add(readTestdata(f, "yessign-test/cert.pfx"))
	f.Add(mustHex(f, "24802480040161000004016200000000"))
	f.Fuzz(func(t *testing.T, in []byte) {
		out, err := berToDER(in)
		if err != nil {
			return
		}
		if len(out) > 2*len(in)+8 {
			t.Fatalf("berToDER grew %d bytes to %d", len(in), len(out))
		}
		// The output is one DER element (as far as cryptobyte's lengths go), and a
		// fixed point.
		s := cryptobyte.String(out)
		var el cryptobyte.String
		if out[0]&0x1f != 0x1f && (!s.ReadAnyASN1Element(&el, nil) || !s.Empty()) {
			t.Fatalf("berToDER output %x is not one definite-length element", out)
		}
		again, err := berToDER(out)
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("berToDER is not idempotent: %x -> %x (%v)", out, again, err)
		}
	})
}
