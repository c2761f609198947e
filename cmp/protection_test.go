package cmp

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"testing"
)

func TestVerifyPBMFixtures(t *testing.T) {
	for _, name := range []string{"ir_req.der", "ip_rsp.der", "certconf_req.der", "pkiconf_rsp.der",
		"genm_req.der", "genp_rsp.der", "p10cr_req.der", "cp_rsp.der", "error_rsp.der"} {
		t.Run(name, func(t *testing.T) {
			m := parseFixture(t, name)
			if k := m.ProtectionKind(); k != ProtectionPBM {
				t.Fatalf("ProtectionKind = %v, want PBM", k)
			}
			if err := m.VerifyPBM([]byte("enroll-secret")); err != nil {
				t.Errorf("VerifyPBM(enroll-secret) = %v, want nil", err)
			}
			err := m.VerifyPBM([]byte("wrong-secret"))
			if !errors.Is(err, ErrBadMessageCheck) {
				t.Errorf("VerifyPBM(wrong-secret) = %v, want ErrBadMessageCheck", err)
			}
			if FailureInfoOf(err) != FailBadMessageCheck {
				t.Errorf("FailureInfoOf = %v, want badMessageCheck", FailureInfoOf(err))
			}
			if err := m.VerifySignature(readCertFixture(t, "srv.crt").PublicKey); !errors.Is(err, ErrWrongProtection) {
				t.Errorf("VerifySignature on a PBM message = %v, want ErrWrongProtection", err)
			}
		})
	}
}

func TestVerifyPBMTampered(t *testing.T) {
	der := readFixture(t, "ir_req.der")
	der[len(der)/2] ^= 1 // somewhere in the body
	m, err := Parse(der)
	if err != nil {
		t.Skipf("tampered fixture no longer parses: %v", err)
	}
	if err := m.VerifyPBM([]byte("enroll-secret")); !errors.Is(err, ErrBadMessageCheck) {
		t.Errorf("VerifyPBM(tampered) = %v, want ErrBadMessageCheck", err)
	}
}

func TestPBMIterationCap(t *testing.T) {
	m := parseFixture(t, "ir_req.der")
	p, err := m.PBMParameter()
	if err != nil {
		t.Fatal(err)
	}
	p.IterationCount = MaxPBMIterations + 1
	params, err := p.marshal()
	if err != nil {
		t.Fatal(err)
	}
	m.Header.ProtectionAlg.Parameters = params
	m.Header.Raw = nil // re-encode with the new parameters
	if err := m.VerifyPBM([]byte("enroll-secret")); !errors.Is(err, ErrPBMIterations) {
		t.Errorf("VerifyPBM(iterations %d) = %v, want ErrPBMIterations", p.IterationCount, err)
	}
	if _, err := NewPBMParameter(rand.Reader, crypto.SHA256, crypto.SHA1, MaxPBMIterations+1); !errors.Is(err, ErrPBMIterations) {
		t.Errorf("NewPBMParameter(too many) = %v, want ErrPBMIterations", err)
	}
}

