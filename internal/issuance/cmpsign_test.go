package issuance

import (
	"crypto/rand"
	"crypto/x509"
	"errors"
	"testing"
	"time"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"

	"github.com/certcenter/certcenter/cmp"
)

func TestSignCMP(t *testing.T) {
	p := newTestPKI(t)
	if _, err := NewCMPSigner(p.ca, p.caKey); err == nil {
		t.Error("NewCMPSigner(CA certificate without digitalSignature) = nil error")
	}
	key := &countingSigner{Signer: loadKey(t, "ocsp-rsa2048.key")}
	nb, na := ValidityFrom(testNow, 2)
	der, err := p.issuer.IssueOCSPResponder(CARequest{Serial: testSerial(9), Subject: CAName("kr", "certcenter", "AccreditedCA", "role"),
		PublicKey: key.Public(), NotBefore: nb, NotAfter: na})
	if err != nil {
		t.Fatal(err)
	}
	roleCert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewCMPSigner(roleCert, p.caKey); err == nil {
		t.Error("NewCMPSigner(another key) = nil error")
	}
	signer, err := NewCMPSigner(roleCert, key)
	if err != nil {
		t.Fatalf("NewCMPSigner = %v", err)
	}
	msg, err := cmp.NewReply(nil, cmp.PKIConfBody(), cmp.ReplyOptions{Sender: cmp.DirectoryName(roleCert.RawSubject), Time: time.Now(), Rand: rand.Reader})
	if err != nil {
		t.Fatal(err)
	}
	// With no protection and no extraCerts, the PKIMessage encoding is the ProtectedPart.
	msg.Header.ProtectionAlg = &cmp.AlgorithmIdentifier{Algorithm: []int{1, 2, 840, 113549, 1, 1, 11}, Parameters: []byte{5, 0}}
	part, err := msg.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	alg := signer.Algorithm()
	sig, err := signer.SignCMP(part)
	if err != nil {
		t.Fatalf("SignCMP(ProtectedPart) = %v", err)
	}
	if key.n.Load() != 1 {
		t.Errorf("SignCMP used the key %d times, want 1", key.n.Load())
	}
	s := cryptobyte.String(alg)
	var inner cryptobyte.String
	if !s.ReadASN1(&inner, cbasn1.SEQUENCE) || !s.Empty() {
		t.Fatalf("algorithm %x is not an AlgorithmIdentifier", alg)
	}
	msg.Protection = sig
	der, err = msg.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	back, err := cmp.Parse(der)
	if err != nil {
		t.Fatal(err)
	}
	if err := back.VerifySignature(roleCert.PublicKey); err != nil {
		t.Errorf("VerifySignature(CA key) = %v", err)
	}

	// Nothing but a ProtectedPart goes through this door.
	for name, in := range map[string][]byte{
		"TBSCertificate":   p.ca.RawTBSCertificate,
		"certificate":      p.ca.Raw,
		"trailing bytes":   append(append([]byte{}, part...), 0),
		"empty":            nil,
		"whole PKIMessage": der,
	} {
		if _, err := signer.SignCMP(in); !errors.Is(err, ErrNotProtectedPart) {
			t.Errorf("SignCMP(%s) = %v, want ErrNotProtectedPart", name, err)
		}
	}
	if key.n.Load() != 1 {
		t.Errorf("refused inputs reached the key (%d uses)", key.n.Load())
	}
}
