package npki

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestDefaultRoot(t *testing.T) {
	env := func(k string) string {
		if k == "USERPROFILE" {
			return `C:\Users\hong`
		}
		return ""
	}
	for _, tc := range []struct {
		goos, home string
		getenv     func(string) string
		want       string
	}{
		{"linux", "/home/hong", env, "/home/hong/NPKI"},
		{"darwin", "/Users/hong", env, "/Users/hong/Library/Preferences/NPKI"},
		{"windows", `C:\Users\other`, env, `C:\Users\hong\AppData\LocalLow\NPKI`},
		{"windows", `C:\Users\other`, func(string) string { return "" }, `C:\Users\other\AppData\LocalLow\NPKI`},
		{"freebsd", "/home/hong", env, "/home/hong/NPKI"},
	} {
		if got := DefaultRoot(tc.goos, tc.home, tc.getenv); got != tc.want {
			t.Errorf("DefaultRoot(%s, %s) = %s, want %s", tc.goos, tc.home, got, tc.want)
		}
	}
}

func TestRemovableRootPatterns(t *testing.T) {
	lin := RemovableRootPatterns("linux", "hong")
	if !slices.Equal(lin, []string{"/media/hong/*/NPKI", "/run/media/hong/*/NPKI", "/mnt/*/NPKI"}) {
		t.Errorf("linux patterns = %v", lin)
	}
	if got := RemovableRootPatterns("linux", "../x"); !slices.Equal(got, []string{"/mnt/*/NPKI"}) {
		t.Errorf("linux patterns for a bad user name = %v", got)
	}
	if got := RemovableRootPatterns("darwin", "hong"); !slices.Equal(got, []string{"/Volumes/*/NPKI"}) {
		t.Errorf("darwin patterns = %v", got)
	}
	win := RemovableRootPatterns("windows", "hong")
	if len(win) != 23 || win[0] != `D:\NPKI` || win[22] != `Z:\NPKI` {
		t.Errorf("windows patterns = %v", win)
	}
}

func TestSubjectFolderNameYessign(t *testing.T) {
	cert := yessignCert(t)
	got, err := SubjectFolderName(cert)
	if err != nil {
		t.Fatal(err)
	}
	want := "cn=HKD(KILDONG.HONG)009104120200225191000030,ou=INITECH,ou=personal4IB,o=yessign,c=kr"
	if got != want {
		t.Errorf("SubjectFolderName = %q, want %q", got, want)
	}
	ca, err := CAFolderName(cert)
	if err != nil || ca != "yessign" {
		t.Errorf("CAFolderName = %q, %v; want yessign", ca, err)
	}
	dir, err := CertDir("/home/hong/NPKI", cert)
	if err != nil || dir != "/home/hong/NPKI/yessign/USER/"+want {
		t.Errorf("CertDir = %q, %v", dir, err)
	}
}

func TestSafeName(t *testing.T) {
	for _, v := range []string{"a/b", `a\b`, "a\x00b", "a\nb", ""} {
		if safeName(v) == nil {
			t.Errorf("safeName(%q) = nil, want error", v)
		}
	}
	if err := safeName("홍길동()0020041200806232804005"); err != nil {
		t.Errorf("safeName(Korean CN) = %v", err)
	}
}