func TestVerifySignatureFixtures(t *testing.T) {
	ee1 := readCertFixture(t, "ee1.crt")
	srv := readCertFixture(t, "srv.crt")
	tests := []struct {
		file   string
		signer *ecdsa.PublicKey
	}{
		{"kur_req.der", ee1.PublicKey.(*ecdsa.PublicKey)},
		{"kur_certconf.der", ee1.PublicKey.(*ecdsa.PublicKey)},
		{"rr_req.der", ee1.PublicKey.(*ecdsa.PublicKey)},
		{"kup_rsp.der", srv.PublicKey.(*ecdsa.PublicKey)},
		{"kur_pkiconf.der", srv.PublicKey.(*ecdsa.PublicKey)},
		{"rp_rsp.der", srv.PublicKey.(*ecdsa.PublicKey)},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			m := parseFixture(t, tc.file)
			if k := m.ProtectionKind(); k != ProtectionSignature {
				t.Fatalf("ProtectionKind = %v, want signature", k)
			}
			if err := m.VerifySignature(tc.signer); err != nil {
				t.Errorf("VerifySignature = %v, want nil", err)
			}
			other := srv.PublicKey
			if tc.signer.Equal(srv.PublicKey) {
				other = ee1.PublicKey
			}
			if err := m.VerifySignature(other); !errors.Is(err, ErrBadMessageCheck) {
				t.Errorf("VerifySignature(other key) = %v, want ErrBadMessageCheck", err)
			}
			if err := m.VerifyPBM([]byte("enroll-secret")); !errors.Is(err, ErrWrongProtection) {
				t.Errorf("VerifyPBM on a signed message = %v, want ErrWrongProtection", err)
			}
		})
	}
	// kup's senderKID is the server certificate's subject key identifier.
	if m := parseFixture(t, "kup_rsp.der"); !bytes.Equal(m.Header.SenderKID, srv.SubjectKeyId) {
		t.Errorf("kup senderKID = %x, want %x", m.Header.SenderKID, srv.SubjectKeyId)
	}
}

func TestProtectRoundTrip(t *testing.T) {
	ecKey, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	_, edKey, _ := ed25519.GenerateKey(rand.Reader)
	signers := map[string]crypto.Signer{"ecdsa-p384": ecKey, "rsa": rsaKey, "ed25519": edKey}
	for name, s := range signers {
		t.Run(name, func(t *testing.T) {
			m := &Message{Header: testHeader(), Body: Body{Type: BodyPKIConf}}
			der, err := m.ProtectSignature(s, nil, rand.Reader)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Parse(der)
			if err != nil {
				t.Fatal(err)
			}
			if err := got.VerifySignature(s.Public()); err != nil {
				t.Errorf("VerifySignature = %v", err)
			}
		})
	}
	for _, h := range []crypto.Hash{crypto.SHA1, crypto.SHA256, crypto.SHA512} {
		p, err := NewPBMParameter(rand.Reader, crypto.SHA256, h, 500)
		if err != nil {
			t.Fatal(err)
		}
		m := &Message{Header: testHeader(), Body: Body{Type: BodyPKIConf}}
		der, err := m.ProtectPBM([]byte("secret"), p)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Parse(der)
		if err != nil {
			t.Fatal(err)
		}
		if err := got.VerifyPBM([]byte("secret")); err != nil {
			t.Errorf("VerifyPBM(mac %v) = %v", h, err)
		}
		if err := got.VerifyPBM([]byte("Secret")); !errors.Is(err, ErrBadMessageCheck) {
			t.Errorf("VerifyPBM(wrong, mac %v) = %v", h, err)
		}
	}
}

func TestCertHashFixtures(t *testing.T) {
	ip := parseFixture(t, "ip_rsp.der")
	cert := ip.Body.CertRep.Responses[0].Certificate
	for _, name := range []string{"certconf_req.der", "kur_certconf.der"} {
		cc := parseFixture(t, name)
		if len(cc.Body.CertConf) != 1 {
			t.Fatalf("%s: %d CertStatus, want 1", name, len(cc.Body.CertConf))
		}
		cs := cc.Body.CertConf[0]
		if err := CheckCertHash(cs, cert); err != nil {
			t.Errorf("%s: CheckCertHash(ip certificate) = %v", name, err)
		}
		if err := CheckCertHash(cs, readCertFixture(t, "ee2.crt")); !errors.Is(err, ErrCertHashMismatch) {
			t.Errorf("%s: CheckCertHash(ee2) = %v, want ErrCertHashMismatch", name, err)
		}
		h, err := CertHash(cert)
		if err != nil || !bytes.Equal(h, cs.CertHash) {
			t.Errorf("CertHash = %x, %v; want %x", h, err, cs.CertHash)
		}
	}
}
