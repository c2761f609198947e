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

func TestPasswd(t *testing.T) {
	root, dir := yessignNPKI(t)
	keyPath := filepath.Join(dir, signKeyFile)
	oldFile := writeTemp(t, "old", yessignPassword+"\n")
	newPw := "New-pass-2026#"
	r := runCLI(t, nil, "", "passwd", "HKD", "--password-file", oldFile, "--new-password-file", writeTemp(t, "new", newPw+"\r\n"), "--npki-dir", root)
	if r.code != 0 || !strings.Contains(r.stdout, "password changed: "+keyPath) {
		t.Fatalf("passwd = %d %q %q", r.code, r.stdout, r.stderr)
	}
	der := mustRead(t, keyPath)
	k, err := npki.DecryptKeyFile(der, []byte(newPw))
	if err != nil {
		t.Fatalf("new key file with the new password: %v", err)
	}
	if !bytes.Equal(k.RandomNum, testRYessign) {
		t.Errorf("R after passwd = %x, want %x", k.RandomNum, testRYessign)
	}
	if _, err := npki.DecryptKeyFile(der, []byte(yessignPassword)); err == nil {
		t.Errorf("the old password still opens the key file")
	}
	if s, _ := npkiKeyScheme(der); s != "seedCBCWithSHA1" {
		t.Errorf("passwd changed the scheme to %q, want the old one kept", s)
	}
	if st, _ := os.Stat(keyPath); st.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600 kept", st.Mode().Perm())
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 2 {
		t.Errorf("certificate folder holds %d files after passwd, want 2 (no temporary left)", len(ents))
	}

	// Back again, at a (fake) terminal: asked once for the old, twice for the new.
	r = runWith(t, nil, []string{newPw, yessignPassword, yessignPassword}, "passwd", "1", "--npki-dir", root, "--json")
	var out struct{ Changed bool }
	if err := json.Unmarshal([]byte(r.stdout), &out); r.code != 0 || err != nil || !out.Changed {
		t.Fatalf("passwd at a prompt = %d %q %q", r.code, r.stdout, r.stderr)
	}
	if _, err := npki.DecryptKeyFile(mustRead(t, keyPath), []byte(yessignPassword)); err != nil {
		t.Errorf("after the second passwd: %v", err)
	}
}

func TestPasswdRefusals(t *testing.T) {
	root, dir := yessignNPKI(t)
	keyPath := filepath.Join(dir, signKeyFile)
	oldFile := writeTemp(t, "old", yessignPassword)
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		answers []string // prompt answers; nil runs without a terminal
		wantErr string
	}{
		{"too short", nil, []string{"--password-file", oldFile, "--new-password-file", writeTemp(t, "n", "Ab1!")}, nil,
			"new password not accepted: it must be at least 10 characters long"},
		{"no digit", nil, []string{"--password-file", oldFile, "--new-password-file", writeTemp(t, "n", "Abcdefghij!")}, nil,
			"it must contain a digit"},
		{"no special", nil, []string{"--password-file", oldFile, "--new-password-file", writeTemp(t, "n", "Abcdefghij1")}, nil,
			"it must contain a special character"},
		{"forbidden", nil, []string{"--password-file", oldFile, "--new-password-file", writeTemp(t, "n", `Abcdefgh1!|`)}, nil,
			`it must not contain any of`},
		{"Hangul", nil, []string{"--password-file", oldFile, "--new-password-file", writeTemp(t, "n", "비밀번호Abcdef1!")}, nil,
			"no spaces, no Hangul"},
		{"no letter in Korean", map[string]string{"LANG": "ko_KR.UTF-8"}, []string{"--password-file", oldFile, "--new-password-file", writeTemp(t, "n", "1234567890!")}, nil,
			"새 비밀번호를 쓸 수 없습니다: 영문자(A-Z, a-z)가 있어야 합니다"},
		{"wrong old password", nil, []string{"--password-file", writeTemp(t, "o", "Not-the-password1"), "--new-password-file", writeTemp(t, "n", "New-pass-2026#")}, nil,
			"wrong password for " + keyPath},
		{"wrong old password in Korean", map[string]string{"LANG": "ko_KR.UTF-8"}, []string{"--password-file", writeTemp(t, "o", "Not-the-password1")}, nil,
			keyPath + " 의 비밀번호가 틀렸습니다"},
		{"prompts differ", nil, nil, []string{yessignPassword, "New-pass-2026#", "New-pass-2026$"}, "the two new passwords differ"},
		{"no terminal", nil, []string{"--password-file", oldFile}, nil, "--new-password-file FILE"},
		{"both from stdin", nil, []string{"--password-file", "-", "--new-password-file", "-"}, nil, "only one password can come from standard input"},
		{"missing old password file", nil, []string{"--password-file", filepath.Join(t.TempDir(), "none")}, nil, "cannot read the password file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := mustRead(t, keyPath)
			args := append([]string{"passwd", "1", "--npki-dir", root}, tt.args...)
			var r result
			if tt.answers != nil {
				r = runWith(t, tt.env, tt.answers, args...)
			} else {
				r = runCLI(t, tt.env, "", args...)
			}
			if r.code != exitError || !strings.Contains(r.stderr, tt.wantErr) {
				t.Errorf("passwd %q = %d %q, want %q", tt.args, r.code, r.stderr, tt.wantErr)
			}
			if !bytes.Equal(before, mustRead(t, keyPath)) {
				t.Errorf("a refused passwd changed signPri.key")
			}
			if strings.Contains(r.stderr, yessignPassword) || strings.Contains(r.stdout, yessignPassword) {
				t.Errorf("a password was printed")
			}
		})
	}
}

