package signer_test

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/signer"
	"github.com/certcenter/certcenter/internal/testenv"
	"github.com/miekg/pkcs11"
)

// newToken initializes a fresh SoftHSM2 token and returns a config for it whose PIN is
// an env: reference. Tests using it must not run in parallel (SOFTHSM2_CONF is global).
func newToken(t testing.TB) (signer.PKCS11Config, testenv.SoftHSM) {
	t.Helper()
	h := testenv.NewSoftHSM(t)
	t.Setenv("CERTCENTER_TEST_HSM_PIN", h.PIN)
	return signer.PKCS11Config{Module: h.Module, TokenLabel: h.TokenLabel, PIN: "env:CERTCENTER_TEST_HSM_PIN"}, h
}

func openHSM(t testing.TB, cfg signer.PKCS11Config) *signer.HSM {
	t.Helper()
	hsm, err := signer.OpenPKCS11(cfg)
	if err != nil {
		t.Fatalf("OpenPKCS11: %v", err)
	}
	return hsm
}

func TestHSMGenerateSignVerify(t *testing.T) {
	cfg, h := newToken(t)
	hsm := openHSM(t, cfg)
	defer hsm.Close()

	s, err := hsm.GenerateRSA("issuing-ca", 2048)
	if err != nil {
		t.Fatalf("GenerateRSA: %v", err)
	}
	if got, want := s.Describe(), "pkcs11 token "+h.TokenLabel+" key issuing-ca (RSA-2048)"; got != want {
		t.Errorf("Describe() = %q, want %q", got, want)
	}
	pub, ok := s.Public().(*rsa.PublicKey)
	if !ok || pub.N.BitLen() != 2048 {
		t.Fatalf("Public() = %T, want a 2048-bit *rsa.PublicKey", s.Public())
	}

	digest := sha256.Sum256([]byte("certcenter"))
	sig, err := s.Sign(rand.Reader, digest[:], crypto.SHA256)
	if err != nil {
		t.Fatalf("Sign: %v", err)
	}
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], sig); err != nil {
		t.Errorf("VerifyPKCS1v15: %v", err)
	}
	pss := &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: crypto.SHA256}
	sig, err = s.Sign(rand.Reader, digest[:], pss)
	if err != nil {
		t.Fatalf("Sign(PSS): %v", err)
	}
	if err := rsa.VerifyPSS(pub, crypto.SHA256, digest[:], sig, pss); err != nil {
		t.Errorf("VerifyPSS: %v", err)
	}

	selfSign(t, s)
}

