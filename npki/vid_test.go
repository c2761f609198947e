package npki

import (
	"crypto"
	"crypto/x509"
	"encoding/hex"
	"os"
	"testing"
)

func TestVIDVector(t *testing.T) {
	// KOREAN-PKI.md section 5, synthetic vector.
	r, _ := hex.DecodeString("7858b4328390805129f01c97fe6ca4a520cbd479")
	for _, tc := range []struct {
		h    crypto.Hash
		want string
	}{
		{crypto.SHA256, "2772f4f45aa885f2528953bbd00b77e71144b378cad1fa0d2fdf2d43ed03847d"},
		{crypto.SHA1, "c71f0fdfabf499083cadcb876328415ef8a051b3"},
	} {
		got, err := VID(tc.h, "8001011234567", r)
		if err != nil {
			t.Fatal(err)
		}
		if hex.EncodeToString(got) != tc.want {
			t.Errorf("VID(%v) = %x, want %s", tc.h, got, tc.want)
		}
	}
}

func TestVIDRefusesBadIDN(t *testing.T) {
	r := make([]byte, 20)
	for _, idn := range []string{"", "800101-1234567", "80010112345678", "abcdefghijklm"} {
		if _, err := VID(crypto.SHA256, idn, r); err != ErrBadIDN {
			t.Errorf("VID(%q) error = %v, want ErrBadIDN", idn, err)
		}
	}
}

func TestIdentifyDataFromYessign(t *testing.T) {
	der, err := os.ReadFile("testdata/yessign-test/signCert.der")
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	d, err := ParseIdentifyDataFromCert(cert)
	if err != nil {
		t.Fatal(err)
	}
	if d.RealName != "HKD" || d.HashAlg != crypto.SHA256 ||
		hex.EncodeToString(d.VID) != "8ad4f673412f825da4d1fb4d4216946bbc7f8194a0af01f86622ee23c7ee0de7" {
		t.Errorf("identifyData = %+v", d)
	}
	// Re-encoding gives the certificate's bytes back.
	san, err := MarshalSAN(*d)
	if err != nil {
		t.Fatal(err)
	}
	for _, ext := range cert.Extensions {
		if ext.Id.Equal(oidSAN) && hex.EncodeToString(ext.Value) != hex.EncodeToString(san) {
			t.Errorf("MarshalSAN = %x, want %x", san, ext.Value)
		}
	}
}

func TestIdentifyDataRoundTripAndCheck(t *testing.T) {
	r, _ := hex.DecodeString("7858b4328390805129f01c97fe6ca4a520cbd479")
	vid, _ := VID(crypto.SHA256, "8001011234567", r)
	san, err := MarshalSAN(IdentifyData{RealName: "홍길동", HashAlg: crypto.SHA256, VID: vid})
	if err != nil {
		t.Fatal(err)
	}
	d, err := ParseSAN(san)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := d.CheckVID("8001011234567", r); !ok || err != nil {
		t.Errorf("CheckVID(right idn) = %v, %v", ok, err)
	}
	if ok, _ := d.CheckVID("8001011234568", r); ok {
		t.Error("CheckVID(wrong idn) = true")
	}
	if d.RealName != "홍길동" {
		t.Errorf("RealName = %q", d.RealName)
	}
}
