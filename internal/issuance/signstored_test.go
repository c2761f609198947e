package issuance

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

// SignStored of a TBSCertificate that Prepare built reproduces, with an RSA key, the
// certificate Sign made: PKCS#1 v1.5 is deterministic.
func TestSignStoredReproducesTheCertificate(t *testing.T) {
	p := newTestPKI(t)
	if !p.issuer.Deterministic() {
		t.Fatal("an RSA issuer says its signatures are not deterministic")
	}
	prep, err := p.issuer.Prepare(honggildong(t))
	if err != nil {
		t.Fatal(err)
	}
	tbs := prep.TBS()
	der, err := p.issuer.Sign(prep)
	if err != nil {
		t.Fatal(err)
	}
	again, cert, err := p.issuer.SignStored(tbs)
	if err != nil {
		t.Fatalf("SignStored = %v", err)
	}
	if !bytes.Equal(again, der) || !bytes.Equal(cert.Raw, der) {
		t.Fatal("SignStored made another certificate than Sign for the same TBSCertificate")
	}
	if n := p.caKey.n.Load(); n != 2 {
		t.Errorf("CA key signed %d times, want 2", n)
	}
}

// SignStored refuses what Prepare would not have built, without using the key.
func TestSignStoredRefuses(t *testing.T) {
	p := newTestPKI(t)
	prep, err := p.issuer.Prepare(honggildong(t))
	if err != nil {
		t.Fatal(err)
	}
	good := prep.TBS()
	rootPrep, err := p.rootIssuer.Prepare(honggildong(t))
	if err != nil {
		t.Fatal(err)
	}
	// A TBSCertificate the lints refuse, built by Prepare's own code with a tampered field.
	var tampered *tbsFields
	req := honggildong(t)
	req.tamper = func(f *tbsFields) { f.notAfter = f.notAfter.Add(-time.Minute); tampered = f }
	if _, err := p.issuer.Prepare(req); !errors.Is(err, ErrLint) {
		t.Fatalf("Prepare(tampered) = %v, want ErrLint", err)
	}
	unlinted, err := tampered.marshal()
	if err != nil {
		t.Fatal(err)
	}
	// sha256WithRSAEncryption (…1.1.11) made sha384WithRSAEncryption (…1.1.12) inside the TBS.
	otherAlg := bytes.Replace(good, []byte{0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b}, []byte{0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0c}, 1)
	v1 := bytes.Clone(good)
	if i := bytes.Index(v1, []byte{0xa0, 0x03, 0x02, 0x01, 0x02}); i >= 0 {
		v1[i+4] = 0x00
	}
	for _, tc := range []struct {
		name, tbs, want string
	}{
		{"empty", "", "bytes"},
		{"oversized", strings.Repeat("x", maxStoredTBS+1), "bytes"},
		{"not DER", "\x04\x01x", "SEQUENCE"},
		{"trailing data", string(good) + "\x00", "SEQUENCE"},
		{"version 1", string(v1), "v3"},
		{"another signature algorithm", string(otherAlg), "signature algorithm"},
		// The AKI names the other CA's certificate: k_aki refuses it before the
		// issuer-name check would.
		{"another issuer", string(rootPrep.TBS()), "k_aki"},
		{"fails the lints", string(unlinted), "k_validity_kst"},
	} {
		_, _, err := p.issuer.SignStored([]byte(tc.tbs))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("SignStored(%s) = %v, want an error about %q", tc.name, err, tc.want)
		}
	}
	if n := p.caKey.n.Load(); n != 0 {
		t.Errorf("refused TBSCertificates made the CA key sign %d times, want 0", n)
	}
}

func FuzzSignStored(f *testing.F) {
	p := newTestPKI(f)
	prep, err := p.issuer.Prepare(honggildong(f))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(prep.TBS())
	f.Add([]byte{0x30, 0x00})
	f.Fuzz(func(t *testing.T, tbs []byte) {
		der, cert, err := p.issuer.SignStored(tbs)
		if err != nil {
			return
		}
		if !bytes.Equal(cert.RawTBSCertificate, tbs) || !bytes.Equal(cert.Raw, der) {
			t.Fatal("SignStored signed other bytes than it was given")
		}
	})
}

// A TBSCertificate stored by the release before issue 18 (the 22-digit CN, the AKI with
// the key identifier alone) is still completed after an upgrade: its certificate may
// already be in the holder's hands. Prepare no longer builds that form, and an AKI with
// another key's identifier is still refused.
func TestSignStoredAcceptsTheOlderProfile(t *testing.T) {
	p := newTestPKI(t)
	stored := func(keyID []byte) []byte {
		t.Helper()
		var old *tbsFields
		req := honggildong(t)
		req.tamper = func(f *tbsFields) {
			f.subject = mustName(t, SubscriberName("certcenter", "personal4IB", "WOORI",
				"홍길동()0020041"+f.notBefore.In(kst).Format("20060102")+"2804005"))
			f.exts[0] = extAKI(keyID, nil, nil)
			old = f
		}
		if _, err := p.issuer.Prepare(req); !errors.Is(err, ErrLint) {
			t.Fatalf("Prepare(older profile) = %v, want ErrLint", err)
		}
		tbs, err := old.marshal()
		if err != nil {
			t.Fatal(err)
		}
		return tbs
	}
	if _, cert, err := p.issuer.SignStored(stored(p.issuer.akid)); err != nil {
		t.Errorf("SignStored(older profile) = %v", err)
	} else if cert.Subject.CommonName != "홍길동()0020041"+cert.NotBefore.In(kst).Format("20060102")+"2804005" {
		t.Errorf("SignStored(older profile) CN = %q", cert.Subject.CommonName)
	}
	other := bytes.Repeat([]byte{0x5a}, len(p.issuer.akid))
	if _, _, err := p.issuer.SignStored(stored(other)); err == nil || !strings.Contains(err.Error(), "k_aki") {
		t.Errorf("SignStored(older profile, another key's identifier) = %v, want k_aki", err)
	}
}
