package issuance

import (
	"bytes"
	"encoding/asn1"
	"math/big"
	"testing"
)

// The extension encoders reproduce the yessign test certificate's extensions byte for
// byte where the profile is the same (KOREAN-PKI.md section 6).
func TestExtensionsMatchYessign(t *testing.T) {
	c := yessignCert(t)
	ext := map[string][]byte{}
	crit := map[string]bool{}
	for _, e := range c.Extensions {
		ext[e.Id.String()] = e.Value
		crit[e.Id.String()] = e.Critical
	}
	notice, err := bmpString("이 인증서는 시험용 인증서입니다")
	if err != nil {
		t.Fatal(err)
	}
	ski, err := subjectKeyID(c.RawSubjectPublicKeyInfo)
	if err != nil {
		t.Fatal(err)
	}
	kisaRoot, err := CAName("KR", "KISA", "Korea Certification Authority Central", "Kisa Test RootCA 7").Marshal()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		got  extension
	}{
		// keyIdentifier, authorityCertIssuer = the yessign CA certificate's issuer (the
		// KISA test root), authorityCertSerialNumber = its serial, 2 (issue 18).
		{"AKI with issuer and serial", extAKI(c.AuthorityKeyId, kisaRoot, big.NewInt(2))},
		{"SKI (RFC 5280 4.2.1.2 method 1)", extSKI(ski)},
		{"keyUsage", extKeyUsage(kuDigitalSignature, kuNonRepudiation)},
		{"certificatePolicies", extCertPolicies(asn1.ObjectIdentifier{1, 2, 410, 200005, 1, 1, 4}, notice, "http://snoopy.yessign.or.kr/cps.htm")},
		{"CRL DP", extCRLDP("ldap://snoopy.yessign.or.kr:6020/ou=dp18p395,ou=AccreditedCA,o=yessign,c=kr?certificateRevocationList")},
		{"AIA", extAIA("http://snoopy.yessign.or.kr:4612", "")},
	}
	for _, tt := range tests {
		id := tt.got.id.String()
		if !bytes.Equal(tt.got.value, ext[id]) {
			t.Errorf("%s = %x, want %x", tt.name, tt.got.value, ext[id])
		}
		if tt.got.critical != crit[id] {
			t.Errorf("%s critical = %v, want %v", tt.name, tt.got.critical, crit[id])
		}
	}
}

func TestKeyUsageEncoding(t *testing.T) {
	tests := []struct {
		bits []int
		want []byte
	}{
		{[]int{kuDigitalSignature}, []byte{3, 2, 7, 0x80}},
		{[]int{kuDigitalSignature, kuNonRepudiation}, []byte{3, 2, 6, 0xc0}},
		{[]int{kuKeyCertSign, kuCRLSign}, []byte{3, 2, 1, 0x06}},
	}
	for _, tt := range tests {
		if got := extKeyUsage(tt.bits...).value; !bytes.Equal(got, tt.want) {
			t.Errorf("extKeyUsage(%v) = %x, want %x", tt.bits, got, tt.want)
		}
	}
}

func TestBMPString(t *testing.T) {
	if _, err := bmpString("😀"); err == nil {
		t.Error("bmpString(emoji) succeeded, want an error (outside the BMP)")
	}
	got, err := bmpString("이 A")
	if err != nil || !bytes.Equal(got, []byte{0xc7, 0x74, 0, 0x20, 0, 0x41}) {
		t.Errorf("bmpString(\"이 A\") = %x, %v", got, err)
	}
}
