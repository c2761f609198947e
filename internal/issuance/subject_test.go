package issuance

import (
	"bytes"
	"crypto/x509"
	"fmt"
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

// FormatCN writes yessign's 24-digit form: the digits of the test certificate's CN
// (issue 18: the 22-digit form is 2005-2013's).
func TestFormatParseCN(t *testing.T) {
	tests := []struct {
		bank, kind string
		day        time.Time
		seq        int
		want       string
	}{
		// The yessign test certificate: HKD(KILDONG.HONG)009104120200225191000030.
		{"091", "04", time.Date(2020, 2, 25, 0, 0, 0, 0, kst), 191000030, "장정훈()009104120200225191000030"},
		{"020", "04", time.Date(2008, 6, 23, 0, 0, 0, 0, kst), 2804005, "장정훈()002004120080623002804005"},
		{"088", "01", time.Date(2026, 3, 25, 0, 0, 0, 0, kst), 1, "장정훈()008801120260325000000001"},
	}
	for _, tt := range tests {
		cn, err := FormatCN("장정훈", tt.bank, tt.kind, tt.day, tt.seq)
		if err != nil || cn != tt.want {
			t.Errorf("FormatCN(%s, %d) = %q, %v, want %q", tt.bank, tt.seq, cn, err, tt.want)
			continue
		}
		if d := cn[strings.Index(cn, ")")+1:]; len(d) != 24 {
			t.Errorf("FormatCN(%s, %d) has %d digits, want 24", tt.bank, tt.seq, len(d))
		}
		got, err := ParseCN(cn)
		want := CN{Name: "장정훈", BankCode: tt.bank, KindCode: tt.kind, IssueDay: tt.day, Sequence: fmt.Sprintf("%09d", tt.seq)}
		if err != nil || got != want {
			t.Errorf("ParseCN(%q) = %+v, %v, want %+v", cn, got, err, want)
		}
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
		{cn: "홍길동()008801120260325000000001", want: CN{Name: "홍길동", BankCode: "088", KindCode: "01",
			IssueDay: time.Date(2026, 3, 25, 0, 0, 0, 0, kst), Sequence: "000000001"}},
		// yessign 2018 and 2025, from public code (KOREAN-PKI.md section 6).
		{cn: "x()008804620180611188000055", want: CN{Name: "x", BankCode: "088", KindCode: "04",
			IssueDay: time.Date(2018, 6, 11, 0, 0, 0, 0, kst), Sequence: "188000055"}},
		{cn: "x()002304120250902123000004", want: CN{Name: "x", BankCode: "023", KindCode: "04",
			IssueDay: time.Date(2025, 9, 2, 0, 0, 0, 0, kst), Sequence: "123000004"}},
		// The older 22-digit form (2005-2013) is still read.
		{cn: "장정훈()0020041200806232804005", want: CN{Name: "장정훈", BankCode: "020", KindCode: "04",
			IssueDay: time.Date(2008, 6, 23, 0, 0, 0, 0, kst), Sequence: "2804005"}},
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
		{"홍길동", "020", "04", 1_000_000_000},
		{strings.Repeat("가", 39), "020", "04", 1},
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