// TestCorruptKeyFile: a damaged signPri.key is reported as damaged, not as a wrong
// password, and nothing is written.
func TestCorruptKeyFile(t *testing.T) {
	root, dir := yessignNPKI(t)
	keyPath := filepath.Join(dir, signKeyFile)
	good := mustRead(t, keyPath)
	pwFile := writeTemp(t, "pw", yessignPassword)
	corruptions := map[string][]byte{
		"truncated": good[:len(good)/2],
		"garbage":   []byte("garbage, not DER"),
	}
	for name, bad := range corruptions {
		t.Run(name, func(t *testing.T) {
			os.WriteFile(keyPath, bad, 0o600)
			out := filepath.Join(t.TempDir(), "x.pfx")
			for _, args := range [][]string{
				{"passwd", "1", "--password-file", pwFile, "--new-password-file", writeTemp(t, "n", "New-pass-2026#")},
				{"export", "1", "--password-file", pwFile, "--out", out},
				{"vid", "1", "--password-file", pwFile, "--idn", "8001011234567"},
			} {
				r := runCLI(t, nil, "", append(args, "--npki-dir", root)...)
				if r.code != exitError || !strings.Contains(r.stderr, "is damaged or in an unknown format") ||
					!strings.Contains(r.stderr, "certctl: hint: copy the certificate folder again") {
					t.Errorf("%s with a %s key file = %d %q", args[0], name, r.code, r.stderr)
				}
			}
			if !bytes.Equal(bad, mustRead(t, keyPath)) {
				t.Errorf("the damaged key file was rewritten")
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("export wrote %s from a damaged key", out)
			}
		})
	}
}

// TestPasswdChangesKMKey: a kmPri.key beside signPri.key gets the new password too, and
// when it does not open with the old password nothing is written.
func TestPasswdChangesKMKey(t *testing.T) {
	root, dir := yessignNPKI(t)
	signPath, kmPath := filepath.Join(dir, signKeyFile), filepath.Join(dir, npki.KMKeyFile)
	// A km key under the same password: the sign key's own bytes will do.
	if err := os.WriteFile(kmPath, mustRead(t, signPath), 0o600); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, npki.KMCertFile), mustRead(t, filepath.Join(dir, signCertFile)), 0o600)
	newPw := "New-pass-2026#"
	r := runCLI(t, nil, "", "passwd", "HKD", "--password-file", writeTemp(t, "old", yessignPassword), "--new-password-file", writeTemp(t, "new", newPw), "--npki-dir", root)
	if r.code != 0 {
		t.Fatalf("passwd = %d %q", r.code, r.stderr)
	}
	for _, p := range []string{signPath, kmPath} {
		k, err := npki.DecryptKeyFile(mustRead(t, p), []byte(newPw))
		if err != nil {
			t.Errorf("%s with the new password: %v", p, err)
		} else if !bytes.Equal(k.RandomNum, testRYessign) {
			t.Errorf("%s: R = %x, want %x", p, k.RandomNum, testRYessign)
		}
	}

	// A km key that does not open with the current password: refused, both files unchanged.
	os.WriteFile(kmPath, []byte("not a key file"), 0o600)
	signBefore := mustRead(t, signPath)
	r = runCLI(t, nil, "", "passwd", "HKD", "--password-file", writeTemp(t, "old2", newPw), "--new-password-file", writeTemp(t, "new2", "Other-pass-77!"), "--npki-dir", root)
	if r.code == 0 {
		t.Fatalf("passwd with a broken kmPri.key succeeded")
	}
	if !bytes.Equal(mustRead(t, signPath), signBefore) || string(mustRead(t, kmPath)) != "not a key file" {
		t.Error("a refused passwd changed a file")
	}
}