// selfSign makes a CA certificate with s through crypto/x509, the way issuance will.
func selfSign(t *testing.T, s crypto.Signer) {
	t.Helper()
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{Country: []string{"KR"}, Organization: []string{"certcenter"}, CommonName: "signer test CA"},
		NotBefore:             now.Add(-time.Minute),
		NotAfter:              now.Add(time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, s.Public(), s)
	if err != nil {
		t.Fatalf("CreateCertificate: %v", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatalf("ParseCertificate: %v", err)
	}
	if err := cert.CheckSignatureFrom(cert); err != nil {
		t.Errorf("CheckSignatureFrom(self): %v", err)
	}
}

func TestHSMReopenFindsKey(t *testing.T) {
	cfg, _ := newToken(t)
	hsm := openHSM(t, cfg)
	made, err := hsm.GenerateRSA("root", 2048)
	if err != nil {
		t.Fatalf("GenerateRSA: %v", err)
	}
	if err := hsm.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	digest := sha256.Sum256([]byte("after close"))
	if _, err := made.Sign(rand.Reader, digest[:], crypto.SHA256); err == nil {
		t.Errorf("Sign after Close succeeded, want an error")
	}

	hsm = openHSM(t, cfg)
	defer hsm.Close()
	found, err := hsm.Signer("root")
	if err != nil {
		t.Fatalf("Signer(root) after reopen: %v", err)
	}
	if !found.Public().(*rsa.PublicKey).Equal(made.Public()) {
		t.Errorf("Signer(root) after reopen has a different public key")
	}
	sig, err := found.Sign(rand.Reader, digest[:], crypto.SHA256)
	if err != nil {
		t.Fatalf("Sign: %v", err)
	}
	if err := rsa.VerifyPKCS1v15(made.Public().(*rsa.PublicKey), crypto.SHA256, digest[:], sig); err != nil {
		t.Errorf("VerifyPKCS1v15: %v", err)
	}
}

func TestHSMGenerateRefuses(t *testing.T) {
	cfg, _ := newToken(t)
	hsm := openHSM(t, cfg)
	defer hsm.Close()
	if _, err := hsm.GenerateRSA("ca", 2048); err != nil {
		t.Fatalf("GenerateRSA: %v", err)
	}
	if _, err := hsm.GenerateRSA("ca", 2048); !errors.Is(err, signer.ErrKeyExists) {
		t.Errorf("GenerateRSA(existing label) = %v, want ErrKeyExists", err)
	}
	if _, err := hsm.GenerateRSA("small", 1024); !errors.Is(err, signer.ErrKeyPolicy) {
		t.Errorf("GenerateRSA(1024) = %v, want ErrKeyPolicy", err)
	}
}

func TestOpenPKCS11Errors(t *testing.T) {
	cfg, h := newToken(t)
	// One key so that "key not found" is about the label, not an empty token.
	hsm := openHSM(t, cfg)
	if _, err := hsm.GenerateRSA("present", 2048); err != nil {
		t.Fatalf("GenerateRSA: %v", err)
	}
	hsm.Close()

	notLib := filepath.Join(t.TempDir(), "libnot.so")
	os.WriteFile(notLib, []byte("not an ELF file"), 0o600)
	const wrongPIN = "987654"
	t.Setenv("CERTCENTER_TEST_WRONG_PIN", wrongPIN)

	tests := []struct {
		name   string
		modify func(*signer.PKCS11Config)
		key    string
		want   error
	}{
		{"module missing", func(c *signer.PKCS11Config) { c.Module = filepath.Join(t.TempDir(), "libnone.so") }, "present", signer.ErrModuleNotFound},
		{"module not a library", func(c *signer.PKCS11Config) { c.Module = notLib }, "present", signer.ErrModuleNotFound},
		{"token missing", func(c *signer.PKCS11Config) { c.TokenLabel = "no-such-token" }, "present", signer.ErrTokenNotFound},
		{"slot missing", func(c *signer.PKCS11Config) { n := uint(424242); c.TokenLabel, c.Slot = "", &n }, "present", signer.ErrTokenNotFound},
		{"wrong PIN", func(c *signer.PKCS11Config) { c.PIN = "env:CERTCENTER_TEST_WRONG_PIN" }, "present", signer.ErrWrongPIN},
		{"PIN variable unset", func(c *signer.PKCS11Config) { c.PIN = "env:CERTCENTER_TEST_UNSET" }, "present", signer.ErrSecretRef},
		{"key label missing", func(c *signer.PKCS11Config) {}, "absent", signer.ErrKeyNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := cfg
			tt.modify(&c)
			c.KeyLabel = tt.key
			s, closer, err := signer.Open(signer.Spec{PKCS11: &c})
			if err == nil {
				closer.Close()
				t.Fatalf("Open = %v, want %v", s.Describe(), tt.want)
			}
			if !errors.Is(err, tt.want) {
				t.Errorf("Open: %v, want %v", err, tt.want)
			}
			for _, pin := range []string{h.PIN, wrongPIN} {
				if strings.Contains(err.Error(), pin) {
					t.Errorf("error %q contains a PIN", err)
				}
			}
		})
	}
}

func TestOpenPKCS11Spec(t *testing.T) {
	cfg, h := newToken(t)
	hsm := openHSM(t, cfg)
	made, err := hsm.GenerateRSA("issuing", 2048)
	hsm.Close()
	if err != nil {
		t.Fatalf("GenerateRSA: %v", err)
	}

	// The PIN as a file: reference this time.
	pinFile := filepath.Join(t.TempDir(), "pin")
	os.WriteFile(pinFile, []byte(h.PIN+"\n"), 0o600)
	cfg.PIN = "file:" + pinFile
	cfg.KeyLabel = "issuing"
	s, closer, err := signer.Open(signer.Spec{PKCS11: &cfg})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer closer.Close()
	if !s.Public().(*rsa.PublicKey).Equal(made.Public()) {
		t.Errorf("Open returned a different key")
	}
	concurrentSign(t, s, 4, 5)
}

// concurrentSign signs from several goroutines at once and verifies every signature.
func concurrentSign(t *testing.T, s crypto.Signer, goroutines, each int) {
	t.Helper()
	pub := s.Public().(*rsa.PublicKey)
	var wg sync.WaitGroup
	errc := make(chan error, goroutines*each)
	for g := range goroutines {
		wg.Go(func() {
			for i := range each {
				digest := sha256.Sum256([]byte{byte(g), byte(i)})
				sig, err := s.Sign(rand.Reader, digest[:], crypto.SHA256)
				if err == nil {
					err = rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], sig)
				}
				if err != nil {
					errc <- err
				}
			}
		})
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Errorf("concurrent Sign: %v", err)
	}
}

