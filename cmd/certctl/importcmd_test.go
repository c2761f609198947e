package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/certcenter/certcenter/npki"
)

func TestImportYessignPFX(t *testing.T) {
	root := filepath.Join(t.TempDir(), "NPKI")
	pwFile := writeTemp(t, "pw", yessignPassword+"\n")
	r := runCLI(t, nil, "", "import", "testdata/yessign-test/cert.pfx", "--password-file", pwFile, "--npki-dir", root)
	if r.code != 0 {
		t.Fatalf("import = %d %q %q", r.code, r.stdout, r.stderr)
	}
	dir := filepath.Join(root, "yessign", "USER", "cn=HKD(KILDONG.HONG)009104120200225191000030,ou=INITECH,ou=personal4IB,o=yessign,c=kr")
	if !strings.Contains(r.stdout, "imported into "+dir) || !strings.Contains(r.stdout, "serial 459C75") {
		t.Errorf("import output %q", r.stdout)
	}
	if !bytes.Equal(mustRead(t, filepath.Join(dir, signCertFile)), mustRead(t, "testdata/yessign-test/signCert.der")) {
		t.Errorf("signCert.der differs from the certificate in the PFX")
	}
	// The key file opens with the PFX's password and has R.
	k, err := npki.DecryptKeyFile(mustRead(t, filepath.Join(dir, signKeyFile)), []byte(yessignPassword))
	if err != nil {
		t.Fatalf("imported signPri.key: %v", err)
	}
	if got := k.RandomNum; len(got) != 20 || got[0] != 0x78 || got[19] != 0x79 {
		t.Errorf("imported R = %x, want 7858b4...d479", got)
	}

	// Again: refused without --force, nothing changed.
	before := mustRead(t, filepath.Join(dir, signKeyFile))
	r = runCLI(t, nil, "", "import", "testdata/yessign-test/cert.pfx", "--password-file", pwFile, "--npki-dir", root)
	if r.code != exitError || !strings.Contains(r.stderr, "already exists") || !strings.Contains(r.stderr, "certctl: hint: add --force") {
		t.Errorf("second import = %d %q", r.code, r.stderr)
	}
	if !bytes.Equal(before, mustRead(t, filepath.Join(dir, signKeyFile))) {
		t.Errorf("a refused import changed signPri.key")
	}
	// --force replaces it; --legacy writes the classic scheme; --json parses.
	r = runCLI(t, nil, yessignPassword, "import", "testdata/yessign-test/cert.pfx", "--password-file", "-",
		"--npki-dir", root, "--force", "--legacy", "--json")
	var v certView
	if err := json.Unmarshal([]byte(r.stdout), &v); r.code != 0 || err != nil || v.Serial != "459C75" || v.Folder != dir {
		t.Errorf("import --force --json = %d %v %q %q", r.code, err, r.stdout, r.stderr)
	}
	if s, _ := npkiKeyScheme(mustRead(t, filepath.Join(dir, signKeyFile))); s != "seedCBCWithSHA1" {
		t.Errorf("import --legacy wrote %q", s)
	}
}

func TestImportErrors(t *testing.T) {
	root := filepath.Join(t.TempDir(), "NPKI")
	good := writeTemp(t, "pw", yessignPassword)
	notPFX := writeTemp(t, "x.pfx", "this is not PKCS#12")
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"wrong password", []string{"testdata/yessign-test/cert.pfx", "--password-file", writeTemp(t, "pw", "wrong")}, "wrong password for testdata/yessign-test/cert.pfx"},
		{"missing file", []string{filepath.Join(t.TempDir(), "nope.pfx"), "--password-file", good}, "cannot read"},
		{"missing password file", []string{"testdata/yessign-test/cert.pfx", "--password-file", filepath.Join(t.TempDir(), "nope")}, "cannot read the password file"},
		{"empty password file", []string{"testdata/yessign-test/cert.pfx", "--password-file", writeTemp(t, "pw", "\n")}, "is empty"},
		{"not PKCS#12", []string{notPFX, "--password-file", good}, "is not a PKCS#12 file certctl can read"},
		{"no terminal", []string{"testdata/yessign-test/cert.pfx"}, "standard input is not a terminal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, nil, "", append([]string{"import", "--npki-dir", root}, tt.args...)...)
			if r.code != exitError || !strings.Contains(r.stderr, tt.wantErr) {
				t.Errorf("import %q = %d %q, want %q", tt.args, r.code, r.stderr, tt.wantErr)
			}
			if _, err := os.Stat(root); err == nil {
				t.Errorf("a failed import created %s", root)
			}
		})
	}
}