func TestWriteAndList(t *testing.T) {
	root := filepath.Join(t.TempDir(), "NPKI")
	files := Files{
		SignCert: readTestdata(t, "yessign-test/signCert.der"),
		SignKey:  readTestdata(t, "yessign-test/signPri.key"),
	}
	dir, err := Write(root, files, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{SignCertFile, SignKeyFile} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s mode = %v, want 0600", name, fi.Mode().Perm())
		}
	}
	for d := dir; d != root; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o700 {
			t.Errorf("%s mode = %v, want 0700", d, fi.Mode().Perm())
		}
	}

	// A second write is refused, an explicit overwrite replaces.
	if _, err := Write(root, files, nil); !errors.Is(err, ErrExists) {
		t.Errorf("Write(existing) = %v, want ErrExists", err)
	}
	files.KMCert, files.KMKey = files.SignCert, files.SignKey
	if _, err := Write(root, files, &WriteOptions{Overwrite: true}); err != nil {
		t.Fatalf("Write(Overwrite) = %v", err)
	}
	if _, err := Write(root, Files{SignCert: files.SignCert, SignKey: files.SignKey, KMCert: files.SignCert}, &WriteOptions{Overwrite: true}); err == nil {
		t.Error("Write(kmCert without kmPri.key) succeeded")
	}

	// Junk around the folder, and a broken certificate folder.
	os.WriteFile(filepath.Join(root, "junk.txt"), []byte("x"), 0o600)
	os.MkdirAll(filepath.Join(root, "KICA", "USER", "empty"), 0o700)
	os.MkdirAll(filepath.Join(root, "KICA", "other"), 0o700)
	broken := filepath.Join(root, "KICA", "USER", "cn=broken")
	os.MkdirAll(broken, 0o700)
	os.WriteFile(filepath.Join(broken, SignCertFile), []byte("not a certificate"), 0o600)
	nokey := filepath.Join(root, "KICA", "USER", "cn=nokey")
	os.MkdirAll(nokey, 0o700)
	os.WriteFile(filepath.Join(nokey, SignCertFile), files.SignCert, 0o600)

	entries, bad, err := List(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Dir != dir || !bytes.Equal(entries[0].SignKey, files.SignKey) ||
		!bytes.Equal(entries[0].KMKey, files.SignKey) || entries[0].Cert == nil {
		t.Errorf("List = %d entries %+v", len(entries), entries)
	}
	if len(bad) != 2 {
		t.Errorf("List reported %d unreadable folders (%v), want 2 (broken, nokey)", len(bad), bad)
	}
	// No temporary folders are left behind.
	left, _ := filepath.Glob(filepath.Join(root, "yessign", "USER", ".npki-*"))
	if len(left) != 0 {
		t.Errorf("temporary folders left: %v", left)
	}
	if _, _, err := List(filepath.Join(root, "missing")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("List(missing root) = %v, want fs.ErrNotExist", err)
	}
}

// TestOtherRootCandidates: the older and platform-specific places Korean software
// looks in (issue 18 item 6).
func TestOtherRootCandidates(t *testing.T) {
	none := func(string) string { return "" }
	for _, tc := range []struct {
		goos, home string
		getenv     func(string) string
		want       []string
	}{
		{"windows", `C:\Users\hong`, none, []string{`C:\Program Files\NPKI`}},
		{"windows", `C:\Users\hong`, func(k string) string {
			if k == "ProgramFiles" {
				return `D:\Programs\`
			}
			return ""
		}, []string{`D:\Programs\NPKI`}},
		{"darwin", "/Users/hong", none, []string{"/Users/hong/Documents/NPKI"}},
		{"darwin", "", none, nil},
		{"android", "/data/home", none, []string{"/sdcard/NPKI"}},
		{"linux", "/home/hong", none, nil},
	} {
		if got := OtherRootCandidates(tc.goos, tc.home, tc.getenv); !slices.Equal(got, tc.want) {
			t.Errorf("OtherRootCandidates(%s, %s) = %q, want %q", tc.goos, tc.home, got, tc.want)
		}
	}
	// OtherRoots keeps the ones that exist (macOS layout under a temporary home).
	home := t.TempDir()
	if got := OtherRoots("darwin", home, none); len(got) != 0 {
		t.Errorf("OtherRoots before ~/Documents/NPKI exists = %q", got)
	}
	if err := os.MkdirAll(filepath.Join(home, "Documents", "NPKI"), 0o700); err != nil {
		t.Fatal(err)
	}
	if got := OtherRoots("darwin", home, none); !slices.Equal(got, []string{filepath.Join(home, "Documents", "NPKI")}) {
		t.Errorf("OtherRoots = %q", got)
	}
}
