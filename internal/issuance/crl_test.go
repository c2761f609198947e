package issuance

import (
	"crypto/x509"
	"encoding/asn1"
	"math/big"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/model"
)

func TestSignCRL(t *testing.T) {
	p := newTestPKI(t)
	this := testNow.UTC().Truncate(time.Second)
	inv := this.Add(-48 * time.Hour)
	entries := []CRLEntry{
		{Serial: testSerial(10), RevokedAt: this.Add(-time.Hour), Reason: model.ReasonKeyCompromise, InvalidityDate: &inv},
		{Serial: testSerial(11), RevokedAt: this.Add(-2 * time.Hour), Reason: model.ReasonCertificateHold},
		{Serial: testSerial(12), RevokedAt: this.Add(-3 * time.Hour), Reason: model.ReasonUnspecified},
	}
	der, err := p.issuer.SignCRL(CRLTemplate{Number: 42, ThisUpdate: this, NextUpdate: this.Add(24 * time.Hour), Partition: 3, Entries: entries})
	if err != nil {
		t.Fatalf("SignCRL() = %v", err)
	}
	if n := p.caKey.n.Load(); n != 1 {
		t.Errorf("SignCRL used the key %d times, want 1", n)
	}
	crl, err := x509.ParseRevocationList(der)
	if err != nil {
		t.Fatal(err)
	}
	if err := crl.CheckSignatureFrom(p.ca); err != nil {
		t.Errorf("CheckSignatureFrom(issuing CA) = %v", err)
	}
	if crl.Number.Cmp(big.NewInt(42)) != 0 || !crl.ThisUpdate.Equal(this) || !crl.NextUpdate.Equal(this.Add(24*time.Hour)) {
		t.Errorf("number %v thisUpdate %v nextUpdate %v", crl.Number, crl.ThisUpdate, crl.NextUpdate)
	}
	if len(crl.RevokedCertificateEntries) != 3 {
		t.Fatalf("%d entries, want 3", len(crl.RevokedCertificateEntries))
	}
	for i, want := range []int{1, 6, 0} {
		e := crl.RevokedCertificateEntries[i]
		if e.ReasonCode != want || e.SerialNumber.Cmp(new(big.Int).SetBytes(entries[i].Serial)) != 0 {
			t.Errorf("entry %d: serial %x reason %d, want %s reason %d", i, e.SerialNumber, e.ReasonCode, entries[i].Serial, want)
		}
	}
	var gotInv time.Time
	for _, ext := range crl.RevokedCertificateEntries[0].Extensions {
		if ext.Id.Equal(oidExtInvalidityDay) {
			asn1.Unmarshal(ext.Value, &gotInv)
		}
	}
	if !gotInv.Equal(inv) {
		t.Errorf("invalidityDate = %v, want %v", gotInv, inv)
	}
	if len(crl.RevokedCertificateEntries[2].Extensions) != 0 {
		t.Error("an unspecified entry carries extensions (reasonCode unspecified SHOULD be absent)")
	}
	idp := false
	for _, ext := range crl.Extensions {
		if ext.Id.Equal(oidExtIssuingDP) {
			idp = ext.Critical
		}
	}
	if !idp {
		t.Error("no critical issuingDistributionPoint")
	}

	full, err := p.issuer.SignCRL(CRLTemplate{Number: 1, ThisUpdate: this, NextUpdate: this.Add(time.Hour), Partition: model.FullCRL})
	if err != nil {
		t.Fatal(err)
	}
	fc, err := x509.ParseRevocationList(full)
	if err != nil || len(fc.RevokedCertificateEntries) != 0 {
		t.Fatalf("full CRL: %v, %d entries", err, len(fc.RevokedCertificateEntries))
	}
	for _, ext := range fc.Extensions {
		if ext.Id.Equal(oidExtIssuingDP) {
			t.Error("the full CRL has an issuingDistributionPoint")
		}
	}
}

func TestSignCRLRefuses(t *testing.T) {
	p := newTestPKI(t)
	this := testNow.UTC().Truncate(time.Second)
	for name, tmpl := range map[string]CRLTemplate{
		"nextUpdate before":  {ThisUpdate: this, NextUpdate: this.Add(-time.Second)},
		"fractional seconds": {ThisUpdate: this.Add(time.Millisecond), NextUpdate: this.Add(time.Hour)},
		"negative number":    {Number: -1, ThisUpdate: this, NextUpdate: this.Add(time.Hour)},
		"removeFromCRL": {ThisUpdate: this, NextUpdate: this.Add(time.Hour),
			Entries: []CRLEntry{{Serial: testSerial(1), RevokedAt: this, Reason: model.ReasonRemoveFromCRL}}},
		"negative serial": {ThisUpdate: this, NextUpdate: this.Add(time.Hour),
			Entries: []CRLEntry{{Serial: model.Serial{0x80, 1}, RevokedAt: this}}},
	} {
		if _, err := p.issuer.SignCRL(tmpl); err == nil {
			t.Errorf("SignCRL(%s) = nil error", name)
		}
	}
	if n := p.caKey.n.Load(); n != 0 {
		t.Errorf("refused CRLs used the key %d times", n)
	}
}
