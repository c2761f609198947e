package issuance

import (
	"bytes"
	"crypto/x509"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// yessignCert is the real yessign test certificate (testdata/yessign-test/README.md).
func yessignCert(t *testing.T) *x509.Certificate {
	t.Helper()
	der, err := os.ReadFile(filepath.Join("testdata", "yessign-test", "signCert.der"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The hand-built names reproduce the yessign test certificate's subject and issuer
// byte for byte (KOREAN-PKI.md section 6).
func TestNamesMatchYessign(t *testing.T) {
	c := yessignCert(t)
	sub, err := SubscriberName("yessign", "personal4IB", "INITECH", "HKD(KILDONG.HONG)009104120200225191000030").Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(sub, c.RawSubject) {
		t.Errorf("SubscriberName = %x, want %x", sub, c.RawSubject)
	}
	iss, err := CAName("kr", "yessign", "AccreditedCA", "yessignCA-Test Class 4").Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(iss, c.RawIssuer) {
		t.Errorf("CAName = %x, want %x", iss, c.RawIssuer)
	}
}

func TestFormatParseCN(t *testing.T) {
	day := time.Date(2008, 6, 23, 0, 0, 0, 0, kst)
	cn, err := FormatCN("장정훈", "020", "04", day, 2804005)
	if err != nil {
		t.Fatal(err)
	}
	if want := "장정훈()0020041200806232804005"; cn != want {
		t.Fatalf("FormatCN = %q, want %q", cn, want)
	}
	got, err := ParseCN(cn)
	if err != nil {
		t.Fatal(err)
	}
	want := CN{Name: "장정훈", BankCode: "020", KindCode: "04", IssueDay: day, Sequence: "2804005"}
	if got != want {
		t.Errorf("ParseCN(%q) = %+v, want %+v", cn, got, want)
	}
}

func TestParseCN(t *testing.T) {
	tests := []struct {
		cn      string
		want    CN
		wantErr bool
	}{
		{cn: "HKD(KILDONG.HONG)009104120200225191000030", want: CN{Name: "HKD", Inner: "KILDONG.HONG", BankCode: "091",
			KindCode: "04", IssueDay: time.Date(2020, 2, 25, 0, 0, 0, 0, kst), Sequence: "191000030"}},
		{cn: "홍길동()0088011202603250000001", want: CN{Name: "홍길동", BankCode: "088", KindCode: "01",
			IssueDay: time.Date(2026, 3, 25, 0, 0, 0, 0, kst), Sequence: "0000001"}},
		{cn: "홍길동0088011202603250000001", wantErr: true},
		{cn: "()0088011202603250000001", wantErr: true},
		{cn: "홍길동()008801120260325000000", wantErr: true},  // 21 digits
		{cn: "홍길동()1088011202603250000001", wantErr: true}, // does not start with 0
		{cn: "홍길동()0088011202613250000001", wantErr: true}, // month 13
		{cn: "홍길동()00880112026032500000x1", wantErr: true}, // not digits
	}
	for _, tt := range tests {
		got, err := ParseCN(tt.cn)
		if (err != nil) != tt.wantErr {
			t.Errorf("ParseCN(%q) error = %v, want error %v", tt.cn, err, tt.wantErr)
			continue
		}
		if !tt.wantErr && got != tt.want {
			t.Errorf("ParseCN(%q) = %+v, want %+v", tt.cn, got, tt.want)
		}
	}
}

func TestFormatCNRefuses(t *testing.T) {
	day := time.Date(2026, 3, 25, 0, 0, 0, 0, kst)
	tests := []struct {
		name, bank, kind string
		seq              int
	}{
		{"", "020", "04", 1},
		{"홍(길)동", "020", "04", 1},
		{"홍길동", "20", "04", 1},
		{"홍길동", "02a", "04", 1},
		{"홍길동", "020", "09", 1},
		{"홍길동", "020", "04", -1},
		{"홍길동", "020", "04", 10_000_000},
		{strings.Repeat("가", 41), "020", "04", 1},
		{"홍\n길동", "020", "04", 1},
	}
	for _, tt := range tests {
		if cn, err := FormatCN(tt.name, tt.bank, tt.kind, day, tt.seq); err == nil {
			t.Errorf("FormatCN(%q, %q, %q, %d) = %q, want an error", tt.name, tt.bank, tt.kind, tt.seq, cn)
		}
	}
}

func TestDNRefuses(t *testing.T) {
	for _, d := range []DN{
		nil,
		CAName("kr", "", "AccreditedCA", "x"),
		CAName("kör", "o", "ou", "x"),
		CAName("kr1", "o", "ou", "x"),
		CAName("kr", "o", "ou", string([]byte{0xff})),
	} {
		if _, err := d.Marshal(); err == nil {
			t.Errorf("DN{%s}.Marshal() succeeded, want an error", d)
		}
	}
}
