package issuance

import (
	"crypto/rand"
	"errors"
	"testing"
	"time"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"

	"github.com/certcenter/certcenter/cmp"
)

func TestSignCMP(t *testing.T) {
	p := newTestPKI(t)
	msg, err := cmp.NewReply(nil, cmp.PKIConfBody(), cmp.ReplyOptions{Sender: cmp.DirectoryName(p.ca.RawSubject), Time: time.Now(), Rand: rand.Reader})
	if err != nil {
		t.Fatal(err)
	}
	// With no protection and no extraCerts, the PKIMessage encoding is the ProtectedPart.
	msg.Header.ProtectionAlg = &cmp.AlgorithmIdentifier{Algorithm: []int{1, 2, 840, 113549, 1, 1, 11}, Parameters: []byte{5, 0}}
	part, err := msg.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	alg := p.issuer.CMPAlgorithm()
	sig, err := p.issuer.SignCMP(part)
	if err != nil {
		t.Fatalf("SignCMP(ProtectedPart) = %v", err)
	}
	if p.caKey.n.Load() != 1 {
		t.Errorf("SignCMP used the key %d times, want 1", p.caKey.n.Load())
	}
	s := cryptobyte.String(alg)
	var inner cryptobyte.String
	if !s.ReadASN1(&inner, cbasn1.SEQUENCE) || !s.Empty() {
		t.Fatalf("algorithm %x is not an AlgorithmIdentifier", alg)
	}
	msg.Protection = sig
	der, err := msg.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	back, err := cmp.Parse(der)
	if err != nil {
		t.Fatal(err)
	}
	if err := back.VerifySignature(p.ca.PublicKey); err != nil {
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
		if _, err := p.issuer.SignCMP(in); !errors.Is(err, ErrNotProtectedPart) {
			t.Errorf("SignCMP(%s) = %v, want ErrNotProtectedPart", name, err)
		}
	}
	if p.caKey.n.Load() != 1 {
		t.Errorf("refused inputs reached the key (%d uses)", p.caKey.n.Load())
	}
}
