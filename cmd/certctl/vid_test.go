package main

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestVID(t *testing.T) {
	root := filepath.Join(t.TempDir(), "NPKI")
	const idn = "8001011234567"
	issue(t, root, testCert{CN: "홍길동()0020041200806232804005", Inst: "WOORI", Serial: 0x4001, IDN: idn})
	issue(t, root, testCert{CN: "무VID()0020041200806232804006", Inst: "WOORI", Serial: 0x4002})
	issue(t, root, testCert{CN: "무R()0020041200806232804007", Inst: "WOORI", Serial: 0x4003, IDN: idn, NoR: true})
	pwFile := writeTemp(t, "pw", testPassword+"\n")
	tests := []struct {
		name     string
		sel, idn string
		env      map[string]string
		json     bool
		wantCode int
		wantOut  string
		wantErr  string
	}{
		{"match", "홍길동", idn, nil, false, exitOK, "match\n", ""},
		{"match with dash", "4001", "800101-1234567", nil, false, exitOK, "match\n", ""},
		{"mismatch", "홍길동", "8001011234568", nil, false, exitMismatch, "mismatch\n", ""},
		{"json match", "홍길동", idn, nil, true, exitOK, `"match": true`, ""},
		{"json mismatch", "홍길동", "9001011234567", nil, true, exitMismatch, `"match": false`, ""},
		{"bad idn", "홍길동", "12345", nil, false, exitError, "", "must be 13 digits"},
		{"bad idn in Korean", "홍길동", "abc", map[string]string{"LANG": "ko_KR.UTF-8"}, false, exitError, "", "식별번호는 주민등록번호 13자리"},
		{"no VID", "무VID", idn, nil, false, exitError, "", "certificate 4002 has no VID"},
		{"no R", "무R", idn, nil, false, exitError, "", "has no R (randomNum)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := []string{"vid", tt.sel, "--idn", tt.idn, "--password-file", pwFile, "--npki-dir", root}
			if tt.json {
				args = append(args, "--json")
			}
			r := runCLI(t, tt.env, "", args...)
			if r.code != tt.wantCode || !strings.Contains(r.stdout, tt.wantOut) || !strings.Contains(r.stderr, tt.wantErr) {
				t.Errorf("vid %s = %d %q %q, want %d %q %q", tt.name, r.code, r.stdout, r.stderr, tt.wantCode, tt.wantOut, tt.wantErr)
			}
			if tt.wantCode == exitMismatch && r.stderr != "" {
				t.Errorf("mismatch printed an error: %q", r.stderr)
			}
			if strings.Contains(r.stdout+r.stderr, "1234567") {
				t.Errorf("vid printed the identity number")
			}
		})
	}
	r := runCLI(t, nil, "", "vid", "1", "--password-file", pwFile, "--npki-dir", root)
	if r.code != exitError || !strings.Contains(r.stderr, "missing --idn") {
		t.Errorf("vid without --idn = %d %q", r.code, r.stderr)
	}
	r = runCLI(t, nil, "", "vid", "홍길동", "--idn", idn, "--password-file", writeTemp(t, "pw", "Wrong-pass-1!"), "--npki-dir", root)
	if r.code != exitError || !strings.Contains(r.stderr, "wrong password for") {
		t.Errorf("vid with a wrong password = %d %q", r.code, r.stderr)
	}
}
