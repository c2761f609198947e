package issuance

import (
	"bytes"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"testing"
	"time"
)

func TestSigAlgDER(t *testing.T) {
	rsaAlg, err := sigAlgFor(loadKey(t, "ca-rsa2048.key").Public())
	if err != nil {
		t.Fatal(err)
	}
	// sha256WithRSAEncryption with NULL parameters, as in the yessign certificate.
	if got, want := hex.EncodeToString(rsaAlg.der), "300d06092a864886f70d01010b0500"; got != want {
		t.Errorf("RSA AlgorithmIdentifier = %s, want %s", got, want)
	}
	ecAlg, err := sigAlgFor(loadKey(t, "ca-p256.key").Public())
	if err != nil {
		t.Fatal(err)
	}
	// ecdsa-with-SHA256, parameters absent (RFC 5758 section 3.2).
	if got, want := hex.EncodeToString(ecAlg.der), "300a06082a8648ce3d040302"; got != want {
		t.Errorf("ECDSA AlgorithmIdentifier = %s, want %s", got, want)
	}
}

// Validity through 2049 is UTCTime, from 2050 GeneralizedTime (RFC 5280 section 4.1.2.5).
func TestTimeEncoding(t *testing.T) {
	p := newTestPKI(t)
	spki := p.ca.RawSubjectPublicKeyInfo
	f := &tbsFields{serial: testSerial(5), sigAlg: p.issuer.door.alg.der, issuer: p.ca.RawSubject, subject: p.ca.RawSubject, spki: spki,
		notBefore: time.Date(2049, 12, 31, 15, 0, 0, 0, time.UTC), notAfter: time.Date(2050, 12, 31, 14, 59, 59, 0, time.UTC)}
	tbs, err := f.marshal()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(tbs, append([]byte{0x17, 13}, "491231150000Z"...)) {
		t.Error("2049 notBefore is not the UTCTime 491231150000Z")
	}
	if !bytes.Contains(tbs, append([]byte{0x18, 15}, "20501231145959Z"...)) {
		t.Error("2050 notAfter is not the GeneralizedTime 20501231145959Z")
	}
	f.notAfter = f.notAfter.Add(time.Millisecond)
	if _, err := f.marshal(); err == nil {
		t.Error("marshal accepted a fractional second")
	}
	// The assembled certificate parses and carries the TBS byte for byte.
	c, err := x509.ParseCertificate(lintCopy(tbs, p.issuer.door.alg))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(c.RawTBSCertificate, tbs) || !c.NotAfter.Equal(time.Date(2050, 12, 31, 14, 59, 59, 0, time.UTC)) {
		t.Errorf("lint copy: TBS equal %v, NotAfter %v", bytes.Equal(c.RawTBSCertificate, tbs), c.NotAfter)
	}
}

// marshalSPKI writes RSA keys itself: the bytes must be crypto/x509's, and the yessign
// certificate's SubjectPublicKeyInfo must come back byte for byte.
func TestMarshalSPKI(t *testing.T) {
	c := yessignCert(t)
	got, err := marshalSPKI(c.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, c.RawSubjectPublicKeyInfo) {
		t.Errorf("yessign SPKI re-encoded:\n got %x\nwant %x", got, c.RawSubjectPublicKeyInfo)
	}
	for _, name := range []string{"subscriber-rsa2048.key", "subscriber-rsa1024.key", "ca-rsa2048.key", "subscriber-p256.key"} {
		pub := loadKey(t, name).Public()
		want, err := x509.MarshalPKIXPublicKey(pub)
		if err != nil {
			t.Fatal(err)
		}
		got, err := marshalSPKI(pub)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: marshalSPKI = %x, %v; want crypto/x509's %x", name, got, err, want)
		}
	}
	if _, err := marshalSPKI(&rsa.PublicKey{}); err == nil {
		t.Error("marshalSPKI(empty RSA key) succeeded")
	}
}
