package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestListYessign(t *testing.T) {
	root, dir := yessignNPKI(t)
	r := runCLI(t, nil, "", "list", "--npki-dir", root)
	if r.code != 0 {
		t.Fatalf("list = %d, stderr %q", r.code, r.stderr)
	}
	for _, want := range []string{
		"1. HKD — INITECH, yessign — expired",
		"personal, banking (bank, insurance, card); policy 1.2.410.200005.1.1.4",
		"serial 459C75",
		"valid 2020-02-25 00:00:00 KST to 2020-03-25 23:59:59 KST",
		"folder " + dir,
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("list output lacks %q:\n%s", want, r.stdout)
		}
	}

	r = runCLI(t, map[string]string{"CERTCTL_NPKI_DIR": root}, "", "list", "--json")
	var out listJSON
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("list --json: %v\n%s", err, r.stdout)
	}
	if len(out.Certificates) != 1 {
		t.Fatalf("list --json: %d certificates, want 1", len(out.Certificates))
	}
	c := out.Certificates[0]
	checks := []struct{ name, got, want string }{
		{"institution", c.Institution, "INITECH"},
		{"ca", c.CA, "yessign"},
		{"kind", c.Kind, "personal"},
		{"usage", c.Usage, "banking"},
		{"policy", c.PolicyOID, "1.2.410.200005.1.1.4"},
		{"serial", c.Serial, "459C75"},
		{"status", c.Status, "expired"},
		{"not_before", c.NotBefore.In(kst).Format(time.DateTime), "2020-02-25 00:00:00"},
		{"not_after", c.NotAfter.In(kst).Format(time.DateTime), "2020-03-25 23:59:59"},
		{"folder", c.Folder, dir},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("list --json %s = %q, want %q", ch.name, ch.got, ch.want)
		}
	}
	if c.DaysLeft >= 0 || !c.KeyFile {
		t.Errorf("list --json days_left %d key_file %v, want negative and true", c.DaysLeft, c.KeyFile)
	}
}

func TestListStatusesAndBanks(t *testing.T) {
	root := filepath.Join(t.TempDir(), "NPKI")
	day := 24 * time.Hour
	issue(t, root, testCert{CN: "가나다()0020041200806232804005", Inst: "WOORI", Serial: 0x1001,
		NotBefore: testNow.Add(-300 * day), NotAfter: testNow.Add(65 * day)})
	issue(t, root, testCert{CN: "라마바()0088041200806232804006", Inst: "SHINHAN", Serial: 0x1002,
		NotBefore: testNow.Add(-340 * day), NotAfter: testNow.Add(25 * day)})
	issue(t, root, testCert{CN: "사아자()0090041200806232804007", Inst: "KAKAO", Serial: 0x1003,
		NotBefore: testNow.Add(-400 * day), NotAfter: testNow.Add(-1 * day),
		Policy: []int{1, 2, 410, 200004, 5, 2, 1, 2}})
	r := runCLI(t, nil, "", "list", "--npki-dir", root, "--json")
	var out listJSON
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("list --json: %v\n%s%s", err, r.stdout, r.stderr)
	}
	want := map[string]struct{ status, bank, code, kind, usage string }{
		"1001": {statusValid, "Woori Bank", "020", "personal", "universal"},
		"1002": {statusExpiresSoon, "Shinhan Bank", "088", "personal", "universal"},
		"1003": {statusExpired, "KakaoBank", "090", "personal", "universal"},
	}
	if len(out.Certificates) != 3 {
		t.Fatalf("list: %d certificates, want 3", len(out.Certificates))
	}
	for _, c := range out.Certificates {
		w := want[c.Serial]
		if c.Status != w.status || c.BankName != w.bank || c.BankCode != w.code || c.Kind != w.kind || c.Usage != w.usage {
			t.Errorf("serial %s: status %q bank %q %q kind %q usage %q, want %+v", c.Serial, c.Status, c.BankName, c.BankCode, c.Kind, c.Usage, w)
		}
	}

	r = runCLI(t, map[string]string{"LANG": "ko_KR.UTF-8"}, "", "list", "--npki-dir", root)
	for _, s := range []string{"WOORI (우리은행 020)", "만료 임박", "유효", "만료됨", "개인, 범용"} {
		if !strings.Contains(r.stdout, s) {
			t.Errorf("Korean list lacks %q:\n%s", s, r.stdout)
		}
	}
}

func TestListEmptyAndBroken(t *testing.T) {
	root := filepath.Join(t.TempDir(), "NPKI")
	r := runCLI(t, nil, "", "list", "--npki-dir", root)
	if r.code != 0 || !strings.Contains(r.stdout, "no certificates in") {
		t.Errorf("list of a missing folder = %d %q %q", r.code, r.stdout, r.stderr)
	}
	bad := filepath.Join(root, "KICA", "USER", "cn=broken")
	if err := os.MkdirAll(bad, 0o700); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(bad, signCertFile), []byte("not a certificate"), 0o600)
	r = runCLI(t, nil, "", "list", "--npki-dir", root)
	if r.code != 0 || !strings.Contains(r.stdout, "1. unreadable certificate") {
		t.Errorf("list with a broken certificate = %d %q %q", r.code, r.stdout, r.stderr)
	}
	r = runCLI(t, nil, "", "show", "1", "--npki-dir", root)
	if r.code != exitError || !strings.Contains(r.stderr, "cannot read the certificate") {
		t.Errorf("show of a broken certificate = %d %q", r.code, r.stderr)
	}
}