// TestHSMGenerateRSAAttributes reads the generated private key's attributes with a raw
// PKCS#11 session: a bootstrapped CA key must never leave the token and must only sign.
func TestHSMGenerateRSAAttributes(t *testing.T) {
	cfg, h := newToken(t)
	hsm := openHSM(t, cfg)
	if _, err := hsm.GenerateRSA("ca", 2048); err != nil {
		t.Fatalf("GenerateRSA: %v", err)
	}
	// Close first: crypto11 and a raw context must not share the initialized module.
	hsm.Close()

	p := pkcs11.New(h.Module)
	if p == nil {
		t.Fatalf("pkcs11.New(%s) failed", h.Module)
	}
	defer p.Destroy()
	if err := p.Initialize(); err != nil {
		t.Fatalf("Initialize: %v", err)
	}
	defer p.Finalize()
	slots, err := p.GetSlotList(true)
	if err != nil {
		t.Fatalf("GetSlotList: %v", err)
	}
	var sess pkcs11.SessionHandle
	found := false
	for _, slot := range slots {
		if info, err := p.GetTokenInfo(slot); err == nil && info.Label == h.TokenLabel {
			if sess, err = p.OpenSession(slot, pkcs11.CKF_SERIAL_SESSION); err != nil {
				t.Fatalf("OpenSession: %v", err)
			}
			found = true
		}
	}
	if !found {
		t.Fatalf("token %s not found", h.TokenLabel)
	}
	defer p.CloseSession(sess)
	if err := p.Login(sess, pkcs11.CKU_USER, h.PIN); err != nil {
		t.Fatalf("Login: %v", err)
	}
	defer p.Logout(sess)
	if err := p.FindObjectsInit(sess, []*pkcs11.Attribute{
		pkcs11.NewAttribute(pkcs11.CKA_CLASS, pkcs11.CKO_PRIVATE_KEY),
		pkcs11.NewAttribute(pkcs11.CKA_LABEL, "ca"),
	}); err != nil {
		t.Fatalf("FindObjectsInit: %v", err)
	}
	objs, _, err := p.FindObjects(sess, 2)
	p.FindObjectsFinal(sess)
	if err != nil || len(objs) != 1 {
		t.Fatalf("FindObjects = %d objects, %v; want 1", len(objs), err)
	}
	want := map[uint]bool{
		pkcs11.CKA_SENSITIVE:   true,
		pkcs11.CKA_EXTRACTABLE: false,
		pkcs11.CKA_PRIVATE:     true,
		pkcs11.CKA_SIGN:        true,
		pkcs11.CKA_DECRYPT:     false,
		pkcs11.CKA_UNWRAP:      false,
	}
	var tmpl []*pkcs11.Attribute
	for a := range want {
		tmpl = append(tmpl, pkcs11.NewAttribute(a, nil))
	}
	attrs, err := p.GetAttributeValue(sess, objs[0], tmpl)
	if err != nil {
		t.Fatalf("GetAttributeValue: %v", err)
	}
	for _, a := range attrs {
		got := len(a.Value) == 1 && a.Value[0] != 0
		if got != want[a.Type] {
			t.Errorf("private key attribute 0x%x = %v, want %v", a.Type, got, want[a.Type])
		}
	}
}

// TestOpenPKCS11BySlot selects the token by slot ID instead of label. SoftHSM2 moves an
// initialized token to a slot numbered after its serial, so ask softhsm2-util for it.
func TestOpenPKCS11BySlot(t *testing.T) {
	cfg, h := newToken(t)
	out, err := exec.Command("softhsm2-util", "--show-slots").CombinedOutput()
	if err != nil {
		t.Fatalf("softhsm2-util --show-slots: %v\n%s", err, out)
	}
	var slot *uint
	var current uint
	for line := range strings.Lines(string(out)) {
		f := strings.Fields(line)
		switch {
		case len(f) == 2 && strings.HasPrefix(line, "Slot "):
			n, err := strconv.ParseUint(f[1], 10, 64)
			if err != nil {
				t.Fatalf("slot line %q: %v", line, err)
			}
			current = uint(n)
		case len(f) == 2 && f[0] == "Label:" && f[1] == h.TokenLabel:
			n := current
			slot = &n
		}
	}
	if slot == nil {
		t.Fatalf("token %s not in softhsm2-util --show-slots:\n%s", h.TokenLabel, out)
	}

	cfg.TokenLabel, cfg.Slot = "", slot
	hsm := openHSM(t, cfg)
	defer hsm.Close()
	s, err := hsm.GenerateRSA("by-slot", 2048)
	if err != nil {
		t.Fatalf("GenerateRSA: %v", err)
	}
	if got, want := s.Describe(), fmt.Sprintf("pkcs11 slot %d key by-slot (RSA-2048)", *slot); got != want {
		t.Errorf("Describe() = %q, want %q", got, want)
	}
}
