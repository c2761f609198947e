package cmp

import (
	"crypto/rand"
	"crypto/x509"
	"errors"
	"testing"

	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"
)

// TestVerifyPOPWithPOPOSKInput covers RFC 4211 section 4.1's poposkInput form: the
// signature covers POPOSigningKeyInput { authInfo sender, publicKey }.
func TestVerifyPOPWithPOPOSKInput(t *testing.T) {
	key := readKeyFixture(t, "ee2.key")
	spki, err := x509.MarshalPKIXPublicKey(key.Public())
	if err != nil {
		t.Fatal(err)
	}
	var b cryptobyte.Builder
	b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1(ctx(0), func(b *cryptobyte.Builder) { b.AddBytes(NullDN().Raw) })
		b.AddBytes(spki)
	})
	input := b.BytesOrPanic()
	alg, sig, err := sign(key, rand.Reader, input)
	if err != nil {
		t.Fatal(err)
	}
	m := CertReqMsg{Template: CertTemplate{PublicKey: spki},
		POP: &ProofOfPossession{Kind: POPSignature, Signature: &POPOSigningKey{Input: input, Algorithm: alg, Signature: sig}}}
	msg := &Message{Header: testHeader(), Body: Body{Type: BodyCR, CertReqs: []CertReqMsg{m}}}
	der, err := msg.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	got, err := Parse(der)
	if err != nil {
		t.Fatal(err)
	}
	if err := VerifyPOP(&got.Body.CertReqs[0], false); err != nil {
		t.Errorf("VerifyPOP(poposkInput) = %v", err)
	}
	other, _ := x509.MarshalPKIXPublicKey(readKeyFixture(t, "ee1.key").Public())
	got.Body.CertReqs[0].Template.PublicKey = other
	if err := VerifyPOP(&got.Body.CertReqs[0], false); !errors.Is(err, ErrBadPOP) {
		t.Errorf("VerifyPOP(poposkInput, other template key) = %v, want ErrBadPOP", err)
	}
}