func TestNPKIRoot(t *testing.T) {
	tests := []struct {
		goos, flag string
		env        map[string]string
		want       string
	}{
		{"linux", "/flag", map[string]string{"HOME": "/h", "CERTCTL_NPKI_DIR": "/env"}, "/flag"},
		{"linux", "", map[string]string{"HOME": "/h", "CERTCTL_NPKI_DIR": "/env"}, "/env"},
		{"linux", "", map[string]string{"HOME": "/home/u"}, "/home/u/NPKI"},
		{"darwin", "", map[string]string{"HOME": "/Users/u"}, "/Users/u/Library/Preferences/NPKI"},
		{"windows", "", map[string]string{"USERPROFILE": `C:\Users\u`}, `C:\Users\u\AppData\LocalLow\NPKI`},
	}
	for _, tt := range tests {
		c := newCLI(nil, nil, nil, func(k string) string { return tt.env[k] }, nil)
		c.goos = tt.goos
		if got, err := c.npkiRoot(tt.flag); got != tt.want || err != nil {
			t.Errorf("npkiRoot(%s, %q, %v) = %q, %v, want %q", tt.goos, tt.flag, tt.env, got, err, tt.want)
		}
	}
	c := newCLI(nil, nil, nil, func(string) string { return "" }, nil)
	if _, err := c.npkiRoot(""); err == nil || !strings.Contains(err.Error(), "home folder is unknown") {
		t.Errorf("npkiRoot without HOME: %v", err)
	}
}

func TestListKeyMissing(t *testing.T) {
	root := filepath.Join(t.TempDir(), "NPKI")
	dir, _ := issue(t, root, testCert{CN: "홍길동()0020041200806232804005", Inst: "WOORI", Serial: 0x3001})
	os.Remove(filepath.Join(dir, signKeyFile))
	r := runCLI(t, nil, "", "show", "1", "--npki-dir", root)
	if r.code != 0 || !strings.Contains(r.stdout, "key file:       no") {
		t.Errorf("show without key file = %d %q %q", r.code, r.stdout, r.stderr)
	}
}

// TestListRemovableDrives: without --npki-dir, certificates on removable drives are
// listed after the hard disk's, and their list numbers select them in other commands.
func TestListRemovableDrives(t *testing.T) {
	home := t.TempDir()
	diskRoot := filepath.Join(home, "NPKI")
	usbRoot := filepath.Join(t.TempDir(), "USB1", "NPKI")
	yesDir := func() string {
		root, dir := yessignNPKI(t)
		rel, _ := filepath.Rel(root, dir)
		dst := filepath.Join(diskRoot, rel)
		if err := os.MkdirAll(dst, 0o700); err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{signCertFile, signKeyFile} {
			os.WriteFile(filepath.Join(dst, f), mustRead(t, filepath.Join(dir, f)), 0o600)
		}
		return dst
	}()
	usbDir, _ := issue(t, usbRoot, testCert{CN: "김철수()0020041202601100000001", Inst: "WOORI", Serial: 77})

	env := map[string]string{"HOME": home}
	var out, errOut strings.Builder
	c := newCLI(strings.NewReader(""), &out, &errOut, func(k string) string { return env[k] }, func() time.Time { return testNow })
	c.goos = "linux"
	c.removable = func() []string { return []string{usbRoot} }
	if code := c.main([]string{"list", "--json"}); code != 0 {
		t.Fatalf("list = %d %s", code, errOut.String())
	}
	var got listJSON
	if err := json.Unmarshal([]byte(out.String()), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Certificates) != 2 || got.Certificates[0].Folder != yesDir || got.Certificates[1].Folder != usbDir || got.Certificates[1].Index != 2 {
		t.Fatalf("list over disk and USB = %+v", got.Certificates)
	}
	if len(got.NPKIDirs) != 2 || got.NPKIDirs[1] != usbRoot {
		t.Errorf("npki_dirs = %v", got.NPKIDirs)
	}
	out.Reset()
	if code := c.main([]string{"show", "2", "--json"}); code != 0 || !strings.Contains(out.String(), usbDir) {
		t.Errorf("show 2 = %d %s %s", code, out.String(), errOut.String())
	}
	// An explicit --npki-dir lists that folder only.
	out.Reset()
	if code := c.main([]string{"list", "--json", "--npki-dir", usbRoot}); code != 0 || strings.Contains(out.String(), yesDir) {
		t.Errorf("list --npki-dir USB = %d %s", code, out.String())
	}
}
