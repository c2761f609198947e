package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/certcenter/certcenter/internal/testenv"
	"github.com/certcenter/certcenter/npki"
)

// TestImportExportOpenSSL: import the yessign PFX, export it again, and OpenSSL reads
// the result; R survives the round trip.
func TestImportExportOpenSSL(t *testing.T) {
	root := filepath.Join(t.TempDir(), "NPKI")
	pwFile := writeTemp(t, "pw", yessignPassword+"\n")
	if r := runCLI(t, nil, "", "import", "testdata/yessign-test/cert.pfx", "--password-file", pwFile, "--npki-dir", root); r.code != 0 {
		t.Fatalf("import = %d %q", r.code, r.stderr)
	}
	newPw := writeTemp(t, "newpw", "Export-pass-2026!\n")
	tests := []struct {
		name     string
		args     []string
		password string
		legacy   bool
	}{
		{"korean form, key password", nil, yessignPassword, true},
		{"modern form", []string{"--modern"}, yessignPassword, false},
		{"new password", []string{"--new-password-file", newPw}, "Export-pass-2026!", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "x.pfx")
			args := append([]string{"export", "459C75", "--out", out, "--password-file", pwFile, "--npki-dir", root}, tt.args...)
			if r := runCLI(t, nil, "", args...); r.code != 0 || !strings.Contains(r.stdout, "exported to "+out) {
				t.Fatalf("export = %d %q %q", r.code, r.stdout, r.stderr)
			}
			data := mustRead(t, out)
			p, err := npki.DecodePFX(data, []byte(tt.password))
			if err != nil {
				t.Fatalf("DecodePFX(exported): %v", err)
			}
			if p.Key.RandomNum == nil || !bytes.Equal(p.Key.RandomNum, testRYessign) {
				t.Errorf("exported R = %x, want %x", p.Key.RandomNum, testRYessign)
			}
			if tt.legacy && p.KeyScheme != npki.PKCS12TripleDES {
				t.Errorf("exported key scheme %v, want the Korean 3DES form", p.KeyScheme)
			}
			opensslArgs := []string{"pkcs12", "-info", "-nodes", "-in", out, "-passin", "pass:" + tt.password}
			if tt.legacy {
				opensslArgs = append(opensslArgs, "-legacy")
			}
			o := testenv.RunOpenSSL(t, opensslArgs...)
			if !bytes.Contains(o, []byte("BEGIN PRIVATE KEY")) || !bytes.Contains(o, []byte("BEGIN CERTIFICATE")) {
				t.Errorf("openssl pkcs12 -info output lacks key or certificate:\n%s", o)
			}
		})
	}
}

// testRYessign is R in the yessign test key (its README).
var testRYessign = []byte{0x78, 0x58, 0xb4, 0x32, 0x83, 0x90, 0x80, 0x51, 0x29, 0xf0, 0x1c, 0x97, 0xfe, 0x6c, 0xa4, 0xa5, 0x20, 0xcb, 0xd4, 0x79}

func TestExportRefusals(t *testing.T) {
	root, _ := yessignNPKI(t)
	pwFile := writeTemp(t, "pw", yessignPassword)
	existing := writeTemp(t, "old.pfx", "old content")
	tests := []struct {
		name    string
		args    []string
		wantErr string
		out     string
	}{
		{"exists", []string{"--out", existing, "--password-file", pwFile}, "already exists", existing},
		{"no --out", []string{"--password-file", pwFile}, "missing --out", ""},
		{"wrong password", []string{"--out", "OUT", "--password-file", writeTemp(t, "pw", "Wrong-pass-123")}, "wrong password for", "OUT"},
		{"weak new password", []string{"--out", "OUT", "--password-file", pwFile, "--new-password-file", writeTemp(t, "npw", "short1!")}, "at least 10 characters", "OUT"},
		{"both new password flags", []string{"--out", "OUT", "--new-password", "--new-password-file", pwFile}, "not both", "OUT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := tt.out
			args := tt.args
			if out == "OUT" {
				out = filepath.Join(t.TempDir(), "x.pfx")
				for i, a := range args {
					if a == "OUT" {
						args[i] = out
					}
				}
			}
			r := runCLI(t, nil, "", append([]string{"export", "1", "--npki-dir", root}, args...)...)
			if r.code != exitError || !strings.Contains(r.stderr, tt.wantErr) {
				t.Errorf("export %q = %d %q, want %q", args, r.code, r.stderr, tt.wantErr)
			}
			if out == existing {
				if b := mustRead(t, existing); string(b) != "old content" {
					t.Errorf("refused export changed %s", existing)
				}
			} else if out != "" {
				if _, err := os.Stat(out); err == nil {
					t.Errorf("failed export wrote %s", out)
				}
				ents, _ := os.ReadDir(filepath.Dir(out))
				if len(ents) != 0 {
					t.Errorf("failed export left files: %v", ents)
				}
			}
		})
	}
	// --force overwrites.
	r := runCLI(t, nil, "", "export", "1", "--npki-dir", root, "--out", existing, "--force", "--password-file", pwFile)
	if r.code != 0 {
		t.Fatalf("export --force = %d %q", r.code, r.stderr)
	}
	if _, err := npki.DecodePFX(mustRead(t, existing), []byte(yessignPassword)); err != nil {
		t.Errorf("export --force wrote an unreadable file: %v", err)
	}
}
